// SPDX-License-Identifier: MIT

#include "messagerequest.h"

#include "fieldreader.h"

#include <limits>

namespace llmring {

namespace {

void requireObject(const QJsonArray &loc, ValidationErrors &errors)
{
    errors.add(loc, QStringLiteral("must be a JSON object"), ErrorType::TypeError);
}

// Checks an optional `conversation_id` member against the conversation in the path.
void checkConversationId(const QJsonObject &object, const QJsonArray &loc, const QString &conversationId,
                         ValidationErrors &errors)
{
    const QJsonValue value = object.value(QStringLiteral("conversation_id"));
    if (conversationId.isEmpty() || value.isUndefined() || value.isNull())
        return;
    QJsonArray memberLoc = loc;
    memberLoc.append(QStringLiteral("conversation_id"));
    const std::optional<QString> sentId = value.isString() ? canonicalUuid(value.toString()) : std::nullopt;
    if (!sentId) {
        errors.add(memberLoc, QStringLiteral("must be a UUID"), ErrorType::ValueError);
        return;
    }
    if (*sentId != conversationId) {
        errors.add(memberLoc, QStringLiteral("must equal the conversation id in the path, %1").arg(conversationId),
                   ErrorType::ValueError);
    }
}

} // namespace

std::optional<double> MessageRequest::cost() const
{
    const QJsonValue value = metadata.value(QStringLiteral("cost"));
    if (!value.isDouble())
        return std::nullopt;
    return value.toDouble();
}

QStringList MessageRequest::roles()
{
    return {QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("assistant"), QStringLiteral("tool")};
}

std::optional<MessageRequest> MessageRequest::fromJson(const QJsonValue &value, const QJsonArray &loc,
                                                       const QString &conversationId, ValidationErrors &errors)
{
    if (!value.isObject()) {
        requireObject(loc, errors);
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    const qsizetype errorsBefore = errors.errors().size();
    FieldReader reader(object, loc, errors);

    MessageRequest message;
    message.role = reader.requiredChoice(QStringLiteral("role"), roles()).value_or(QString());
    // Content is text without a length limit of its own; the body limit bounds it.
    message.content = reader.optionalString(QStringLiteral("content"), std::numeric_limits<qsizetype>::max());
    message.metadata = reader.optionalObject(QStringLiteral("metadata")).value_or(QJsonObject());
    // The cost is added to the conversation's total, so it must be an amount of money.
    FieldReader metadataReader(message.metadata, reader.locOf(QStringLiteral("metadata")), errors);
    metadataReader.optionalMoney(QStringLiteral("cost"));
    message.inputTokens = reader.optionalInteger(QStringLiteral("input_tokens"), 0, MaxInt32);
    message.outputTokens = reader.optionalInteger(QStringLiteral("output_tokens"), 0, MaxInt32);
    message.toolCalls = reader.optionalObjectArray(QStringLiteral("tool_calls"));
    message.toolResults = reader.optionalObjectArray(QStringLiteral("tool_results"));
    checkConversationId(object, loc, conversationId, errors);

    if (errors.errors().size() != errorsBefore)
        return std::nullopt;
    return message;
}

std::optional<MessageBatchRequest> MessageBatchRequest::fromJson(const QJsonValue &body, const QString &conversationId,
                                                                 ValidationErrors &errors)
{
    MessageBatchRequest batch;
    QJsonArray items;
    QJsonArray itemsLoc{QStringLiteral("body")};
    if (body.isArray()) {
        items = body.toArray();
    } else if (body.isObject()) {
        const QJsonObject object = body.toObject();
        FieldReader reader(object, itemsLoc, errors);
        const QJsonValue messages = object.value(QStringLiteral("messages"));
        itemsLoc = reader.locOf(QStringLiteral("messages"));
        if (messages.isUndefined() || messages.isNull())
            errors.add(itemsLoc, QStringLiteral("field required"), ErrorType::Missing);
        else if (!messages.isArray())
            errors.add(itemsLoc, QStringLiteral("must be an array of messages"), ErrorType::TypeError);
        else
            items = messages.toArray();
        if (const auto level = reader.optionalChoice(QStringLiteral("logging_level"), messageLoggingLevelNames()))
            batch.loggingLevel = messageLoggingLevelFromName(*level);
        checkConversationId(object, QJsonArray{QStringLiteral("body")}, conversationId, errors);
    } else {
        errors.add(itemsLoc, QStringLiteral("must be an array of messages or an object with a \"messages\" array"),
                   ErrorType::TypeError);
        return std::nullopt;
    }

    if (items.size() > MaxMessages) {
        errors.add(itemsLoc, QStringLiteral("must have at most %1 messages").arg(MaxMessages), ErrorType::ValueError);
        return std::nullopt;
    }
    for (qsizetype i = 0; i < items.size(); ++i) {
        QJsonArray loc = itemsLoc;
        loc.append(i);
        if (auto message = MessageRequest::fromJson(items.at(i), loc, conversationId, errors))
            batch.messages.append(std::move(*message));
    }
    if (!errors.isEmpty())
        return std::nullopt;
    return batch;
}

} // namespace llmring
