// SPDX-License-Identifier: MIT
// Conversions between optional C++ values and QtSql's bound values and columns.

#pragma once

#include "databaseconnection.h"

#include <QJsonValue>
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

// "true" or "false", for SQL that casts it to boolean, or a typed NULL when absent.
QVariant nullableBooleanText(const std::optional<bool> &value);

// The compact JSON text of any value, for SQL that casts it to jsonb, or a typed NULL
// when the value is absent, undefined or a JSON null.
QVariant nullableJsonText(const std::optional<QJsonValue> &value);

// An integer, or a typed NULL when absent.
QVariant nullableInteger(const std::optional<qint64> &value);

// The text of `column` in the current row, or std::nullopt when it is NULL.
std::optional<QString> optionalText(const QSqlQuery &query, int column);

// SQL that selects the timestamptz `column` as RFC 3339 text in UTC with microseconds
// and a "Z", as every response writes times.
QString timestampColumn(const QString &column);

// SQL that selects the text `column` so that it reads back unchanged. QPSQL decodes
// values with QString::fromUtf8, which drops a leading U+FEFF (a byte order mark), so
// the expression doubles such a character and the decoder removes only the copy.
QString textColumn(const QString &column);

// The value of a json or jsonb column's text, or null when the text is not JSON.
// QJsonDocument::fromJson drops a U+FEFF that starts a string, as QString::fromUtf8
// does, so this reads with the strict parser, which keeps every character.
QJsonValue jsonFromColumnText(const QString &text);

// The value of the json or jsonb `column` in the current row, or a JSON null when the
// column is NULL.
QJsonValue jsonColumnValue(const QSqlQuery &query, int column);

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
