// SPDX-License-Identifier: MIT
// SQL that reads MCP prompts.

#pragma once

#include "mcprecords.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// Reads `mcp_prompts`, messages template included. Every statement is filtered by the
// project, so another project's prompt is never found or listed. Throws DatabaseError.
// Id arguments must be UUIDs. Prompts are written by POST /servers/{id}/refresh.
class McpPromptStore
{
public:
    explicit McpPromptStore(DatabaseConnection &connection);

    // Oldest first. A set `serverId` keeps that server's prompts, and a set `isActive` keeps
    // only active or only inactive ones.
    // NOTE: not paged, because the API defines no limit for this list. A project with
    // very many prompts gets them all in one response.
    QList<StoredMcpPrompt> list(const QString &projectId, const std::optional<QString> &serverId,
                                std::optional<bool> isActive);

    std::optional<StoredMcpPrompt> find(const QString &projectId, const QString &promptId);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
