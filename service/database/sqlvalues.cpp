// SPDX-License-Identifier: MIT

#include "sqlvalues.h"

#include "json/compactjson.h"
#include "json/strictjsonparser.h"

#include <QLocale>

namespace llmring {

QVariant nullableText(const std::optional<QString> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<QString>());
}

QVariant nullableNumberText(const std::optional<double> &value)
{
    return value ? QVariant(QString::number(*value, 'g', QLocale::FloatingPointShortest))
                 : QVariant(QMetaType::fromType<QString>());
}

QVariant nullableBooleanText(const std::optional<bool> &value)
{
    if (!value)
        return QVariant(QMetaType::fromType<QString>());
    return *value ? QStringLiteral("true") : QStringLiteral("false");
}

QVariant nullableJsonText(const std::optional<QJsonValue> &value)
{
    if (!value || value->isNull() || value->isUndefined())
        return QVariant(QMetaType::fromType<QString>());
    return QString::fromUtf8(json::compactJson(*value));
}

QVariant nullableInteger(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

std::optional<QString> optionalText(const QSqlQuery &query, int column)
{
    return query.isNull(column) ? std::nullopt : std::optional<QString>(query.value(column).toString());
}

QString timestampColumn(const QString &column)
{
    return QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").arg(column);
}

QJsonValue jsonFromColumnText(const QString &text)
{
    // Stored documents came through the request parser, which allows 64 levels; the
    // margin covers the levels a route adds around a stored value.
    json::ParseOptions options;
    options.maxDepth = 128;
    return json::parse(text.toUtf8(), nullptr, options).value_or(QJsonValue(QJsonValue::Null));
}

QJsonValue jsonColumnValue(const QSqlQuery &query, int column)
{
    if (query.isNull(column))
        return QJsonValue(QJsonValue::Null);
    return jsonFromColumnText(query.value(column).toString());
}

QString textColumn(const QString &column)
{
    return QStringLiteral("CASE WHEN left(%1, 1) = chr(65279) THEN chr(65279) || %1 ELSE %1 END").arg(column);
}

} // namespace llmring
