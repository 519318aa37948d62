// SPDX-License-Identifier: MIT
// Typed, validated access to the members of a JSON object.

#pragma once

#include "validationerrors.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace llmring {

// Largest value of a PostgreSQL INTEGER column, the bound of token counts.
inline constexpr qint64 MaxInt32 = 2147483647;

// Money is stored as NUMERIC(20,10), so amounts must stay below 10^10 dollars.
inline constexpr double MoneyUpperBound = 1e10;

// Reads members of one JSON object and records a FieldError for each member that is
// missing, mistyped or out of range. A member set to null counts as absent. Readers
// return std::nullopt both for absent members and for invalid ones; callers check
// errors().isEmpty() once all members are read.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, const QJsonArray &locPrefix, ValidationErrors &errors);

    bool has(const QString &name) const;

    // Strings are measured in Unicode code points, as PostgreSQL counts characters.
    std::optional<QString> requiredString(const QString &name, qsizetype minLength, qsizetype maxLength);
    std::optional<QString> optionalString(const QString &name, qsizetype maxLength);
    std::optional<QString> optionalString(const QString &name, qsizetype minLength, qsizetype maxLength);

    // Integers accept integral numbers written as fractions too (1200.0) but reject 1.5.
    std::optional<qint64> requiredInteger(const QString &name, qint64 minimum, qint64 maximum);
    std::optional<qint64> optionalInteger(const QString &name, qint64 minimum, qint64 maximum);

    // Reads a JSON number, integral or not, and requires minimum <= value <= maximum.
    std::optional<double> optionalNumber(const QString &name, double minimum, double maximum);

    std::optional<bool> optionalBoolean(const QString &name);

    // A dollar amount, 0 <= amount < 10^10.
    std::optional<double> optionalMoney(const QString &name);

    std::optional<QJsonObject> requiredObject(const QString &name);
    std::optional<QJsonObject> optionalObject(const QString &name);

    // An array whose items are all objects; a bad item is reported at [..., name, index].
    std::optional<QJsonArray> optionalObjectArray(const QString &name);

    // The member to read of two spellings of one field, such as "input_schema" and the
    // MCP wire spelling "inputSchema": `alternative` when only it is present, else
    // `name`. Both present is an error at `alternative`, and an empty name is returned.
    QString spellingOf(const QString &name, const QString &alternative);

    // A UUID string in canonical lowercase form; anything else is "must be a UUID".
    std::optional<QString> requiredUuid(const QString &name);
    std::optional<QString> optionalUuid(const QString &name);

    // A string that must be one of `choices`; the message lists them.
    std::optional<QString> requiredChoice(const QString &name, const QStringList &choices);
    std::optional<QString> optionalChoice(const QString &name, const QStringList &choices);

    QJsonArray locOf(const QString &name) const;
    ValidationErrors &errors() { return m_errors; }

private:
    std::optional<QString> readString(const QString &name, qsizetype minLength, qsizetype maxLength);
    std::optional<qint64> readInteger(const QString &name, qint64 minimum, qint64 maximum);
    void addError(const QString &name, const QString &msg, QLatin1StringView type);

    QJsonObject m_object; // a copy (implicitly shared), so readers of temporaries stay valid
    QJsonArray m_locPrefix;
    ValidationErrors &m_errors;
};

qsizetype codePointCount(const QString &text);

// The UUID in `text` in canonical lowercase form, or std::nullopt. Accepts only the
// hyphenated 8-4-4-4-12 form of hex digits, in either case.
std::optional<QString> canonicalUuid(const QString &text);

} // namespace llmring
