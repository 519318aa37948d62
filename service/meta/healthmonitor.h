// SPDX-License-Identifier: MIT
// The database check behind GET /health.

#pragma once

#include "database/databaseconfig.h"

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <chrono>
#include <memory>

namespace llmring {

class DatabaseConnection;

// Runs `SELECT 1` on its own thread and connection. A database that hangs (rather
// than refusing) blocks a QPSQL call far longer than any timeout, so callers wait
// for the result at most `timeout` and report the database as down after that.
// Concurrent callers share the check in flight instead of queueing more.
class HealthMonitor final
{
public:
    HealthMonitor(const DatabaseConfig &config, const QString &schema);
    ~HealthMonitor();

    HealthMonitor(const HealthMonitor &) = delete;
    HealthMonitor &operator=(const HealthMonitor &) = delete;

    // Thread-safe; blocks the caller for at most `timeout`.
    bool isDatabaseReachable(std::chrono::milliseconds timeout);

private:
    void runCheck(quint64 ticket);

    DatabaseConfig m_config;
    QString m_schema;
    QThread m_thread;
    QObject *m_threadContext = nullptr; // lives on m_thread; queued checks run there
    // Used on m_thread; the destructor interrupts it from its own thread, so changes to
    // the pointer hold m_connectionMutex.
    QMutex m_connectionMutex;
    std::unique_ptr<DatabaseConnection> m_connection;

    QMutex m_mutex;
    QWaitCondition m_checkFinished;
    quint64 m_lastStarted = 0;
    quint64 m_lastFinished = 0;
    bool m_inFlight = false;
    bool m_lastResult = false;
};

} // namespace llmring
