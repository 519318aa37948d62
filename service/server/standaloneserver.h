// SPDX-License-Identifier: MIT
// The standalone server: worker loops on one port.

#pragma once

#include <QList>
#include <QString>

namespace llmring {

class Service;
class WorkerLoop;

class StandaloneServer
{
public:
    explicit StandaloneServer(Service &service);
    ~StandaloneServer();

    // Opens the listening sockets and starts the worker loops; false with *error
    // when the address cannot be bound.
    bool start(QString *error);

    // Stops the worker loops and waits for them.
    void stop();

    // The port actually bound (useful with port 0).
    quint16 port() const { return m_port; }

private:
    Service &m_service;
    QList<WorkerLoop *> m_workers;
    quint16 m_port = 0;
};

} // namespace llmring
