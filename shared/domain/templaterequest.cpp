// SPDX-License-Identifier: MIT

#include "templaterequest.h"

#include "fieldreader.h"

#include <limits>

namespace llmring {

std::optional<TemplateRequest> TemplateRequest::fromJson(const QJsonValue &body, Purpose purpose,
                                                         ValidationErrors &errors)
{
    if (!body.isObject()) {
        errors.add(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"),
                   ErrorType::TypeError);
        return std::nullopt;
    }

    const QJsonObject object = body.toObject();
    FieldReader reader(object, QJsonArray{QStringLiteral("body")}, errors);
    TemplateRequest request;

    if (purpose == Purpose::Create)
        request.name = reader.requiredString(QStringLiteral("name"), 1, MaxNameLength);
    else
        request.name = reader.optionalString(QStringLiteral("name"), 1, MaxNameLength);
    // These are text columns without a length limit, so only the request body limit
    // bounds them.
    request.description = reader.optionalString(QStringLiteral("description"), std::numeric_limits<qsizetype>::max());
    request.systemPrompt =
        reader.optionalString(QStringLiteral("system_prompt"), std::numeric_limits<qsizetype>::max());
    request.model = reader.optionalString(QStringLiteral("model"), MaxModelLength);
    request.temperature = reader.optionalNumber(QStringLiteral("temperature"), 0.0, MaxTemperature);
    request.maxTokens = reader.optionalInteger(QStringLiteral("max_tokens"), 1, MaxInt32);
    request.toolConfig = reader.optionalObject(QStringLiteral("tool_config"));
    if (purpose == Purpose::Create)
        request.createdBy = reader.optionalString(QStringLiteral("created_by"), MaxCreatedByLength);
    request.isActive = reader.optionalBoolean(QStringLiteral("is_active"));

    if (!errors.isEmpty())
        return std::nullopt;
    return request;
}

} // namespace llmring
