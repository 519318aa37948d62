// SPDX-License-Identifier: MIT

#include "healthmonitor.h"

#include "database/databaseconnection.h"
#include "database/databaseerror.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcDatabase)

namespace llmring {

namespace {

// How long the destructor waits for the check thread to end. A check still connecting
// cannot be interrupted, so this is longer than the default connect_timeout of 5 s.
constexpr std::chrono::seconds ThreadEndTimeout(15);
constexpr std::chrono::milliseconds ThreadPollInterval(100);

bool selectOne(DatabaseConnection &connection)
{
    QSqlQuery &query = connection.prepared(QStringLiteral("health"), QStringLiteral("SELECT 1"));
    connection.exec(query, QStringLiteral("health check"));
    const bool answered = query.next() && query.value(0).toInt() == 1;
    query.finish();
    return answered;
}

} // namespace

HealthMonitor::HealthMonitor(const DatabaseConfig &config, const QString &schema)
    : m_config(config)
    , m_schema(schema)
{
    m_thread.setObjectName(QStringLiteral("llmring-health"));
    m_threadContext = new QObject;
    m_threadContext->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_threadContext, &QObject::deleteLater);
    m_thread.start();
}

HealthMonitor::~HealthMonitor()
{
    // The connection must be closed on the thread that opened it.
    QMetaObject::invokeMethod(
        m_threadContext,
        [this] {
            QMutexLocker locker(&m_connectionMutex);
            m_connection.reset();
        },
        Qt::QueuedConnection);
    m_thread.quit();

    // A check waiting on a database that hangs would never return, and a QThread must
    // not be destroyed while it runs, so the check's socket is shut down. Trying again
    // while waiting catches a check that was still connecting.
    const QDeadlineTimer deadline(ThreadEndTimeout);
    while (!m_thread.wait(ThreadPollInterval)) {
        {
            QMutexLocker locker(&m_connectionMutex);
            if (m_connection)
                m_connection->interrupt();
        }
        if (!deadline.hasExpired())
            continue;
        // Destroying a running QThread aborts the process, so the thread is terminated,
        // and its connection is left unclosed: closing it would block on the database.
        qCCritical(lcDatabase) << "Health check thread still blocked in the database after"
                               << ThreadEndTimeout.count() << "s at shutdown; terminating it";
        m_thread.terminate();
        m_thread.wait();
        [[maybe_unused]] DatabaseConnection *abandoned = m_connection.release();
        return;
    }
}

bool HealthMonitor::isDatabaseReachable(std::chrono::milliseconds timeout)
{
    QDeadlineTimer deadline(timeout);
    QMutexLocker locker(&m_mutex);
    if (!m_inFlight) {
        m_inFlight = true;
        const quint64 ticket = ++m_lastStarted;
        QMetaObject::invokeMethod(m_threadContext, [this, ticket] { runCheck(ticket); }, Qt::QueuedConnection);
    }
    const quint64 awaited = m_lastStarted;
    while (m_lastFinished < awaited) {
        if (!m_checkFinished.wait(&m_mutex, deadline))
            return false;
    }
    return m_lastResult;
}

void HealthMonitor::runCheck(quint64 ticket)
{
    bool reachable = false;
    try {
        if (!m_connection) {
            auto connection = std::make_unique<DatabaseConnection>(m_config, m_schema, QStringLiteral("llmring-health"));
            QMutexLocker locker(&m_connectionMutex);
            m_connection = std::move(connection);
        }
        // Every check is a new request: after a restart ended the idle connection, the
        // check runs again on a new one instead of reporting the database down.
        m_connection->beginRequest();
        try {
            reachable = selectOne(*m_connection);
        } catch (const DatabaseError &error) {
            if (!error.isSafeToRetry())
                throw;
            m_connection->beginRequest();
            reachable = selectOne(*m_connection);
        }
    } catch (const DatabaseError &error) {
        qCWarning(lcDatabase).noquote() << "Health check failed:" << error.what();
    }

    QMutexLocker locker(&m_mutex);
    m_lastFinished = ticket;
    m_lastResult = reachable;
    m_inFlight = false;
    m_checkFinished.wakeAll();
}

} // namespace llmring
