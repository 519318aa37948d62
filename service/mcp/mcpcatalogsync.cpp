// SPDX-License-Identifier: MIT

#include "mcpcatalogsync.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"
#include "json/optionaljson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace llmring {

namespace {

// Each statement reads the payload as one jsonb array parameter through
// jsonb_to_recordset. Its INSERT ... ON CONFLICT inserts or updates every item, and its
// UPDATE deactivates the server's items the payload lacks. Both parts see the same
// snapshot, and they never touch the same row, because the UPDATE skips every key of
// the payload. `:project` and `:server_id` are the caller's project and the locked
// server. A JSON null in the payload reads as SQL NULL.
const QString ToolSyncSql = QStringLiteral(
    "WITH incoming AS ("
    " SELECT item.name, item.description, item.input_schema"
    " FROM jsonb_to_recordset(CAST(:items AS jsonb)) AS item(name text, description text, input_schema jsonb)),"
    " upserted AS ("
    " INSERT INTO {{schema}}.mcp_tools AS t (api_key_id, server_id, name, description, input_schema)"
    " SELECT :project, CAST(:server_id AS uuid), incoming.name, incoming.description, incoming.input_schema"
    " FROM incoming"
    " ON CONFLICT (server_id, name) DO UPDATE SET description = EXCLUDED.description,"
    " input_schema = EXCLUDED.input_schema, is_active = true, updated_at = now()"
    " WHERE t.api_key_id = EXCLUDED.api_key_id"
    " RETURNING t.id)"
    " UPDATE {{schema}}.mcp_tools AS t SET is_active = false, updated_at = now()"
    " WHERE t.api_key_id = :project AND t.server_id = CAST(:server_id AS uuid) AND t.is_active"
    " AND t.name NOT IN (SELECT incoming.name FROM incoming)");

// A NULL content or messages value means that the item carried none, so the stored one
// stays.
const QString ResourceSyncSql = QStringLiteral(
    "WITH incoming AS ("
    " SELECT item.uri, item.name, item.description, item.mime_type, item.content"
    " FROM jsonb_to_recordset(CAST(:items AS jsonb))"
    " AS item(uri text, name text, description text, mime_type text, content text)),"
    " upserted AS ("
    " INSERT INTO {{schema}}.mcp_resources AS r (api_key_id, server_id, uri, name, description, mime_type, content)"
    " SELECT :project, CAST(:server_id AS uuid), incoming.uri, incoming.name, incoming.description,"
    " incoming.mime_type, incoming.content FROM incoming"
    " ON CONFLICT (server_id, uri) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,"
    " mime_type = EXCLUDED.mime_type, content = COALESCE(EXCLUDED.content, r.content), is_active = true,"
    " updated_at = now()"
    " WHERE r.api_key_id = EXCLUDED.api_key_id"
    " RETURNING r.id)"
    " UPDATE {{schema}}.mcp_resources AS r SET is_active = false, updated_at = now()"
    " WHERE r.api_key_id = :project AND r.server_id = CAST(:server_id AS uuid) AND r.is_active"
    " AND r.uri NOT IN (SELECT incoming.uri FROM incoming)");

const QString PromptSyncSql = QStringLiteral(
    "WITH incoming AS ("
    " SELECT item.name, item.description, item.arguments, item.messages"
    " FROM jsonb_to_recordset(CAST(:items AS jsonb))"
    " AS item(name text, description text, arguments jsonb, messages jsonb)),"
    " upserted AS ("
    " INSERT INTO {{schema}}.mcp_prompts AS p (api_key_id, server_id, name, description, arguments, messages)"
    " SELECT :project, CAST(:server_id AS uuid), incoming.name, incoming.description, incoming.arguments,"
    " incoming.messages FROM incoming"
    " ON CONFLICT (server_id, name) DO UPDATE SET description = EXCLUDED.description,"
    " arguments = EXCLUDED.arguments, messages = COALESCE(EXCLUDED.messages, p.messages), is_active = true,"
    " updated_at = now()"
    " WHERE p.api_key_id = EXCLUDED.api_key_id"
    " RETURNING p.id)"
    " UPDATE {{schema}}.mcp_prompts AS p SET is_active = false, updated_at = now()"
    " WHERE p.api_key_id = :project AND p.server_id = CAST(:server_id AS uuid) AND p.is_active"
    " AND p.name NOT IN (SELECT incoming.name FROM incoming)");

// Runs a SELECT of the server's items with `:project` and `:server_id` and reads each
// row with `read`.
template <typename Read>
auto selectItems(DatabaseConnection &connection, QSqlQuery &query, const QString &projectId,
                 const QString &serverId, const QString &operation, Read read) -> QList<decltype(read(query, 0))>
{
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":server_id"), serverId);
    connection.exec(query, operation);
    QList<decltype(read(query, 0))> items;
    while (query.next())
        items.append(read(query, 0));
    query.finish();
    return items;
}

} // namespace

McpCatalogSync::McpCatalogSync(DatabaseConnection &connection)
    : m_connection(connection)
{
}

void McpCatalogSync::sync(const QString &key, const QString &sql, const QString &projectId,
                          const QString &serverId, const QJsonArray &items, const QString &operation)
{
    QSqlQuery &query = m_connection.prepared(key, sql);
    query.bindValue(QStringLiteral(":items"), QString::fromUtf8(QJsonDocument(items).toJson(QJsonDocument::Compact)));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":server_id"), serverId);
    m_connection.exec(query, operation);
    query.finish();
}

void McpCatalogSync::syncTools(const QString &projectId, const QString &serverId, const QList<McpToolItem> &tools)
{
    QJsonArray items;
    for (const McpToolItem &tool : tools) {
        items.append(QJsonObject{{QStringLiteral("name"), tool.name},
                                 {QStringLiteral("description"), json::optionalJson(tool.description)},
                                 {QStringLiteral("input_schema"), tool.inputSchema}});
    }
    sync(QStringLiteral("mcp_tools.sync"), ToolSyncSql, projectId, serverId, items, QStringLiteral("sync MCP tools"));
}

void McpCatalogSync::syncResources(const QString &projectId, const QString &serverId,
                                   const QList<McpResourceItem> &resources)
{
    QJsonArray items;
    for (const McpResourceItem &resource : resources) {
        items.append(QJsonObject{{QStringLiteral("uri"), resource.uri},
                                 {QStringLiteral("name"), json::optionalJson(resource.name)},
                                 {QStringLiteral("description"), json::optionalJson(resource.description)},
                                 {QStringLiteral("mime_type"), json::optionalJson(resource.mimeType)},
                                 {QStringLiteral("content"), json::optionalJson(resource.text)}});
    }
    sync(QStringLiteral("mcp_resources.sync"), ResourceSyncSql, projectId, serverId, items,
         QStringLiteral("sync MCP resources"));
}

void McpCatalogSync::syncPrompts(const QString &projectId, const QString &serverId,
                                 const QList<McpPromptItem> &prompts)
{
    QJsonArray items;
    for (const McpPromptItem &prompt : prompts) {
        items.append(QJsonObject{{QStringLiteral("name"), prompt.name},
                                 {QStringLiteral("description"), json::optionalJson(prompt.description)},
                                 {QStringLiteral("arguments"), prompt.arguments},
                                 {QStringLiteral("messages"), prompt.messages}});
    }
    sync(QStringLiteral("mcp_prompts.sync"), PromptSyncSql, projectId, serverId, items,
         QStringLiteral("sync MCP prompts"));
}

QList<StoredMcpTool> McpCatalogSync::tools(const QString &projectId, const QString &serverId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_tools.of_server"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_tools AS t"
                       " WHERE t.api_key_id = :project AND t.server_id = CAST(:server_id AS uuid)"
                       " ORDER BY t.name COLLATE \"C\", t.id")
            .arg(mcpToolColumns(QStringLiteral("t"))));
    return selectItems(m_connection, query, projectId, serverId, QStringLiteral("list MCP tools of server"),
                       readMcpTool);
}

QList<StoredMcpResource> McpCatalogSync::resources(const QString &projectId, const QString &serverId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_resources.of_server"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_resources AS r"
                       " WHERE r.api_key_id = :project AND r.server_id = CAST(:server_id AS uuid)"
                       " ORDER BY r.uri COLLATE \"C\", r.id")
            .arg(mcpResourceColumns(QStringLiteral("r"))));
    return selectItems(m_connection, query, projectId, serverId, QStringLiteral("list MCP resources of server"),
                       readMcpResource);
}

QList<StoredMcpPrompt> McpCatalogSync::prompts(const QString &projectId, const QString &serverId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("mcp_prompts.of_server"),
        QStringLiteral("SELECT %1 FROM {{schema}}.mcp_prompts AS p"
                       " WHERE p.api_key_id = :project AND p.server_id = CAST(:server_id AS uuid)"
                       " ORDER BY p.name COLLATE \"C\", p.id")
            .arg(mcpPromptColumns(QStringLiteral("p"))));
    return selectItems(m_connection, query, projectId, serverId, QStringLiteral("list MCP prompts of server"),
                       readMcpPrompt);
}

} // namespace llmring
