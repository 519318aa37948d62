// SPDX-License-Identifier: MIT

#include "conversationjson.h"

#include "usage/usagejson.h"

namespace llmring {

namespace {

QJsonValue optionalJson(const std::optional<QString> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject conversationToJson(const StoredConversation &stored)
{
    return QJsonObject{
        {QStringLiteral("id"), stored.id},
        {QStringLiteral("title"), optionalJson(stored.title)},
        {QStringLiteral("system_prompt"), optionalJson(stored.systemPrompt)},
        {QStringLiteral("model_alias"), stored.modelAlias},
        {QStringLiteral("temperature"), stored.temperature},
        {QStringLiteral("max_tokens"), stored.maxTokens ? QJsonValue(*stored.maxTokens) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("message_count"), stored.messageCount},
        {QStringLiteral("total_input_tokens"), stored.totalInputTokens},
        {QStringLiteral("total_output_tokens"), stored.totalOutputTokens},
        {QStringLiteral("total_cost"), moneyFromDecimalText(stored.totalCost)},
        {QStringLiteral("created_at"), stored.createdAt},
        {QStringLiteral("updated_at"), stored.updatedAt},
        {QStringLiteral("last_message_at"), optionalJson(stored.lastMessageAt)},
    };
}

} // namespace llmring
