// SPDX-License-Identifier: MIT
// Conversions between optional C++ values and QtSql's bound values and columns.

#pragma once

#include "databaseconnection.h"

#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <optional>

namespace llmring {

// A text value, or a typed NULL when absent.
QVariant nullableText(const std::optional<QString> &value);

// A number as its shortest round-trip text, for SQL that casts it, so the stored value
// is exactly the parsed one whatever QPSQL's own number formatting does; NULL when absent.
QVariant nullableNumberText(const std::optional<double> &value);

// An integer, or a typed NULL when absent.
QVariant nullableInteger(const std::optional<qint64> &value);

// The text of `column` in the current row, or std::nullopt when it is NULL.
std::optional<QString> optionalText(const QSqlQuery &query, int column);

// SQL that selects the timestamptz `column` as RFC 3339 text in UTC with microseconds
// and a "Z", as every response writes times.
QString timestampColumn(const QString &column);

// Runs `query`, prepared on `connection`, and reads at most one row with `read`.
// Throws DatabaseError, naming `operation`, when the statement fails.
template <typename Read>
auto fetchOptionalRow(DatabaseConnection &connection, QSqlQuery &query, const QString &operation, Read read)
    -> std::optional<decltype(read(query))>
{
    connection.exec(query, operation);
    std::optional<decltype(read(query))> row;
    if (query.next())
        row = read(query);
    query.finish();
    return row;
}

} // namespace llmring
