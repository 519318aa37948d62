// SPDX-License-Identifier: MIT
// The body of POST /conversations/log, the call the llmring client makes after each
// model call, validated.

#pragma once

#include "messagerequest.h"
#include "usagelogrequest.h"
#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>

#include <optional>

namespace llmring {

struct ConversationLogRequest
{
    QList<MessageRequest> messages; // the input messages, in order
    MessageRequest response;        // the assistant message; its metadata gets the cost once priced
    UsageLogRequest usage;          // the usage row; `cost` absent means "price it"
    std::optional<MessageLoggingLevel> loggingLevel;

    // "<alias or model> conversation".
    QString title() const;
    // The alias, else "provider:model".
    QString modelAlias() const;

    // Validates `body`: {"messages": [...], "response": {...}, "metadata": {...}} with
    // an optional "logging_level". Token counts come from `metadata`, else from
    // `response.usage` (prompt_tokens, completion_tokens); the cost is `metadata.cost`,
    // else the sum of `input_cost` and `output_cost`, else absent. Returns std::nullopt
    // after adding every problem to `errors`.
    static std::optional<ConversationLogRequest> fromJson(const QJsonValue &body, ValidationErrors &errors);
};

} // namespace llmring
