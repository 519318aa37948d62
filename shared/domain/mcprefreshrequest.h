// SPDX-License-Identifier: MIT
// The body of POST /api/v1/mcp/servers/{server_id}/refresh: the tools, resources and
// prompts an MCP server offers now, validated.

#pragma once

#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace llmring {

// A tool as the MCP server lists it.
struct McpToolItem
{
    QString name;
    std::optional<QString> description;
    QJsonObject inputSchema; // {} when the item has none
};

// A resource as the MCP server lists it, with the text it served, if the item carries it.
struct McpResourceItem
{
    QString uri;
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QString> mimeType;
    std::optional<QString> text;
};

// A prompt as the MCP server lists it, with its message template, if the item carries it.
struct McpPromptItem
{
    QString name;
    std::optional<QString> description;
    QJsonValue arguments; // an object, an array or null
    QJsonValue messages;  // [{role, content}] with string members, or null
};

// The catalog a refresh stores. Each list may be absent or null, which counts as empty.
// Items are objects. Tools accept `inputSchema` and resources `mimeType`, the MCP wire
// spellings, beside `input_schema` and `mime_type`. Names (tools, prompts) and URIs
// (resources) must be unique within their list, because a refresh matches stored items
// by them.
struct McpRefreshRequest
{
    static constexpr qsizetype MaxNameLength = 255;
    static constexpr qsizetype MaxUriLength = 1000;
    static constexpr qsizetype MaxMimeTypeLength = 255;

    QList<McpToolItem> tools;
    QList<McpResourceItem> resources;
    QList<McpPromptItem> prompts;

    // Validates `body` (members the service does not know are ignored). Returns
    // std::nullopt after adding every problem to `errors`, with loc such as
    // ["body", "tools", 2, "name"].
    static std::optional<McpRefreshRequest> fromJson(const QJsonValue &body, ValidationErrors &errors);
};

} // namespace llmring
