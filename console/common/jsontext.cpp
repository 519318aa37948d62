// SPDX-License-Identifier: MIT

#include "jsontext.h"

#include "json/compactjson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace llmring::console {

QString localTimeText(const QJsonValue &timestamp)
{
    if (!timestamp.isString())
        return {};
    const QDateTime time = QDateTime::fromString(timestamp.toString(), Qt::ISODateWithMs);
    if (!time.isValid())
        return timestamp.toString();
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString compactJsonText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return {};
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(json::compactJson(value));
}

QString prettyJsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isNull() || value.isUndefined())
        return {};
    return QString::fromUtf8(json::compactJson(value));
}

} // namespace llmring::console
