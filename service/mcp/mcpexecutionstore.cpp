// SPDX-License-Identifier: MIT

#include "mcpexecutionstore.h"

#include "database/conditionbuilder.h"
#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace llmring {

namespace {

} // namespace

McpExecutionStore::McpExecutionStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

McpExecutionStore::InsertResult McpExecutionStore::insert(const QString &projectId, const QString &toolId,
                                                          const McpExecutionRequest &request)
{
    // The statement returns no row when the project has no such tool, and a row
    // without an execution when a conversation was named but the project has none of
    // that id. KEY SHARE makes a concurrent delete of the tool, its server or the
    // conversation wait until the row is in, or, when the delete came first, the row
    // is not found.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.executions.insert"),
        QStringLiteral("WITH tool AS ("
                       " SELECT t.id, t.name, s.id AS server_id, s.name AS server_name"
                       " FROM {{schema}}.mcp_tools t"
                       " JOIN {{schema}}.mcp_servers s ON s.id = t.server_id AND s.api_key_id = :project"
                       " WHERE t.api_key_id = :project AND t.id = CAST(:tool_id AS uuid) FOR KEY SHARE OF t, s),"
                       " conversation AS ("
                       " SELECT id FROM {{schema}}.conversations"
                       " WHERE api_key_id = :project AND id = CAST(:conversation_id AS uuid) FOR KEY SHARE),"
                       " inserted AS ("
                       " INSERT INTO {{schema}}.mcp_tool_executions (api_key_id, tool_id, server_id, tool_name,"
                       " server_name, conversation_id, input, output, error, duration_ms)"
                       " SELECT :project, tool.id, tool.server_id, tool.name, tool.server_name, conversation.id,"
                       " CAST(:input AS jsonb), CAST(:output AS jsonb), :error, CAST(:duration_ms AS integer)"
                       " FROM tool LEFT JOIN conversation ON true"
                       " WHERE CAST(:conversation_id AS uuid) IS NULL OR conversation.id IS NOT NULL"
                       " RETURNING *)"
                       " SELECT %1 FROM tool LEFT JOIN inserted e ON true")
            .arg(mcpExecutionColumns(QStringLiteral("e"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":tool_id"), toolId);
    query.bindValue(QStringLiteral(":conversation_id"), nullableText(request.conversationId));
    query.bindValue(QStringLiteral(":input"),
                    QString::fromUtf8(QJsonDocument(request.input).toJson(QJsonDocument::Compact)));
    query.bindValue(QStringLiteral(":output"), nullableJsonText(request.output));
    query.bindValue(QStringLiteral(":error"), nullableText(request.error));
    query.bindValue(QStringLiteral(":duration_ms"), nullableInteger(request.durationMs));
    m_connection.exec(query, QStringLiteral("insert MCP tool execution"));

    InsertResult result;
    if (!query.next())
        result.status = InsertResult::Status::ToolNotFound;
    else if (query.isNull(0))
        result.status = InsertResult::Status::ConversationNotFound;
    else
        result.execution = readMcpExecution(query, 0);
    query.finish();
    return result;
}

std::optional<QList<StoredMcpExecution>> McpExecutionStore::history(const QString &projectId, const QString &toolId,
                                                                    qint64 limit, qint64 offset)
{
    // One row per execution of the page, or one row without an execution when the
    // tool has none there, or no row when the project has no such tool.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.executions.history"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_tools t"
                       " LEFT JOIN LATERAL ("
                       " SELECT * FROM {{schema}}.mcp_tool_executions x"
                       " WHERE x.api_key_id = :project AND x.tool_id = t.id"
                       " ORDER BY x.executed_at DESC, x.id DESC LIMIT :limit OFFSET :offset) e ON true"
                       " WHERE t.api_key_id = :project AND t.id = CAST(:tool_id AS uuid)"
                       " ORDER BY e.executed_at DESC, e.id DESC")
            .arg(mcpExecutionColumns(QStringLiteral("e"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":tool_id"), toolId);
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(query, QStringLiteral("list MCP tool history"));

    std::optional<QList<StoredMcpExecution>> executions;
    while (query.next()) {
        if (!executions)
            executions.emplace();
        if (!query.isNull(0))
            executions->append(readMcpExecution(query, 0));
    }
    query.finish();
    return executions;
}

QList<StoredMcpExecution> McpExecutionStore::list(const QString &projectId, const McpExecutionFilter &filter,
                                                  qint64 limit, qint64 offset)
{
    ConditionBuilder conditions;
    conditions.add(QStringLiteral("e.api_key_id = :project"), QStringLiteral(":project"), projectId);
    conditions.addIfPresent(filter.serverId, QStringLiteral("e.server_id = CAST(:server_id AS uuid)"),
                            QStringLiteral(":server_id"));
    conditions.addIfPresent(filter.toolId, QStringLiteral("e.tool_id = CAST(:tool_id AS uuid)"),
                            QStringLiteral(":tool_id"));
    conditions.addIfPresent(filter.conversationId, QStringLiteral("e.conversation_id = CAST(:conversation_id AS uuid)"),
                            QStringLiteral(":conversation_id"));
    conditions.addIfPresent(filter.start, QStringLiteral("e.executed_at >= CAST(:start AS timestamptz)"),
                            QStringLiteral(":start"));
    conditions.addIfPresent(filter.end, QStringLiteral("e.executed_at < CAST(:end AS timestamptz)"),
                            QStringLiteral(":end"));

    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.executions.list.") + conditions.shape(),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_tool_executions e WHERE %2"
                       " ORDER BY e.executed_at DESC, e.id DESC LIMIT :limit OFFSET :offset")
            .arg(mcpExecutionColumns(QStringLiteral("e")), conditions.where()));
    conditions.bind(query);
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(query, QStringLiteral("list MCP tool executions"));
    QList<StoredMcpExecution> executions;
    while (query.next())
        executions.append(readMcpExecution(query, 0));
    query.finish();
    return executions;
}

} // namespace llmring
