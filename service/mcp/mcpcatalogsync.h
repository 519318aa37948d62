// SPDX-License-Identifier: MIT
// The SQL of an MCP server refresh: stores the tools, resources and prompts the server
// offers now and reads back its whole catalog.

#pragma once

#include "domain/mcprefreshrequest.h"
#include "mcprecords.h"

#include <QList>
#include <QString>

namespace llmring {

class DatabaseConnection;

// Synchronises one server's `mcp_tools`, `mcp_resources` and `mcp_prompts` with a
// refresh payload, one statement per kind. Items are matched by name (tools, prompts)
// or URI (resources): a match is updated and made active again, a new item is
// inserted, and the server's active items missing from the payload become inactive,
// so their execution history stays. Every statement is filtered by the project.
// Callers run the calls in one transaction after McpServerStore::lock(), which also
// proves that the server belongs to the project. Throws DatabaseError.
class McpCatalogSync
{
public:
    explicit McpCatalogSync(DatabaseConnection &connection);

    // Replaces each matched tool's description and input schema.
    void syncTools(const QString &projectId, const QString &serverId, const QList<McpToolItem> &tools);

    // Replaces each matched resource's name, description and MIME type. Its content
    // changes only when the item carries `text`, because MCP (specification 2025-11-25)
    // lists resources with resources/list but serves their text through resources/read.
    void syncResources(const QString &projectId, const QString &serverId, const QList<McpResourceItem> &resources);

    // Replaces each matched prompt's description and arguments. Its message template
    // changes only when the item carries `messages`, because MCP lists prompts with
    // prompts/list but serves their messages through prompts/get.
    void syncPrompts(const QString &projectId, const QString &serverId, const QList<McpPromptItem> &prompts);

    // Every item of the server, active or not, ordered by name (resources by URI) in
    // code point order, then by id.
    QList<StoredMcpTool> tools(const QString &projectId, const QString &serverId);
    QList<StoredMcpResource> resources(const QString &projectId, const QString &serverId);
    QList<StoredMcpPrompt> prompts(const QString &projectId, const QString &serverId);

private:
    void sync(const QString &key, const QString &sql, const QString &projectId, const QString &serverId,
              const QJsonArray &items, const QString &operation);

    DatabaseConnection &m_connection;
};

} // namespace llmring
