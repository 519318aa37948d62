// SPDX-License-Identifier: MIT
// The source of a request handler's database connection.

#pragma once

#include "databaseconfig.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace llmring {

class DatabaseConnection;

class ConnectionProvider
{
public:
    virtual ~ConnectionProvider() = default;

    // The connection of the calling thread; handlers call this on every request.
    virtual DatabaseConnection &connection() = 0;
};

// A standalone worker loop's own connection: one thread, one connection.
class OwnedConnectionProvider final : public ConnectionProvider
{
public:
    explicit OwnedConnectionProvider(DatabaseConnection &connection) : m_connection(connection) {}
    DatabaseConnection &connection() override { return m_connection; }

private:
    DatabaseConnection &m_connection;
};

// Library mode: handlers run on whatever threads the host's QHttpServer uses, so each
// thread gets a connection on first use, closed when that thread finishes.
class PerThreadConnectionProvider final : public QObject, public ConnectionProvider
{
    Q_OBJECT

public:
    PerThreadConnectionProvider(const DatabaseConfig &config, const QString &schema, const QString &namePrefix);
    ~PerThreadConnectionProvider() override;

    DatabaseConnection &connection() override;

private:
    void releaseThread(QThread *thread);

    DatabaseConfig m_config;
    QString m_schema;
    QString m_namePrefix;
    QMutex m_mutex;
    QHash<QThread *, std::shared_ptr<DatabaseConnection>> m_connections;
};

} // namespace llmring
