// SPDX-License-Identifier: MIT
// The exception a store throws when a query fails.

#pragma once

#include <QString>

#include <exception>

namespace llmring {

// Thrown by DatabaseConnection and the stores; the HTTP dispatcher catches it and maps
// `kind` to a status code, so it never crosses the event loop.
class DatabaseError : public std::exception
{
public:
    enum class Kind {
        Unavailable,     // no connection, or it broke: 503, and the next request reconnects
        UniqueViolation, // SQLSTATE 23505
        QueryFailed,     // anything else: a bug or a schema problem, 500
    };

    DatabaseError(Kind kind, QString operation, QString sqlState, QString message);

    Kind kind() const { return m_kind; }
    const QString &operation() const { return m_operation; }
    const QString &sqlState() const { return m_sqlState; }
    const QString &message() const { return m_message; }

    // True when the server ended the session (SQLSTATE 57P01-57P03, as at a restart)
    // before the request had run any statement on it: nothing of the request was
    // executed, so it can be run again on a new connection.
    bool isSafeToRetry() const { return m_safeToRetry; }
    void setSafeToRetry(bool safe) { m_safeToRetry = safe; }
    const char *what() const noexcept override { return m_what.constData(); }

private:
    Kind m_kind;
    QString m_operation;
    QString m_sqlState;
    QString m_message;
    QByteArray m_what;
    bool m_safeToRetry = false;
};

} // namespace llmring
