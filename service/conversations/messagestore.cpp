// SPDX-License-Identifier: MIT

#include "messagestore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"
#include "json/optionaljson.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QLocale>
#include <QSqlQuery>

namespace llmring {

namespace {

// The columns readMessage() expects, in order, from the relation named `alias`.
QString messageColumns(const QString &alias)
{
    return QStringLiteral("%1.id::text, %1.conversation_id::text, %1.role, %3, %1.content_hash,"
                          " %1.input_tokens, %1.output_tokens, %1.tool_calls::text, %1.tool_results::text,"
                          " %1.metadata::text, %2")
        .arg(alias, timestampColumn(alias + QStringLiteral(".created_at")), textColumn(alias + QStringLiteral(".content")));
}

std::optional<qint64> optionalInteger(const QSqlQuery &query, int column)
{
    return query.isNull(column) ? std::nullopt : std::optional<qint64>(query.value(column).toLongLong());
}

// Reads a message that starts at `first`, the column after any leading ones.
StoredMessage readMessage(const QSqlQuery &query, int first)
{
    StoredMessage message;
    message.id = query.value(first).toString();
    message.conversationId = query.value(first + 1).toString();
    message.role = query.value(first + 2).toString();
    message.content = optionalText(query, first + 3);
    message.contentHash = optionalText(query, first + 4);
    message.inputTokens = optionalInteger(query, first + 5);
    message.outputTokens = optionalInteger(query, first + 6);
    message.toolCalls = jsonColumnValue(query, first + 7);
    message.toolResults = jsonColumnValue(query, first + 8);
    message.metadata = jsonColumnValue(query, first + 9).toObject();
    message.timestamp = query.value(first + 10).toString();
    return message;
}

// Reads the result of a statement whose first column counts the conversations found
// (0 or 1) and whose other columns are a message, NULL on a row without one.
std::optional<QList<StoredMessage>> readFoundMessages(QSqlQuery &query)
{
    bool found = false;
    QList<StoredMessage> messages;
    while (query.next()) {
        found = query.value(0).toLongLong() > 0;
        if (!query.isNull(1))
            messages.append(readMessage(query, 1));
    }
    query.finish();
    if (!found)
        return std::nullopt;
    return messages;
}

// The messages as one JSON array parameter, so a batch of any size is one statement.
QString messagesParameter(const QList<NewMessage> &messages)
{
    QJsonArray items;
    for (const NewMessage &message : messages) {
        items.append(QJsonObject{
            {QStringLiteral("role"), message.role},
            {QStringLiteral("content"), json::optionalJson(message.content)},
            {QStringLiteral("content_hash"), json::optionalJson(message.contentHash)},
            {QStringLiteral("input_tokens"), json::optionalJson(message.inputTokens)},
            {QStringLiteral("output_tokens"), json::optionalJson(message.outputTokens)},
            {QStringLiteral("tool_calls"), json::optionalJson(message.toolCalls)},
            {QStringLiteral("tool_results"), json::optionalJson(message.toolResults)},
            {QStringLiteral("metadata"), message.metadata},
            // Text, so PostgreSQL reads the exact decimal rather than a double.
            {QStringLiteral("cost"), json::optionalJson(message.cost)},
        });
    }
    return QString::fromUtf8(QJsonDocument(items).toJson(QJsonDocument::Compact));
}

} // namespace

NewMessage NewMessage::fromRequest(const MessageRequest &request, MessageLoggingLevel level)
{
    NewMessage message;
    message.role = request.role;
    if (request.content) {
        message.contentHash =
            QString::fromLatin1(QCryptographicHash::hash(request.content->toUtf8(), QCryptographicHash::Sha256).toHex());
        if (level == MessageLoggingLevel::Full)
            message.content = request.content;
    }
    message.inputTokens = request.inputTokens;
    message.outputTokens = request.outputTokens;
    message.toolCalls = request.toolCalls;
    message.toolResults = request.toolResults;
    message.metadata = request.metadata;
    if (const auto cost = request.cost())
        message.cost = QString::number(*cost, 'g', QLocale::FloatingPointShortest);
    return message;
}

MessageStore::MessageStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

std::optional<QList<StoredMessage>> MessageStore::append(const QString &projectId, const QString &conversationId,
                                                         const QList<NewMessage> &messages)
{
    // `target` locks the conversation row, so concurrent batches for one conversation
    // take turns: each reads the counters the previous one committed, numbers its
    // messages after them and writes the new totals from those values.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("messages.append"),
        QStringLiteral(
            "WITH target AS ("
            " SELECT id, message_count, total_input_tokens, total_output_tokens, total_cost, last_message_at"
            " FROM {{schema}}.conversations"
            " WHERE api_key_id = :project AND id = CAST(:conversation_id AS uuid) FOR UPDATE),"
            " incoming AS ("
            " SELECT item.ordinality, m.* FROM jsonb_array_elements(CAST(:messages AS jsonb))"
            " WITH ORDINALITY AS item(value, ordinality),"
            " jsonb_to_record(item.value) AS m(role text, content text, content_hash text, input_tokens integer,"
            " output_tokens integer, tool_calls jsonb, tool_results jsonb, metadata jsonb, cost numeric)),"
            " inserted AS ("
            " INSERT INTO {{schema}}.messages (conversation_id, api_key_id, position, role, content, content_hash,"
            " input_tokens, output_tokens, tool_calls, tool_results, metadata, cost)"
            " SELECT target.id, :project, target.message_count + incoming.ordinality, incoming.role,"
            " incoming.content, incoming.content_hash, incoming.input_tokens, incoming.output_tokens,"
            " incoming.tool_calls, incoming.tool_results, COALESCE(incoming.metadata, '{}'), incoming.cost"
            " FROM target CROSS JOIN incoming"
            " RETURNING *),"
            " totals AS ("
            " SELECT count(*) AS messages, COALESCE(sum(input_tokens), 0) AS input_tokens,"
            " COALESCE(sum(output_tokens), 0) AS output_tokens, COALESCE(sum(cost), 0) AS cost,"
            " max(created_at) AS last_at FROM inserted),"
            " counted AS ("
            " UPDATE {{schema}}.conversations AS c SET"
            " message_count = target.message_count + totals.messages,"
            " total_input_tokens = target.total_input_tokens + totals.input_tokens,"
            " total_output_tokens = target.total_output_tokens + totals.output_tokens,"
            " total_cost = target.total_cost + totals.cost,"
            " last_message_at = GREATEST(target.last_message_at, totals.last_at),"
            // The time of the last message, which is later than now(), the start of
            // the transaction.
            " updated_at = totals.last_at"
            " FROM target, totals WHERE c.id = target.id AND totals.messages > 0"
            " RETURNING c.id)"
            " SELECT (SELECT count(*) FROM target), %1"
            " FROM (SELECT 1) AS one LEFT JOIN inserted ON true ORDER BY inserted.position")
            .arg(messageColumns(QStringLiteral("inserted"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":conversation_id"), conversationId);
    query.bindValue(QStringLiteral(":messages"), messagesParameter(messages));
    m_connection.exec(query, QStringLiteral("append messages"));
    return readFoundMessages(query);
}

std::optional<QList<StoredMessage>> MessageStore::list(const QString &projectId, const QString &conversationId,
                                                       qint64 limit, qint64 offset)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("messages.list"),
        QStringLiteral("SELECT (SELECT count(*) FROM {{schema}}.conversations"
                       " WHERE api_key_id = :project AND id = CAST(:conversation_id AS uuid)), %1"
                       " FROM (SELECT 1) AS one LEFT JOIN LATERAL ("
                       " SELECT * FROM {{schema}}.messages"
                       " WHERE conversation_id = CAST(:conversation_id AS uuid) AND api_key_id = :project"
                       " ORDER BY position LIMIT :limit OFFSET :offset) AS page ON true"
                       " ORDER BY page.position")
            .arg(messageColumns(QStringLiteral("page"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":conversation_id"), conversationId);
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(query, QStringLiteral("list messages"));
    return readFoundMessages(query);
}

qint64 MessageStore::deleteOlderThan(const QString &projectId, qint64 retentionDays)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("messages.deleteOld"),
        QStringLiteral("DELETE FROM {{schema}}.messages WHERE api_key_id = :project"
                       " AND created_at < now() - make_interval(days => CAST(:days AS integer))"));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":days"), retentionDays);
    m_connection.exec(query, QStringLiteral("delete old messages"));
    const qint64 deleted = query.numRowsAffected();
    query.finish();
    return deleted;
}

} // namespace llmring
