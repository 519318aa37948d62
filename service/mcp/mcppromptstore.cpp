// SPDX-License-Identifier: MIT

#include "mcppromptstore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QSqlQuery>

namespace llmring {

namespace {

StoredMcpPrompt readPrompt(const QSqlQuery &query)
{
    return readMcpPrompt(query, 0);
}

} // namespace

McpPromptStore::McpPromptStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

QList<StoredMcpPrompt> McpPromptStore::list(const QString &projectId, const std::optional<QString> &serverId,
                                            std::optional<bool> isActive)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.catalog.prompts.list"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_prompts p"
                       " WHERE p.api_key_id = :project"
                       " AND (CAST(:server_id AS uuid) IS NULL OR p.server_id = CAST(:server_id AS uuid))"
                       " AND (CAST(:is_active AS boolean) IS NULL OR p.is_active = CAST(:is_active AS boolean))"
                       " ORDER BY p.created_at, p.id")
            .arg(mcpPromptColumns(QStringLiteral("p"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":server_id"), nullableText(serverId));
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(isActive));
    m_connection.exec(query, QStringLiteral("list MCP prompts"));
    QList<StoredMcpPrompt> prompts;
    while (query.next())
        prompts.append(readPrompt(query));
    query.finish();
    return prompts;
}

std::optional<StoredMcpPrompt> McpPromptStore::find(const QString &projectId, const QString &promptId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.catalog.prompts.find"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_prompts p"
                       " WHERE p.api_key_id = :project AND p.id = CAST(:id AS uuid)")
            .arg(mcpPromptColumns(QStringLiteral("p"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), promptId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("find MCP prompt"), readPrompt);
}

} // namespace llmring
