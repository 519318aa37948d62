// SPDX-License-Identifier: MIT
// The MCP rows as the stores read them, the SQL that selects them, and their JSON form
// in responses.

#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

class QSqlQuery;

namespace llmring {

struct StoredMcpServer
{
    QString id;
    QString name;
    QString url;
    QString transportType;
    QJsonValue authConfig;   // an object or null, unmasked
    QJsonValue capabilities; // an object or null
    bool isActive = true;
    QString createdAt;
    QString updatedAt;
};

// The `server` member of tool responses.
struct McpServerSummary
{
    QString id;
    QString name;
    QString url;
};

struct StoredMcpTool
{
    QString id;
    QString serverId;
    QString name;
    std::optional<QString> description;
    QJsonObject inputSchema;
    bool isActive = true;
    QString createdAt;
};

struct StoredMcpResource
{
    QString id;
    QString serverId;
    QString uri;
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QString> mimeType;
    bool isActive = true;
    QString createdAt;
};

struct StoredMcpPrompt
{
    QString id;
    QString serverId;
    QString name;
    std::optional<QString> description;
    QJsonValue arguments; // an object, an array or null
    QJsonValue messages;  // the [{role, content}] template or null; not in responses
    bool isActive = true;
    QString createdAt;
};

struct StoredMcpExecution
{
    QString id;
    std::optional<QString> toolId;
    std::optional<QString> conversationId;
    QJsonObject input;
    QJsonValue output; // any JSON value, or null
    std::optional<QString> error;
    std::optional<qint64> durationMs;
    QString executedAt;
    QString toolName;
    QString serverName;
};

// Column lists for SELECT and RETURNING, with the table's alias (or its name) as
// `alias`, the readers of those columns starting at column `first`, and how many
// columns each list has.
QString mcpServerColumns(const QString &alias);
StoredMcpServer readMcpServer(const QSqlQuery &query, int first);
inline constexpr int McpServerColumnCount = 9;

QString mcpServerSummaryColumns(const QString &alias);
McpServerSummary readMcpServerSummary(const QSqlQuery &query, int first);
inline constexpr int McpServerSummaryColumnCount = 3;

QString mcpToolColumns(const QString &alias);
StoredMcpTool readMcpTool(const QSqlQuery &query, int first);
inline constexpr int McpToolColumnCount = 7;

QString mcpResourceColumns(const QString &alias);
StoredMcpResource readMcpResource(const QSqlQuery &query, int first);
inline constexpr int McpResourceColumnCount = 8;

QString mcpPromptColumns(const QString &alias);
StoredMcpPrompt readMcpPrompt(const QSqlQuery &query, int first);
inline constexpr int McpPromptColumnCount = 8;

QString mcpExecutionColumns(const QString &alias);
StoredMcpExecution readMcpExecution(const QSqlQuery &query, int first);
inline constexpr int McpExecutionColumnCount = 10;

// The value `"***"` that replaces secrets in responses.
inline constexpr QLatin1StringView MaskedSecret{"***"};

// `value` with every string, at any depth, replaced by MaskedSecret.
QJsonValue maskSecrets(const QJsonValue &value);

// True when MaskedSecret appears as a string anywhere in `value`.
bool containsMaskedSecret(const QJsonValue &value);

// {id, name, url, transport_type, auth_config (masked), capabilities, is_active,
// created_at, updated_at}
QJsonObject mcpServerToJson(const StoredMcpServer &server);

// {id, server_id, name, description, input_schema, is_active, created_at}, plus
// `server: {id, name, url}` when `server` is given.
QJsonObject mcpToolToJson(const StoredMcpTool &tool, const std::optional<McpServerSummary> &server = std::nullopt);

// {id, server_id, uri, name, description, mime_type, is_active, created_at}
QJsonObject mcpResourceToJson(const StoredMcpResource &resource);

// {id, server_id, name, description, arguments, is_active, created_at}
QJsonObject mcpPromptToJson(const StoredMcpPrompt &prompt);

// {id, tool_id, conversation_id, input, output, error, duration_ms, executed_at}, plus
// tool_name and server_name when `withNames` is true.
QJsonObject mcpExecutionToJson(const StoredMcpExecution &execution, bool withNames);

} // namespace llmring
