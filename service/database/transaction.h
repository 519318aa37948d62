// SPDX-License-Identifier: MIT
// A transaction that rolls back unless committed.

#pragma once

#include <QString>

namespace llmring {

class DatabaseConnection;

class Transaction
{
public:
    // `begin` is the statement that opens the transaction, so callers can ask for
    // `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY` where they need a snapshot.
    explicit Transaction(DatabaseConnection &connection, const QString &begin = QStringLiteral("BEGIN"));
    ~Transaction();

    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    // Throws DatabaseError when the commit fails; the transaction is then over.
    void commit();

private:
    DatabaseConnection &m_connection;
    bool m_open = true;
};

} // namespace llmring
