// SPDX-License-Identifier: MIT

#include "conversationrequest.h"

#include "fieldreader.h"

#include <QJsonObject>

#include <limits>

namespace llmring {

std::optional<ConversationRequest> ConversationRequest::fromJson(const QJsonValue &body, ValidationErrors &errors)
{
    if (!body.isObject()) {
        errors.add(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"),
                   ErrorType::TypeError);
        return std::nullopt;
    }

    const QJsonObject object = body.toObject();
    FieldReader reader(object, QJsonArray{QStringLiteral("body")}, errors);
    ConversationRequest request;
    request.title = reader.optionalString(QStringLiteral("title"), MaxTitleLength);
    // A text column without a length limit, so only the request body limit bounds it.
    request.systemPrompt =
        reader.optionalString(QStringLiteral("system_prompt"), std::numeric_limits<qsizetype>::max());
    request.modelAlias = reader.optionalString(QStringLiteral("model_alias"), MaxModelAliasLength);
    request.temperature = reader.optionalNumber(QStringLiteral("temperature"), 0.0, MaxTemperature);
    request.maxTokens = reader.optionalInteger(QStringLiteral("max_tokens"), 1, MaxInt32);

    if (!errors.isEmpty())
        return std::nullopt;
    return request;
}

} // namespace llmring
