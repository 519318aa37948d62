// SPDX-License-Identifier: MIT
// The listening socket of a worker loop, with a connection guard on every connection.

#pragma once

#include "guardsettings.h"

#include <QTcpServer>

namespace llmring {

class ConnectionGuard;

// A QTcpServer that puts a ConnectionGuard on each accepted socket before QHttpServer
// gets it, and refuses connections over GuardSettings::maxConnections with 503. Bind
// it to a QHttpServer with QHttpServer::bind(); library-mode hosts can use it in place
// of a plain QTcpServer to get the same protection.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedTcpServer(const GuardSettings &settings, QObject *parent = nullptr);

    // Stops listening and lets each connection finish the requests it has received,
    // then close; drained() is emitted when none is left open.
    void beginShutdown();
    int openConnections() const { return m_openConnections; }

    // Connections open in this process, across all guarded servers.
    static int processConnections();

Q_SIGNALS:
    void drained();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void onGuardClosed();

    GuardSettings m_settings;
    int m_openConnections = 0;
    bool m_shuttingDown = false;
};

} // namespace llmring
