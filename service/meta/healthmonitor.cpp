// SPDX-License-Identifier: MIT

#include "healthmonitor.h"

#include "database/databaseconnection.h"
#include "database/databaseerror.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcDatabase)

namespace llmring {

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
    QMetaObject::invokeMethod(m_threadContext, [this] { m_connection.reset(); }, Qt::QueuedConnection);
    m_thread.quit();
    if (!m_thread.wait(std::chrono::seconds(5)))
        qCWarning(lcDatabase) << "Health check thread still blocked in the database at shutdown";
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
        if (!m_connection)
            m_connection = std::make_unique<DatabaseConnection>(m_config, m_schema, QStringLiteral("llmring-health"));
        QSqlQuery &query = m_connection->prepared(QStringLiteral("health"), QStringLiteral("SELECT 1"));
        m_connection->exec(query, QStringLiteral("health check"));
        reachable = query.next() && query.value(0).toInt() == 1;
        query.finish();
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
