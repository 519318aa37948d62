// SPDX-License-Identifier: MIT
// The JSON form of conversations in responses.

#pragma once

#include "conversationstore.h"
#include "messagestore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace llmring {

// `{id, title, system_prompt, model_alias, temperature, max_tokens, message_count,
// total_input_tokens, total_output_tokens, total_cost, created_at, updated_at,
// last_message_at}`, with null for unset optional members.
QJsonObject conversationToJson(const StoredConversation &stored);

// `{id, conversation_id, role, content, content_hash, input_tokens, output_tokens,
// tool_calls, tool_results, metadata, timestamp}`, with null for unset optional members.
QJsonObject messageToJson(const StoredMessage &stored);

QJsonArray messagesToJson(const QList<StoredMessage> &messages);

} // namespace llmring
