// SPDX-License-Identifier: MIT

#include "mcpserverstore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace llmring {

namespace {

const QString Table = QStringLiteral("s");

StoredMcpServer readServer(const QSqlQuery &query)
{
    return readMcpServer(query, 0);
}

void bindRequest(QSqlQuery &query, const McpServerRequest &request)
{
    query.bindValue(QStringLiteral(":name"), nullableText(request.name));
    query.bindValue(QStringLiteral(":url"), nullableText(request.url));
    query.bindValue(QStringLiteral(":transport_type"), nullableText(request.transportType));
    query.bindValue(QStringLiteral(":auth_config"), nullableJsonText(request.authConfig));
    query.bindValue(QStringLiteral(":capabilities"), nullableJsonText(request.capabilities));
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(request.isActive));
}

} // namespace

McpServerStore::McpServerStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

StoredMcpServer McpServerStore::insert(const QString &projectId, const McpServerRequest &request)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_servers.insert"),
        QStringLiteral("INSERT INTO {{schema}}.mcp_servers AS s (api_key_id, name, url, transport_type, auth_config,"
                       " capabilities, is_active)"
                       " VALUES (:project, :name, :url, :transport_type, CAST(:auth_config AS jsonb),"
                       " CAST(:capabilities AS jsonb), COALESCE(CAST(:is_active AS boolean), true))"
                       " RETURNING %1")
            .arg(mcpServerColumns(Table)));
    query.bindValue(QStringLiteral(":project"), projectId);
    bindRequest(query, request);
    const std::optional<StoredMcpServer> inserted =
        fetchOptionalRow(m_connection, query, QStringLiteral("insert MCP server"), readServer);
    return *inserted;
}

std::optional<StoredMcpServer> McpServerStore::find(const QString &projectId, const QString &serverId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_servers.find"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_servers AS s"
                       " WHERE s.api_key_id = :project AND s.id = CAST(:id AS uuid)")
            .arg(mcpServerColumns(Table)));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), serverId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("find MCP server"), readServer);
}

std::optional<StoredMcpServer> McpServerStore::lock(const QString &projectId, const QString &serverId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_servers.lock"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_servers AS s"
                       " WHERE s.api_key_id = :project AND s.id = CAST(:id AS uuid) FOR UPDATE")
            .arg(mcpServerColumns(Table)));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), serverId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("lock MCP server"), readServer);
}

QList<StoredMcpServer> McpServerStore::list(const QString &projectId, std::optional<bool> isActive)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_servers.list"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_servers AS s"
                       " WHERE s.api_key_id = :project"
                       " AND (CAST(:is_active AS boolean) IS NULL OR s.is_active = CAST(:is_active AS boolean))"
                       " ORDER BY s.created_at DESC, s.id DESC")
            .arg(mcpServerColumns(Table)));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(isActive));
    m_connection.exec(query, QStringLiteral("list MCP servers"));
    QList<StoredMcpServer> servers;
    while (query.next())
        servers.append(readServer(query));
    query.finish();
    return servers;
}

std::optional<StoredMcpServer> McpServerStore::update(const QString &projectId, const QString &serverId,
                                                      const McpServerRequest &request)
{
    // A NULL bound value keeps the stored one, so one statement shape serves every
    // partial update.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_servers.update"),
        QStringLiteral("UPDATE {{schema}}.mcp_servers AS s SET"
                       " name = COALESCE(:name, s.name),"
                       " url = COALESCE(:url, s.url),"
                       " transport_type = COALESCE(:transport_type, s.transport_type),"
                       " auth_config = COALESCE(CAST(:auth_config AS jsonb), s.auth_config),"
                       " capabilities = COALESCE(CAST(:capabilities AS jsonb), s.capabilities),"
                       " is_active = COALESCE(CAST(:is_active AS boolean), s.is_active),"
                       " updated_at = now()"
                       " WHERE s.api_key_id = :project AND s.id = CAST(:id AS uuid) RETURNING %1")
            .arg(mcpServerColumns(Table)));
    bindRequest(query, request);
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), serverId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("update MCP server"), readServer);
}

bool McpServerStore::remove(const QString &projectId, const QString &serverId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_servers.delete"),
        QStringLiteral("DELETE FROM {{schema}}.mcp_servers"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid) RETURNING id"));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), serverId);
    m_connection.exec(query, QStringLiteral("delete MCP server"));
    const bool deleted = query.next();
    query.finish();
    return deleted;
}

} // namespace llmring
