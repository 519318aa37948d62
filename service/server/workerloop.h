// SPDX-License-Identifier: MIT
// One worker event loop of the standalone server.

#pragma once

#include <QThread>

namespace llmring {

class Service;

// A thread with its own QHttpServer, listening socket, database connection and
// prepared statements. Handlers run synchronously in this loop, which keeps
// pipelined responses in order and needs no hand-off to other threads.
class WorkerLoop final : public QThread
{
    Q_OBJECT

public:
    // Takes ownership of `socketDescriptor`, a listening socket.
    WorkerLoop(Service &service, int socketDescriptor, int index);

protected:
    void run() override;

private:
    Service &m_service;
    int m_socketDescriptor;
    int m_index;
};

} // namespace llmring
