// SPDX-License-Identifier: MIT
// SQL for MCP servers.

#pragma once

#include "domain/mcpserverrequest.h"
#include "mcprecords.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// Reads and writes `mcp_servers`. Every statement is filtered by the project, so
// another project's server is never found. Throws DatabaseError. `serverId`
// arguments must be UUIDs.
class McpServerStore
{
public:
    explicit McpServerStore(DatabaseConnection &connection);

    StoredMcpServer insert(const QString &projectId, const McpServerRequest &request);

    std::optional<StoredMcpServer> find(const QString &projectId, const QString &serverId);

    // Like find(), and locks the row until the caller's transaction ends, so
    // concurrent refreshes of one server take turns.
    std::optional<StoredMcpServer> lock(const QString &projectId, const QString &serverId);

    // Newest first. A set `isActive` keeps only active or only inactive servers.
    // NOTE: not paged, because the API defines no limit for this list. A project with
    // very many servers gets them all in one response.
    QList<StoredMcpServer> list(const QString &projectId, std::optional<bool> isActive);

    // Sets the members the request has and `updated_at`. Returns std::nullopt when
    // the server is not found.
    std::optional<StoredMcpServer> update(const QString &projectId, const QString &serverId,
                                          const McpServerRequest &request);

    // Deletes the server with its tools, resources and prompts. The foreign keys keep
    // its tool executions, with NULL ids. Returns false when the server is not found.
    bool remove(const QString &projectId, const QString &serverId);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
