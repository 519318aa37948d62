// SPDX-License-Identifier: MIT

#include "requestbody.h"

#include "json/strictjsonparser.h"

namespace llmring {

namespace {

bool isJsonContentType(const QByteArray &contentType)
{
    const QByteArray mediaType = contentType.split(';').first().trimmed().toLower();
    return mediaType == "application/json";
}

} // namespace

bool checkJsonBodyTransport(const QHttpServerRequest &request, qint64 maxBytes, HttpError *error)
{
    if (request.body().size() > maxBytes) {
        *error = HttpError::message(StatusCode::PayloadTooLarge,
                                    QStringLiteral("Request body too large (max %1 bytes)").arg(maxBytes));
        return false;
    }

    const QByteArray contentType = request.value("Content-Type");
    if (!contentType.isEmpty() && !isJsonContentType(contentType)) {
        *error = HttpError::message(StatusCode::UnsupportedMediaType,
                                    QStringLiteral("Content-Type must be application/json"));
        return false;
    }
    return true;
}

std::optional<QJsonValue> parseJsonBody(const QHttpServerRequest &request, qint64 maxBytes, HttpError *error)
{
    if (!checkJsonBodyTransport(request, maxBytes, error))
        return std::nullopt;
    const QByteArray body = request.body();

    if (body.trimmed().isEmpty()) {
        *error = HttpError::validation(QJsonArray{QStringLiteral("body")},
                                       QStringLiteral("field required: the request body is empty"),
                                       ErrorType::Missing);
        return std::nullopt;
    }

    json::ParseError parseError;
    std::optional<QJsonValue> value = json::parse(body, &parseError);
    if (!value) {
        *error = HttpError::validation(QJsonArray{QStringLiteral("body"), parseError.offset},
                                       QStringLiteral("Invalid JSON: %1 at byte %2")
                                           .arg(parseError.message)
                                           .arg(parseError.offset),
                                       ErrorType::JsonInvalid);
        return std::nullopt;
    }
    return value;
}

} // namespace llmring
