// SPDX-License-Identifier: MIT

#include "conversationjson.h"

#include "json/optionaljson.h"
#include "usage/usagejson.h"

namespace llmring {

QJsonObject conversationToJson(const StoredConversation &stored)
{
    return QJsonObject{
        {QStringLiteral("id"), stored.id},
        {QStringLiteral("title"), json::optionalJson(stored.title)},
        {QStringLiteral("system_prompt"), json::optionalJson(stored.systemPrompt)},
        {QStringLiteral("model_alias"), stored.modelAlias},
        {QStringLiteral("temperature"), stored.temperature},
        {QStringLiteral("max_tokens"), json::optionalJson(stored.maxTokens)},
        {QStringLiteral("message_count"), stored.messageCount},
        {QStringLiteral("total_input_tokens"), stored.totalInputTokens},
        {QStringLiteral("total_output_tokens"), stored.totalOutputTokens},
        {QStringLiteral("total_cost"), moneyFromDecimalText(stored.totalCost)},
        {QStringLiteral("created_at"), stored.createdAt},
        {QStringLiteral("updated_at"), stored.updatedAt},
        {QStringLiteral("last_message_at"), json::optionalJson(stored.lastMessageAt)},
    };
}

QJsonObject messageToJson(const StoredMessage &stored)
{
    return QJsonObject{
        {QStringLiteral("id"), stored.id},
        {QStringLiteral("conversation_id"), stored.conversationId},
        {QStringLiteral("role"), stored.role},
        {QStringLiteral("content"), json::optionalJson(stored.content)},
        {QStringLiteral("content_hash"), json::optionalJson(stored.contentHash)},
        {QStringLiteral("input_tokens"), json::optionalJson(stored.inputTokens)},
        {QStringLiteral("output_tokens"), json::optionalJson(stored.outputTokens)},
        {QStringLiteral("tool_calls"), stored.toolCalls},
        {QStringLiteral("tool_results"), stored.toolResults},
        {QStringLiteral("metadata"), stored.metadata},
        {QStringLiteral("timestamp"), stored.timestamp},
    };
}

QJsonArray messagesToJson(const QList<StoredMessage> &messages)
{
    QJsonArray items;
    for (const StoredMessage &message : messages)
        items.append(messageToJson(message));
    return items;
}

} // namespace llmring
