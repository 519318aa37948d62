// SPDX-License-Identifier: MIT
// One PostgreSQL connection with its cache of prepared statements.

#pragma once

#include "databaseconfig.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>

namespace llmring {

// A QSqlDatabase connection owned by one thread: QtSql connections must only be used
// by the thread that opened them. It opens lazily, and after a query fails because
// the connection is gone it closes itself, so the next use reconnects.
//
// Every failure throws DatabaseError. SQL text may contain `{{schema}}`, which is
// replaced by the configured schema name (validated at start, never user input).
class DatabaseConnection
{
public:
    // `connectionName` names the connection in logs; a process-wide serial number is
    // appended to make the QSqlDatabase name unique.
    DatabaseConnection(const DatabaseConfig &config, const QString &schema, const QString &connectionName);
    ~DatabaseConnection();

    DatabaseConnection(const DatabaseConnection &) = delete;
    DatabaseConnection &operator=(const DatabaseConnection &) = delete;

    const QString &schema() const { return m_schema; }
    bool isOpen() const { return m_database.isValid() && m_database.isOpen(); }

    // Opens the connection when it is not open; throws DatabaseError (Unavailable).
    void ensureOpen();

    // The statement cached under `key`, prepared once per connection. Bind values and
    // call exec() on it; the cache keeps it for the next request.
    QSqlQuery &prepared(const QString &key, const QString &sqlTemplate);

    // A statement prepared for this call only, for SQL whose shape varies per request.
    QSqlQuery prepareOnce(const QString &sqlTemplate);

    // Executes a prepared statement; throws DatabaseError naming `operation` on failure.
    void exec(QSqlQuery &query, const QString &operation);

    // Executes SQL without parameters (BEGIN, COMMIT, SET LOCAL, migration scripts).
    void execText(const QString &sqlTemplate, const QString &operation);

    // Closes the connection and drops the cached statements.
    void close();

    // Starts counting the statements of a new request (see DatabaseError::isSafeToRetry).
    void beginRequest() { m_statementsThisRequest = 0; }

    // Thread-safe: shuts the connection's socket down, so that a statement blocked on a
    // database that hangs (rather than refusing) returns with an error at once. Used at
    // shutdown. The owning thread then finds the connection broken and closes it.
    void interrupt();

    QString expandSchema(const QString &sqlTemplate) const;

private:
    [[noreturn]] void fail(const QSqlError &error, const QString &operation);
    bool connectionIsBroken() const;
    void setInterruptSocket(int socket);

    DatabaseConfig m_config;
    QString m_schema;
    QString m_connectionName;
    QSqlDatabase m_database;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_statements;
    // A duplicate of the libpq socket for interrupt(). Being a duplicate, it keeps the
    // descriptor number reserved, so interrupt() can never hit a reused descriptor.
    QMutex m_interruptMutex;
    int m_interruptSocket = -1;
    int m_statementsThisRequest = 0;
};

} // namespace llmring
