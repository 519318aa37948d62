// SPDX-License-Identifier: MIT
// Messages as the message routes and POST /conversations/log receive them, validated.

#pragma once

#include "messagelogginglevel.h"
#include "validationerrors.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace llmring {

// One message to store. Members set to null count as absent.
struct MessageRequest
{
    QString role; // system, user, assistant or tool
    std::optional<QString> content;
    QJsonObject metadata;
    std::optional<qint64> inputTokens;
    std::optional<qint64> outputTokens;
    std::optional<QJsonArray> toolCalls;
    std::optional<QJsonArray> toolResults;

    // `metadata.cost`, the dollars this message adds to its conversation's total_cost.
    std::optional<double> cost() const;

    static QStringList roles();

    // Validates the message at `loc` (such as ["body", "messages", 2]). When
    // `conversationId` is not empty, a `conversation_id` member must name the same
    // conversation. Returns std::nullopt after adding every problem to `errors`.
    static std::optional<MessageRequest> fromJson(const QJsonValue &value, const QJsonArray &loc,
                                                  const QString &conversationId, ValidationErrors &errors);
};

// The body of POST /{id}/messages/batch: `{"messages": [...], "logging_level": ...}` or a
// bare array of messages.
struct MessageBatchRequest
{
    // A bound that keeps one batch's transaction short.
    static constexpr qsizetype MaxMessages = 1000;

    QList<MessageRequest> messages;
    std::optional<MessageLoggingLevel> loggingLevel;

    // `conversationId` is the canonical UUID from the path; `conversation_id` members of
    // the wrapper and of the messages must equal it. Nothing is returned unless every
    // message is valid.
    static std::optional<MessageBatchRequest> fromJson(const QJsonValue &body, const QString &conversationId,
                                                       ValidationErrors &errors);
};

} // namespace llmring
