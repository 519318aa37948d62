// SPDX-License-Identifier: MIT

#include "mcpresourcestore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QSqlQuery>

namespace llmring {

namespace {

StoredMcpResource readResource(const QSqlQuery &query)
{
    return readMcpResource(query, 0);
}

McpResourceContent readResourceContent(const QSqlQuery &query)
{
    return McpResourceContent{readMcpResource(query, 0), optionalText(query, McpResourceColumnCount)};
}

} // namespace

McpResourceStore::McpResourceStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

QList<StoredMcpResource> McpResourceStore::list(const QString &projectId, const std::optional<QString> &serverId,
                                                std::optional<bool> isActive)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.catalog.resources.list"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_resources r"
                       " WHERE r.api_key_id = :project"
                       " AND (CAST(:server_id AS uuid) IS NULL OR r.server_id = CAST(:server_id AS uuid))"
                       " AND (CAST(:is_active AS boolean) IS NULL OR r.is_active = CAST(:is_active AS boolean))"
                       " ORDER BY r.created_at, r.id")
            .arg(mcpResourceColumns(QStringLiteral("r"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":server_id"), nullableText(serverId));
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(isActive));
    m_connection.exec(query, QStringLiteral("list MCP resources"));
    QList<StoredMcpResource> resources;
    while (query.next())
        resources.append(readResource(query));
    query.finish();
    return resources;
}

std::optional<StoredMcpResource> McpResourceStore::find(const QString &projectId, const QString &resourceId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.catalog.resources.find"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_resources r"
                       " WHERE r.api_key_id = :project AND r.id = CAST(:id AS uuid)")
            .arg(mcpResourceColumns(QStringLiteral("r"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), resourceId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("find MCP resource"), readResource);
}

std::optional<McpResourceContent> McpResourceStore::findWithContent(const QString &projectId,
                                                                    const QString &resourceId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp.catalog.resources.content"),
        QStringLiteral("SELECT %1, %2 FROM {{schema}}.mcp_resources r"
                       " WHERE r.api_key_id = :project AND r.id = CAST(:id AS uuid)")
            .arg(mcpResourceColumns(QStringLiteral("r")), textColumn(QStringLiteral("r.content"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), resourceId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("read MCP resource content"), readResourceContent);
}

} // namespace llmring
