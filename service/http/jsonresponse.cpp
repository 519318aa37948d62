// SPDX-License-Identifier: MIT

#include "jsonresponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace llmring {

QHttpServerResponse jsonResponse(const QJsonValue &body, StatusCode status)
{
    QByteArray bytes;
    if (body.isObject())
        bytes = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    else if (body.isArray())
        bytes = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
    else
        bytes = QJsonDocument(QJsonArray{body}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    return QHttpServerResponse(QByteArrayLiteral("application/json"), bytes, status);
}

QHttpServerResponse errorResponse(const HttpError &error)
{
    return jsonResponse(QJsonObject{{QStringLiteral("detail"), error.detail}}, error.status);
}

QHttpServerResponse errorResponse(StatusCode status, const QString &detail)
{
    return errorResponse(HttpError::message(status, detail));
}

} // namespace llmring
