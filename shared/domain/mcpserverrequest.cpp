// SPDX-License-Identifier: MIT

#include "mcpserverrequest.h"

#include "fieldreader.h"

namespace llmring {

QStringList McpServerRequest::transportTypes()
{
    return {QStringLiteral("stdio"), QStringLiteral("http"), QStringLiteral("websocket")};
}

std::optional<McpServerRequest> McpServerRequest::fromJson(const QJsonValue &body, Purpose purpose,
                                                           ValidationErrors &errors)
{
    if (!body.isObject()) {
        errors.add(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"),
                   ErrorType::TypeError);
        return std::nullopt;
    }

    const QJsonObject object = body.toObject();
    FieldReader reader(object, QJsonArray{QStringLiteral("body")}, errors);
    McpServerRequest request;

    if (purpose == Purpose::Create) {
        request.name = reader.requiredString(QStringLiteral("name"), 1, MaxNameLength);
        request.url = reader.requiredString(QStringLiteral("url"), 1, MaxUrlLength);
        request.transportType = reader.requiredChoice(QStringLiteral("transport_type"), transportTypes());
    } else {
        request.name = reader.optionalString(QStringLiteral("name"), 1, MaxNameLength);
        request.url = reader.optionalString(QStringLiteral("url"), 1, MaxUrlLength);
        request.transportType = reader.optionalChoice(QStringLiteral("transport_type"), transportTypes());
    }
    request.authConfig = reader.optionalObject(QStringLiteral("auth_config"));
    request.capabilities = reader.optionalObject(QStringLiteral("capabilities"));
    request.isActive = reader.optionalBoolean(QStringLiteral("is_active"));

    if (!errors.isEmpty())
        return std::nullopt;
    return request;
}

} // namespace llmring
