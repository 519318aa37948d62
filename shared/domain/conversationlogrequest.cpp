// SPDX-License-Identifier: MIT

#include "conversationlogrequest.h"

#include "conversationrequest.h"
#include "fieldreader.h"
#include "json/optionaljson.h"

#include <limits>

namespace llmring {

namespace {

constexpr qsizetype MaxProviderLength = 50;
constexpr qsizetype MaxModelLength = 255;
constexpr qsizetype MaxAliasLength = 128;
constexpr qsizetype MaxProfileLength = 64;
constexpr qsizetype MaxOriginLength = 255;
constexpr qsizetype MaxFinishReasonLength = 255;

} // namespace

QString ConversationLogRequest::title() const
{
    return QStringLiteral("%1 conversation").arg(usage.alias.value_or(usage.model));
}

QString ConversationLogRequest::modelAlias() const
{
    return usage.alias.value_or(usage.provider + u':' + usage.model);
}

std::optional<ConversationLogRequest> ConversationLogRequest::fromJson(const QJsonValue &body,
                                                                       ValidationErrors &errors)
{
    const QJsonArray bodyLoc{QStringLiteral("body")};
    if (!body.isObject()) {
        errors.add(bodyLoc, QStringLiteral("must be a JSON object"), ErrorType::TypeError);
        return std::nullopt;
    }
    const QJsonObject object = body.toObject();
    FieldReader reader(object, bodyLoc, errors);
    ConversationLogRequest request;

    // The input messages.
    const QJsonArray messagesLoc = reader.locOf(QStringLiteral("messages"));
    const QJsonValue messages = object.value(QStringLiteral("messages"));
    if (messages.isUndefined() || messages.isNull()) {
        errors.add(messagesLoc, QStringLiteral("field required"), ErrorType::Missing);
    } else if (!messages.isArray()) {
        errors.add(messagesLoc, QStringLiteral("must be an array of messages"), ErrorType::TypeError);
    } else if (messages.toArray().size() > MessageBatchRequest::MaxMessages) {
        errors.add(messagesLoc, QStringLiteral("must have at most %1 messages").arg(MessageBatchRequest::MaxMessages),
                   ErrorType::ValueError);
    } else {
        const QJsonArray items = messages.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            QJsonArray loc = messagesLoc;
            loc.append(i);
            if (auto message = MessageRequest::fromJson(items.at(i), loc, QString(), errors))
                request.messages.append(std::move(*message));
        }
    }
    if (const auto level = reader.optionalChoice(QStringLiteral("logging_level"), messageLoggingLevelNames()))
        request.loggingLevel = messageLoggingLevelFromName(*level);

    // The response.
    const QJsonObject response = reader.requiredObject(QStringLiteral("response")).value_or(QJsonObject());
    FieldReader responseReader(response, reader.locOf(QStringLiteral("response")), errors);
    request.response.role = QStringLiteral("assistant");
    request.response.content =
        responseReader.optionalString(QStringLiteral("content"), std::numeric_limits<qsizetype>::max());
    const auto responseModel = responseReader.optionalString(QStringLiteral("model"), MaxModelLength);
    const auto finishReason = responseReader.optionalString(QStringLiteral("finish_reason"), MaxFinishReasonLength);
    const auto responseUsage = responseReader.optionalObject(QStringLiteral("usage"));
    request.response.toolCalls = responseReader.optionalObjectArray(QStringLiteral("tool_calls"));
    FieldReader responseUsageReader(responseUsage.value_or(QJsonObject()),
                                    responseReader.locOf(QStringLiteral("usage")), errors);

    // The metadata, which names the model and carries the figures of the usage row.
    const QJsonObject metadata = reader.requiredObject(QStringLiteral("metadata")).value_or(QJsonObject());
    FieldReader metadataReader(metadata, reader.locOf(QStringLiteral("metadata")), errors);
    UsageLogRequest &usage = request.usage;
    const bool hasMetadata = object.value(QStringLiteral("metadata")).isObject();
    if (hasMetadata) {
        usage.provider =
            metadataReader.requiredString(QStringLiteral("provider"), 1, MaxProviderLength).value_or(QString());
        usage.model = metadataReader.requiredString(QStringLiteral("model"), 1, MaxModelLength).value_or(QString());
    }
    usage.alias = metadataReader.optionalString(QStringLiteral("alias"), MaxAliasLength);
    if (const auto profile = metadataReader.optionalString(QStringLiteral("profile"), MaxProfileLength))
        usage.profile = *profile;
    usage.origin = metadataReader.optionalString(QStringLiteral("origin"), MaxOriginLength);
    const auto cost = metadataReader.optionalMoney(QStringLiteral("cost"));
    const auto inputCost = metadataReader.optionalMoney(QStringLiteral("input_cost"));
    const auto outputCost = metadataReader.optionalMoney(QStringLiteral("output_cost"));
    const auto inputTokens = metadataReader.optionalInteger(QStringLiteral("input_tokens"), 0, MaxInt32);
    const auto outputTokens = metadataReader.optionalInteger(QStringLiteral("output_tokens"), 0, MaxInt32);
    const auto cachedTokens = metadataReader.optionalInteger(QStringLiteral("cached_tokens"), 0, MaxInt32);
    const auto promptTokens = inputTokens ? std::nullopt
                                          : responseUsageReader.optionalInteger(QStringLiteral("prompt_tokens"), 0,
                                                                                MaxInt32);
    const auto completionTokens = outputTokens ? std::nullopt
                                               : responseUsageReader.optionalInteger(
                                                   QStringLiteral("completion_tokens"), 0, MaxInt32);
    if (!errors.isEmpty())
        return std::nullopt;

    usage.inputTokens = inputTokens.value_or(promptTokens.value_or(0));
    usage.outputTokens = outputTokens.value_or(completionTokens.value_or(0));
    usage.cachedInputTokens = cachedTokens.value_or(0);
    if (usage.cachedInputTokens > usage.inputTokens) {
        errors.add(metadataReader.locOf(QStringLiteral("cached_tokens")),
                   QStringLiteral("must be <= the input tokens (%1)").arg(usage.inputTokens), ErrorType::ValueError);
    }
    if (cost) {
        usage.cost = cost;
    } else if (inputCost || outputCost) {
        usage.cost = inputCost.value_or(0) + outputCost.value_or(0);
        if (*usage.cost >= MoneyUpperBound) {
            errors.add(metadataReader.locOf(QStringLiteral("output_cost")),
                       QStringLiteral("input_cost + output_cost must be < 10000000000"), ErrorType::ValueError);
        }
    }
    if (!usage.alias && codePointCount(request.modelAlias()) > ConversationRequest::MaxModelAliasLength) {
        errors.add(metadataReader.locOf(QStringLiteral("model")),
                   QStringLiteral("must be at most %1 characters together with the provider and a ':', as it names "
                                  "the conversation's model_alias; send an alias instead")
                       .arg(ConversationRequest::MaxModelAliasLength),
                   ErrorType::ValueError);
    }
    if (!errors.isEmpty())
        return std::nullopt;

    if (finishReason)
        usage.metadata.insert(QStringLiteral("finish_reason"), *finishReason);
    request.response.inputTokens = usage.inputTokens;
    request.response.outputTokens = usage.outputTokens;
    request.response.metadata = QJsonObject{
        {QStringLiteral("model"), json::optionalJson(responseModel)},
        {QStringLiteral("finish_reason"), json::optionalJson(finishReason)},
        {QStringLiteral("usage"), responseUsage ? QJsonValue(*responseUsage) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("provider"), usage.provider},
    };
    return request;
}

} // namespace llmring
