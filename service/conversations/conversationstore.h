// SPDX-License-Identifier: MIT
// SQL for conversations.

#pragma once

#include "domain/conversationrequest.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// A conversation row as stored. Timestamps are RFC 3339 text with six fractional
// digits and `Z`, formatted by PostgreSQL, because QPSQL returns only milliseconds.
struct StoredConversation
{
    QString id;
    std::optional<QString> title;
    std::optional<QString> systemPrompt;
    QString modelAlias;
    double temperature = 0.7;
    std::optional<qint64> maxTokens;
    qint64 messageCount = 0;
    qint64 totalInputTokens = 0;
    qint64 totalOutputTokens = 0;
    QString totalCost; // The numeric value as PostgreSQL prints it.
    QString createdAt;
    QString updatedAt;
    std::optional<QString> lastMessageAt;
};

// Reads and writes `conversations`. Every statement is filtered by the project, so
// another project's conversation is never found. Throws DatabaseError.
// `conversationId` arguments must be UUIDs.
class ConversationStore
{
public:
    explicit ConversationStore(DatabaseConnection &connection);

    StoredConversation insert(const QString &projectId, const ConversationRequest &request);

    std::optional<StoredConversation> find(const QString &projectId, const QString &conversationId);

    // Most recently updated first.
    QList<StoredConversation> list(const QString &projectId, qint64 limit, qint64 offset);

    // Sets the members the request has and `updated_at`. Returns std::nullopt when
    // the conversation is not found.
    std::optional<StoredConversation> update(const QString &projectId, const QString &conversationId,
                                             const ConversationRequest &request);

    // Returns false when the conversation is not found. Usage rows that refer to it
    // are unlinked by the foreign key, not deleted.
    bool remove(const QString &projectId, const QString &conversationId);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
