// SPDX-License-Identifier: MIT
// A loopback TCP proxy that can freeze, to make a database hang instead of refusing.

#pragma once

#include <QThread>

namespace llmring::test {

class ProxyRelay;

// Listens on 127.0.0.1 (a free port) and forwards each connection to 127.0.0.1:targetPort,
// on a thread of its own, so it keeps working while the test thread blocks.
//
// freeze() stops forwarding bytes in both directions, and keeps new connections
// accepted without connecting them onward. To a client this looks like a server that
// hangs, because connecting succeeds but the server never responds, and queries on open
// connections never return. resume() delivers everything held back and forwards again.
class TcpProxy
{
public:
    explicit TcpProxy(quint16 targetPort);
    // Closes every connection. Call resume() first if clients must get their responses.
    ~TcpProxy();

    TcpProxy(const TcpProxy &) = delete;
    TcpProxy &operator=(const TcpProxy &) = delete;

    // False with *error when no port can be bound.
    bool start(QString *error);
    quint16 port() const { return m_port; }

    // Both return once the proxy thread has applied the change.
    void freeze();
    void resume();

    // Closes every open connection on both sides at once, without a protocol message,
    // as a crashed server process or a failed network would. New connections are
    // forwarded as before.
    void resetConnections();

private:
    void setFrozen(bool frozen);

    quint16 m_targetPort;
    quint16 m_port = 0;
    QThread m_thread;
    ProxyRelay *m_relay = nullptr; // lives on m_thread
};

} // namespace llmring::test
