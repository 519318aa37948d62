// SPDX-License-Identifier: MIT
// SQL that reads MCP resources.

#pragma once

#include "mcprecords.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// A resource with the text a refresh stored for it.
struct McpResourceContent
{
    StoredMcpResource resource;
    std::optional<QString> content;
};

// Reads `mcp_resources`. Every statement is filtered by the project, so another
// project's resource is never found or listed. Throws DatabaseError. Id arguments
// must be UUIDs. Resources are written by POST /servers/{id}/refresh.
class McpResourceStore
{
public:
    explicit McpResourceStore(DatabaseConnection &connection);

    // Oldest first. A set `serverId` keeps that server's resources, and a set `isActive`
    // keeps only active or only inactive ones.
    // NOTE: not paged, because the API defines no limit for this list. A project with
    // very many resources gets them all in one response.
    QList<StoredMcpResource> list(const QString &projectId, const std::optional<QString> &serverId,
                                  std::optional<bool> isActive);

    std::optional<StoredMcpResource> find(const QString &projectId, const QString &resourceId);

    std::optional<McpResourceContent> findWithContent(const QString &projectId, const QString &resourceId);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
