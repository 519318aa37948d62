// SPDX-License-Identifier: MIT

#include "queryreader.h"

#include "domain/fieldreader.h"

#include <QJsonArray>

namespace llmring {

QueryReader::QueryReader(const QUrlQuery &query, ValidationErrors &errors)
    : m_query(query)
    , m_errors(errors)
{
}

void QueryReader::addError(const QString &name, const QString &msg, QLatin1StringView type)
{
    m_errors.add(QJsonArray{QStringLiteral("query"), name}, msg, type);
}

bool QueryReader::has(const QString &name) const
{
    return m_query.hasQueryItem(name);
}

std::optional<bool> QueryReader::activeFilter(const QString &name)
{
    const QString value = choice(name, QStringLiteral("true"),
                                 {QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("all")});
    if (value == QLatin1String("all"))
        return std::nullopt;
    return value == QLatin1String("true");
}

std::optional<QString> QueryReader::uuid(const QString &name)
{
    const std::optional<QString> value = text(name);
    if (!value)
        return std::nullopt;
    const std::optional<QString> canonical = canonicalUuid(*value);
    if (!canonical)
        addError(name, QStringLiteral("must be a UUID"), ErrorType::ValueError);
    return canonical;
}

std::optional<QString> QueryReader::text(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    const QString value = m_query.allQueryItemValues(name, QUrl::FullyDecoded).constLast();
    // PostgreSQL text cannot hold U+0000, and no stored value contains it.
    if (value.contains(QChar::Null)) {
        addError(name, QStringLiteral("must not contain U+0000"), ErrorType::ValueError);
        return std::nullopt;
    }
    return value;
}

qint64 QueryReader::integer(const QString &name, qint64 defaultValue, qint64 minimum, qint64 maximum)
{
    const auto value = text(name);
    if (!value)
        return defaultValue;
    bool ok = false;
    const qint64 number = value->toLongLong(&ok);
    if (!ok) {
        addError(name, QStringLiteral("must be an integer"), ErrorType::TypeError);
        return defaultValue;
    }
    if (number < minimum) {
        addError(name, QStringLiteral("must be >= %1").arg(minimum), ErrorType::ValueError);
        return defaultValue;
    }
    if (number > maximum) {
        addError(name, QStringLiteral("must be <= %1").arg(maximum), ErrorType::ValueError);
        return defaultValue;
    }
    return number;
}

QString QueryReader::choice(const QString &name, const QString &defaultValue, const QStringList &allowed)
{
    const auto value = text(name);
    if (!value)
        return defaultValue;
    if (!allowed.contains(*value)) {
        addError(name, QStringLiteral("must be one of: %1").arg(allowed.join(QStringLiteral(", "))),
                 ErrorType::ValueError);
        return defaultValue;
    }
    return *value;
}

std::optional<Timestamp> QueryReader::timestamp(const QString &name, bool *isDateOnly)
{
    const auto value = text(name);
    if (!value)
        return std::nullopt;
    const auto parsed = Timestamp::parse(*value, isDateOnly);
    if (!parsed) {
        addError(name, QStringLiteral("must be an RFC 3339 timestamp or a YYYY-MM-DD date"),
                 ErrorType::ValueError);
    }
    return parsed;
}

std::optional<Timestamp> QueryReader::startBound(const QString &name)
{
    bool isDateOnly = false;
    return timestamp(name, &isDateOnly);
}

std::optional<Timestamp> QueryReader::endBound(const QString &name)
{
    bool isDateOnly = false;
    const auto parsed = timestamp(name, &isDateOnly);
    if (!parsed)
        return std::nullopt;
    return isDateOnly ? parsed->addDays(1) : parsed->addMicroseconds(1);
}

void QueryReader::checkStartBeforeEnd(const std::optional<Timestamp> &start, const std::optional<Timestamp> &end)
{
    if (start && end && *start >= *end)
        addError(QStringLiteral("start_date"), QStringLiteral("must be before end_date"), ErrorType::ValueError);
}

} // namespace llmring
