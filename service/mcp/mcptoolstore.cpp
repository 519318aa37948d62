// SPDX-License-Identifier: MIT

#include "mcptoolstore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace llmring {

namespace {

// The columns of a tool and its server summary, for readToolWithServer().
QString toolWithServerColumns()
{
    return mcpToolColumns(QStringLiteral("t")) + QStringLiteral(", ") + mcpServerSummaryColumns(QStringLiteral("s"));
}

McpToolWithServer readToolWithServer(const QSqlQuery &query)
{
    return McpToolWithServer{readMcpTool(query, 0), readMcpServerSummary(query, McpToolColumnCount)};
}

} // namespace

McpToolStore::McpToolStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

McpToolStore::InsertResult McpToolStore::insert(const QString &projectId, const McpToolRequest &request)
{
    // The statement returns no row when the project has no such server, and a row
    // without a tool when ON CONFLICT found the name taken. KEY SHARE keeps the server
    // from being deleted between the lookup and the insert.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.tools.insert"),
        QStringLiteral("WITH server AS ("
                       " SELECT id, name FROM {{schema}}.mcp_servers"
                       " WHERE api_key_id = :project AND id = CAST(:server_id AS uuid) FOR KEY SHARE),"
                       " inserted AS ("
                       " INSERT INTO {{schema}}.mcp_tools (api_key_id, server_id, name, description, input_schema)"
                       " SELECT :project, server.id, :name, :description, CAST(:input_schema AS jsonb) FROM server"
                       " ON CONFLICT (server_id, name) DO NOTHING RETURNING *)"
                       " SELECT %1, %2 FROM server LEFT JOIN inserted t ON true")
            .arg(textColumn(QStringLiteral("server.name")), mcpToolColumns(QStringLiteral("t"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":server_id"), request.serverId);
    query.bindValue(QStringLiteral(":name"), request.name);
    query.bindValue(QStringLiteral(":description"), nullableText(request.description));
    query.bindValue(QStringLiteral(":input_schema"),
                    QString::fromUtf8(QJsonDocument(request.inputSchema).toJson(QJsonDocument::Compact)));
    m_connection.exec(query, QStringLiteral("insert MCP tool"));

    InsertResult result;
    if (!query.next()) {
        result.status = InsertResult::Status::ServerNotFound;
    } else {
        result.serverName = query.value(0).toString();
        if (query.isNull(1)) {
            result.status = InsertResult::Status::DuplicateName;
        } else {
            result.status = InsertResult::Status::Created;
            result.tool = readMcpTool(query, 1);
        }
    }
    query.finish();
    return result;
}

std::optional<McpToolWithServer> McpToolStore::find(const QString &projectId, const QString &toolId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.tools.find"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_tools t"
                       " JOIN {{schema}}.mcp_servers s ON s.id = t.server_id AND s.api_key_id = :project"
                       " WHERE t.api_key_id = :project AND t.id = CAST(:id AS uuid)")
            .arg(toolWithServerColumns()));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), toolId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("find MCP tool"), readToolWithServer);
}

QList<McpToolWithServer> McpToolStore::list(const QString &projectId, const std::optional<QString> &serverId,
                                            std::optional<bool> isActive)
{
    // A NULL bound filter matches every row, so one statement shape serves every
    // combination of filters.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.tools.list"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_tools t"
                       " JOIN {{schema}}.mcp_servers s ON s.id = t.server_id AND s.api_key_id = :project"
                       " WHERE t.api_key_id = :project"
                       " AND (CAST(:server_id AS uuid) IS NULL OR t.server_id = CAST(:server_id AS uuid))"
                       " AND (CAST(:is_active AS boolean) IS NULL OR t.is_active = CAST(:is_active AS boolean))"
                       " ORDER BY t.created_at, t.id")
            .arg(toolWithServerColumns()));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":server_id"), nullableText(serverId));
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(isActive));
    m_connection.exec(query, QStringLiteral("list MCP tools"));
    QList<McpToolWithServer> tools;
    while (query.next())
        tools.append(readToolWithServer(query));
    query.finish();
    return tools;
}

} // namespace llmring
