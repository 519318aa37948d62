// SPDX-License-Identifier: MIT
// SQL for the messages of conversations.

#pragma once

#include "domain/messagelogginglevel.h"
#include "domain/messagerequest.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// A message as it will be stored, after the logging level has been applied.
struct NewMessage
{
    QString role;
    std::optional<QString> content;
    std::optional<QString> contentHash;
    std::optional<qint64> inputTokens;
    std::optional<qint64> outputTokens;
    std::optional<QJsonArray> toolCalls;
    std::optional<QJsonArray> toolResults;
    QJsonObject metadata;
    std::optional<QString> cost; // dollars as decimal text, added to the conversation's total

    // `level` must be Metadata or Full. Both keep the SHA-256 of the content; only Full
    // keeps the content.
    static NewMessage fromRequest(const MessageRequest &request, MessageLoggingLevel level);
};

struct StoredMessage
{
    QString id;
    QString conversationId;
    QString role;
    std::optional<QString> content;
    std::optional<QString> contentHash;
    std::optional<qint64> inputTokens;
    std::optional<qint64> outputTokens;
    QJsonValue toolCalls;   // an array or null
    QJsonValue toolResults; // an array or null
    QJsonObject metadata;
    QString timestamp;
};

// Reads and writes `messages`, always through a conversation of the caller's project.
// Throws DatabaseError. `conversationId` arguments must be canonical UUIDs.
class MessageStore
{
public:
    explicit MessageStore(DatabaseConnection &connection);

    // Appends `messages` after the conversation's existing ones and adds them to its
    // counters (message_count, token totals, total_cost, last_message_at) in the same
    // statement, so the counters stay exact while other batches for the conversation
    // run. Returns the stored messages in order, or std::nullopt when the project has no
    // such conversation.
    std::optional<QList<StoredMessage>> append(const QString &projectId, const QString &conversationId,
                                               const QList<NewMessage> &messages);

    // One page of the conversation's messages, oldest first, or std::nullopt when the
    // project has no such conversation.
    std::optional<QList<StoredMessage>> list(const QString &projectId, const QString &conversationId, qint64 limit,
                                             qint64 offset);

    // Deletes the project's messages stored more than `retentionDays` days ago and
    // returns how many. Conversation counters are lifetime totals and stay as they are.
    qint64 deleteOlderThan(const QString &projectId, qint64 retentionDays);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
