// SPDX-License-Identifier: MIT
// One worker event loop of the standalone server.

#pragma once

#include <QMutex>
#include <QThread>

#include <atomic>
#include <chrono>

namespace llmring {

class DatabaseConnection;
class Service;

// A thread with its own QHttpServer, guarded listening socket, database connection and
// prepared statements. Handlers run synchronously in this loop, which keeps pipelined
// responses in order and needs no hand-off to other threads.
class WorkerLoop final : public QThread
{
    Q_OBJECT

public:
    // Takes ownership of `socketDescriptor`, a listening socket.
    WorkerLoop(Service &service, int socketDescriptor, int index);

    // Thread-safe. The loop stops accepting, lets its connections finish the requests
    // they have received, closes them and ends; after `gracePeriod` it ends anyway.
    void requestStop(std::chrono::milliseconds gracePeriod);

    // Thread-safe: interrupts the statement the loop is blocked in, if any, so that a
    // loop stuck on a database that hangs can end (its request gets 503).
    void interruptDatabase();

Q_SIGNALS:
    void stopRequested();

protected:
    void run() override;

private:
    Service &m_service;
    int m_socketDescriptor;
    int m_index;
    std::atomic<bool> m_stopping{false};
    std::atomic<qint64> m_gracePeriodMs{0};
    QMutex m_connectionMutex;
    DatabaseConnection *m_connection = nullptr; // the loop's own, while run() executes
};

} // namespace llmring
