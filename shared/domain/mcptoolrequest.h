// SPDX-License-Identifier: MIT
// The bodies of POST /api/v1/mcp/tools and POST /api/v1/mcp/tools/{tool_id}/execute,
// validated.

#pragma once

#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace llmring {

// A tool to register on one of the caller's MCP servers.
struct McpToolRequest
{
    static constexpr qsizetype MaxNameLength = 255;

    QString serverId; // canonical lowercase UUID
    QString name;
    std::optional<QString> description;
    QJsonObject inputSchema;

    // Validates `body` (members the service does not know are ignored). The schema may
    // be sent as `input_schema` or, as MCP servers spell it, `inputSchema`. When both
    // are present, `input_schema` wins. Returns std::nullopt after adding every problem
    // to `errors`, with loc ["body", member].
    static std::optional<McpToolRequest> fromJson(const QJsonValue &body, ValidationErrors &errors);
};

// One execution of a tool, as the caller reports it after running the tool.
struct McpExecutionRequest
{
    QJsonObject input;
    QJsonValue output = QJsonValue::Null; // any JSON value; null when absent
    std::optional<QString> error;
    std::optional<qint64> durationMs;
    std::optional<QString> conversationId; // canonical lowercase UUID

    // Validates `body` as McpToolRequest::fromJson() does.
    static std::optional<McpExecutionRequest> fromJson(const QJsonValue &body, ValidationErrors &errors);
};


} // namespace llmring
