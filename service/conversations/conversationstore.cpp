// SPDX-License-Identifier: MIT

#include "conversationstore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QLocale>
#include <QSqlQuery>

namespace llmring {

namespace {

// The columns readConversation() expects, in order.
const QString ConversationColumns =
    QStringLiteral("id::text, %4, %5, %6, temperature, max_tokens, message_count,"
                   " total_input_tokens, total_output_tokens, total_cost::text, %1, %2, %3")
        .arg(timestampColumn(QStringLiteral("created_at")), timestampColumn(QStringLiteral("updated_at")),
             timestampColumn(QStringLiteral("last_message_at")), textColumn(QStringLiteral("title")),
             textColumn(QStringLiteral("system_prompt")), textColumn(QStringLiteral("model_alias")));

StoredConversation readConversation(const QSqlQuery &query)
{
    StoredConversation stored;
    stored.id = query.value(0).toString();
    stored.title = optionalText(query, 1);
    stored.systemPrompt = optionalText(query, 2);
    stored.modelAlias = query.value(3).toString();
    stored.temperature = query.value(4).toDouble();
    if (!query.isNull(5))
        stored.maxTokens = query.value(5).toLongLong();
    stored.messageCount = query.value(6).toLongLong();
    stored.totalInputTokens = query.value(7).toLongLong();
    stored.totalOutputTokens = query.value(8).toLongLong();
    stored.totalCost = query.value(9).toString();
    stored.createdAt = query.value(10).toString();
    stored.updatedAt = query.value(11).toString();
    stored.lastMessageAt = optionalText(query, 12);
    return stored;
}

void bindRequest(QSqlQuery &query, const ConversationRequest &request)
{
    query.bindValue(QStringLiteral(":title"), nullableText(request.title));
    query.bindValue(QStringLiteral(":system_prompt"), nullableText(request.systemPrompt));
    query.bindValue(QStringLiteral(":model_alias"), nullableText(request.modelAlias));
    query.bindValue(QStringLiteral(":temperature"), nullableNumberText(request.temperature));
    query.bindValue(QStringLiteral(":max_tokens"), nullableInteger(request.maxTokens));
}

} // namespace

ConversationStore::ConversationStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

StoredConversation ConversationStore::insert(const QString &projectId, const ConversationRequest &request)
{
    // One statement shape serves every request. An absent member is bound as NULL and
    // replaced by the column's default, which these COALESCE calls repeat.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("conversations.insert"),
        QStringLiteral("INSERT INTO {{schema}}.conversations (api_key_id, title, system_prompt, model_alias,"
                       " temperature, max_tokens)"
                       " VALUES (:project, :title, :system_prompt, COALESCE(:model_alias, 'default'),"
                       " COALESCE(CAST(:temperature AS double precision), 0.7), :max_tokens)"
                       " RETURNING ")
            + ConversationColumns);
    query.bindValue(QStringLiteral(":project"), projectId);
    bindRequest(query, request);
    const std::optional<StoredConversation> inserted =
        fetchOptionalRow(m_connection, query, QStringLiteral("insert conversation"), readConversation);
    return *inserted;
}

std::optional<StoredConversation> ConversationStore::find(const QString &projectId, const QString &conversationId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("conversations.find"),
        QStringLiteral("SELECT %1 FROM {{schema}}.conversations"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid)")
            .arg(ConversationColumns));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), conversationId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("find conversation"), readConversation);
}

QList<StoredConversation> ConversationStore::list(const QString &projectId, qint64 limit, qint64 offset)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("conversations.list"),
        QStringLiteral("SELECT %1 FROM {{schema}}.conversations WHERE api_key_id = :project"
                       " ORDER BY updated_at DESC, id DESC LIMIT :limit OFFSET :offset")
            .arg(ConversationColumns));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(query, QStringLiteral("list conversations"));
    QList<StoredConversation> conversations;
    while (query.next())
        conversations.append(readConversation(query));
    query.finish();
    return conversations;
}

std::optional<StoredConversation> ConversationStore::update(const QString &projectId, const QString &conversationId,
                                                            const ConversationRequest &request)
{
    // A NULL bound value keeps the stored one, so one statement shape serves every
    // partial update.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("conversations.update"),
        QStringLiteral("UPDATE {{schema}}.conversations SET"
                       " title = COALESCE(:title, title),"
                       " system_prompt = COALESCE(:system_prompt, system_prompt),"
                       " model_alias = COALESCE(:model_alias, model_alias),"
                       " temperature = COALESCE(CAST(:temperature AS double precision), temperature),"
                       " max_tokens = COALESCE(CAST(:max_tokens AS integer), max_tokens),"
                       " updated_at = now()"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid) RETURNING ")
            + ConversationColumns);
    bindRequest(query, request);
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), conversationId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("update conversation"), readConversation);
}

bool ConversationStore::remove(const QString &projectId, const QString &conversationId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("conversations.delete"),
        QStringLiteral("DELETE FROM {{schema}}.conversations"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid) RETURNING id"));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), conversationId);
    m_connection.exec(query, QStringLiteral("delete conversation"));
    const bool deleted = query.next();
    query.finish();
    return deleted;
}

} // namespace llmring
