// SPDX-License-Identifier: MIT

#include "connectionprovider.h"

#include "databaseconnection.h"

#include <QThread>

namespace llmring {

PerThreadConnectionProvider::PerThreadConnectionProvider(const DatabaseConfig &config, const QString &schema,
                                                         const QString &namePrefix)
    : m_config(config)
    , m_schema(schema)
    , m_namePrefix(namePrefix)
{
}

PerThreadConnectionProvider::~PerThreadConnectionProvider()
{
    // Only the calling thread's connection can be closed here (QtSql forbids closing
    // another thread's); the others were closed when their threads finished.
    releaseThread(QThread::currentThread());
}

DatabaseConnection &PerThreadConnectionProvider::connection()
{
    QThread *thread = QThread::currentThread();
    QMutexLocker locker(&m_mutex);
    if (auto existing = m_connections.constFind(thread); existing != m_connections.constEnd())
        return **existing;

    const QString name = QStringLiteral("%1-%2").arg(m_namePrefix).arg(quintptr(thread), 0, 16);
    auto connection = std::make_shared<DatabaseConnection>(m_config, m_schema, name);
    m_connections.insert(thread, connection);
    // Runs in the finishing thread itself, which is the one allowed to close it.
    connect(thread, &QThread::finished, this, [this, thread] { releaseThread(thread); }, Qt::DirectConnection);
    return *connection;
}

void PerThreadConnectionProvider::releaseThread(QThread *thread)
{
    std::shared_ptr<DatabaseConnection> connection;
    {
        QMutexLocker locker(&m_mutex);
        connection = m_connections.take(thread);
    }
    // Destroyed here, outside the lock, on the thread that owns it.
}

} // namespace llmring
