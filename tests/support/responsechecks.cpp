// SPDX-License-Identifier: MIT

#include "responsechecks.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace llmring::test {

QByteArray bodyOf(const QJsonValue &value)
{
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

QJsonObject validationBody(const QJsonArray &loc, const QString &msg, const QString &type)
{
    const QJsonObject problem{{QStringLiteral("loc"), loc}, {QStringLiteral("msg"), msg}, {QStringLiteral("type"), type}};
    return QJsonObject{{QStringLiteral("detail"), QJsonArray{problem}}};
}

bool isTimestamp(const QJsonValue &value)
{
    static const QRegularExpression pattern(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$"));
    return value.isString() && pattern.match(value.toString()).hasMatch();
}

bool isUuid(const QJsonValue &value)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return value.isString() && pattern.match(value.toString()).hasMatch();
}

} // namespace llmring::test
