// SPDX-License-Identifier: MIT
// SQL for MCP tool executions, the audit trail of what a project's agents ran.

#pragma once

#include "core/timestamp.h"
#include "domain/mcptoolrequest.h"
#include "mcprecords.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// The filters of GET /api/v1/mcp/executions. Unset members do not filter, and ids are
// canonical UUIDs.
struct McpExecutionFilter
{
    std::optional<QString> serverId;
    std::optional<QString> toolId;
    std::optional<QString> conversationId;
    std::optional<Timestamp> start; // inclusive
    std::optional<Timestamp> end;   // exclusive
};

// Reads and writes `mcp_tool_executions`. Every statement is filtered by the project,
// so another project's tool, conversation or execution is never found. Throws
// DatabaseError. Id arguments must be canonical UUIDs.
class McpExecutionStore
{
public:
    struct InsertResult
    {
        enum class Status {
            Recorded,
            ToolNotFound,
            ConversationNotFound,
        };
        Status status = Status::Recorded;
        std::optional<StoredMcpExecution> execution; // set when recorded
    };

    explicit McpExecutionStore(DatabaseConnection &connection);

    // Records one execution of the project's tool `toolId`, with the tool's and its
    // server's ids and names as they are now. One statement finds the tool, its server
    // and the conversation and inserts the row, locking those rows against a
    // concurrent delete, so concurrent executions never interfere. The tool is looked
    // up first: an unknown tool is ToolNotFound whatever the conversation.
    InsertResult insert(const QString &projectId, const QString &toolId, const McpExecutionRequest &request);

    // The executions of the project's tool `toolId`, newest first. Returns
    // std::nullopt when the tool is not found.
    std::optional<QList<StoredMcpExecution>> history(const QString &projectId, const QString &toolId, qint64 limit,
                                                     qint64 offset);

    // The project's executions that match `filter`, newest first, including those
    // whose tool or server was deleted.
    QList<StoredMcpExecution> list(const QString &projectId, const McpExecutionFilter &filter, qint64 limit,
                                   qint64 offset);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
