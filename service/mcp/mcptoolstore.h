// SPDX-License-Identifier: MIT
// SQL for MCP tools.

#pragma once

#include "domain/mcptoolrequest.h"
#include "mcprecords.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// A tool with the summary of the server that offers it.
struct McpToolWithServer
{
    StoredMcpTool tool;
    McpServerSummary server;
};

// Reads and writes `mcp_tools`. Every statement is filtered by the project on the
// tools and on their servers, so another project's tool or server is never found.
// Throws DatabaseError. Id arguments must be canonical UUIDs.
class McpToolStore
{
public:
    struct InsertResult
    {
        enum class Status {
            Created,
            ServerNotFound,
            DuplicateName, // the server already has a tool of that name
        };
        Status status = Status::Created;
        std::optional<StoredMcpTool> tool; // set when created
        QString serverName;                // set unless the server was not found
    };

    explicit McpToolStore(DatabaseConnection &connection);

    // Inserts the tool on the project's server `request.serverId` in one statement,
    // which locks the server row against a concurrent delete.
    InsertResult insert(const QString &projectId, const McpToolRequest &request);

    std::optional<McpToolWithServer> find(const QString &projectId, const QString &toolId);

    // Oldest first. A set `serverId` keeps that server's tools, and a set `isActive`
    // keeps only active or only inactive tools.
    // NOTE: not paged, because the API defines no limit for this list. A project with
    // very many tools gets them all in one response.
    QList<McpToolWithServer> list(const QString &projectId, const std::optional<QString> &serverId,
                                  std::optional<bool> isActive);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
