// SPDX-License-Identifier: MIT

#include "mcprecords.h"

#include "database/sqlvalues.h"
#include "json/optionaljson.h"

#include <QJsonArray>
#include <QSqlQuery>

namespace llmring {

namespace {

QString column(const QString &alias, const QString &name)
{
    return alias + u'.' + name;
}

} // namespace

QString mcpServerColumns(const QString &alias)
{
    return QStringList{column(alias, QStringLiteral("id::text")),
                       textColumn(column(alias, QStringLiteral("name"))),
                       textColumn(column(alias, QStringLiteral("url"))),
                       column(alias, QStringLiteral("transport_type")),
                       column(alias, QStringLiteral("auth_config::text")),
                       column(alias, QStringLiteral("capabilities::text")),
                       column(alias, QStringLiteral("is_active")),
                       timestampColumn(column(alias, QStringLiteral("created_at"))),
                       timestampColumn(column(alias, QStringLiteral("updated_at")))}
        .join(QStringLiteral(", "));
}

StoredMcpServer readMcpServer(const QSqlQuery &query, int first)
{
    StoredMcpServer server;
    server.id = query.value(first).toString();
    server.name = query.value(first + 1).toString();
    server.url = query.value(first + 2).toString();
    server.transportType = query.value(first + 3).toString();
    server.authConfig = jsonColumnValue(query, first + 4);
    server.capabilities = jsonColumnValue(query, first + 5);
    server.isActive = query.value(first + 6).toBool();
    server.createdAt = query.value(first + 7).toString();
    server.updatedAt = query.value(first + 8).toString();
    return server;
}

QString mcpServerSummaryColumns(const QString &alias)
{
    return QStringList{column(alias, QStringLiteral("id::text")), textColumn(column(alias, QStringLiteral("name"))),
                       textColumn(column(alias, QStringLiteral("url")))}
        .join(QStringLiteral(", "));
}

McpServerSummary readMcpServerSummary(const QSqlQuery &query, int first)
{
    return McpServerSummary{query.value(first).toString(), query.value(first + 1).toString(),
                            query.value(first + 2).toString()};
}

QString mcpToolColumns(const QString &alias)
{
    return QStringList{column(alias, QStringLiteral("id::text")),
                       column(alias, QStringLiteral("server_id::text")),
                       textColumn(column(alias, QStringLiteral("name"))),
                       textColumn(column(alias, QStringLiteral("description"))),
                       column(alias, QStringLiteral("input_schema::text")),
                       column(alias, QStringLiteral("is_active")),
                       timestampColumn(column(alias, QStringLiteral("created_at")))}
        .join(QStringLiteral(", "));
}

StoredMcpTool readMcpTool(const QSqlQuery &query, int first)
{
    StoredMcpTool tool;
    tool.id = query.value(first).toString();
    tool.serverId = query.value(first + 1).toString();
    tool.name = query.value(first + 2).toString();
    tool.description = optionalText(query, first + 3);
    tool.inputSchema = jsonColumnValue(query, first + 4).toObject();
    tool.isActive = query.value(first + 5).toBool();
    tool.createdAt = query.value(first + 6).toString();
    return tool;
}

QString mcpResourceColumns(const QString &alias)
{
    return QStringList{column(alias, QStringLiteral("id::text")),
                       column(alias, QStringLiteral("server_id::text")),
                       textColumn(column(alias, QStringLiteral("uri"))),
                       textColumn(column(alias, QStringLiteral("name"))),
                       textColumn(column(alias, QStringLiteral("description"))),
                       textColumn(column(alias, QStringLiteral("mime_type"))),
                       column(alias, QStringLiteral("is_active")),
                       timestampColumn(column(alias, QStringLiteral("created_at")))}
        .join(QStringLiteral(", "));
}

StoredMcpResource readMcpResource(const QSqlQuery &query, int first)
{
    StoredMcpResource resource;
    resource.id = query.value(first).toString();
    resource.serverId = query.value(first + 1).toString();
    resource.uri = query.value(first + 2).toString();
    resource.name = optionalText(query, first + 3);
    resource.description = optionalText(query, first + 4);
    resource.mimeType = optionalText(query, first + 5);
    resource.isActive = query.value(first + 6).toBool();
    resource.createdAt = query.value(first + 7).toString();
    return resource;
}

QString mcpPromptColumns(const QString &alias)
{
    return QStringList{column(alias, QStringLiteral("id::text")),
                       column(alias, QStringLiteral("server_id::text")),
                       textColumn(column(alias, QStringLiteral("name"))),
                       textColumn(column(alias, QStringLiteral("description"))),
                       column(alias, QStringLiteral("arguments::text")),
                       column(alias, QStringLiteral("messages::text")),
                       column(alias, QStringLiteral("is_active")),
                       timestampColumn(column(alias, QStringLiteral("created_at")))}
        .join(QStringLiteral(", "));
}

StoredMcpPrompt readMcpPrompt(const QSqlQuery &query, int first)
{
    StoredMcpPrompt prompt;
    prompt.id = query.value(first).toString();
    prompt.serverId = query.value(first + 1).toString();
    prompt.name = query.value(first + 2).toString();
    prompt.description = optionalText(query, first + 3);
    prompt.arguments = jsonColumnValue(query, first + 4);
    prompt.messages = jsonColumnValue(query, first + 5);
    prompt.isActive = query.value(first + 6).toBool();
    prompt.createdAt = query.value(first + 7).toString();
    return prompt;
}

QString mcpExecutionColumns(const QString &alias)
{
    return QStringList{column(alias, QStringLiteral("id::text")),
                       column(alias, QStringLiteral("tool_id::text")),
                       column(alias, QStringLiteral("conversation_id::text")),
                       column(alias, QStringLiteral("input::text")),
                       column(alias, QStringLiteral("output::text")),
                       textColumn(column(alias, QStringLiteral("error"))),
                       column(alias, QStringLiteral("duration_ms")),
                       timestampColumn(column(alias, QStringLiteral("executed_at"))),
                       textColumn(column(alias, QStringLiteral("tool_name"))),
                       textColumn(column(alias, QStringLiteral("server_name")))}
        .join(QStringLiteral(", "));
}

StoredMcpExecution readMcpExecution(const QSqlQuery &query, int first)
{
    StoredMcpExecution execution;
    execution.id = query.value(first).toString();
    execution.toolId = optionalText(query, first + 1);
    execution.conversationId = optionalText(query, first + 2);
    execution.input = jsonColumnValue(query, first + 3).toObject();
    execution.output = jsonColumnValue(query, first + 4);
    execution.error = optionalText(query, first + 5);
    if (!query.isNull(first + 6))
        execution.durationMs = query.value(first + 6).toLongLong();
    execution.executedAt = query.value(first + 7).toString();
    execution.toolName = query.value(first + 8).toString();
    execution.serverName = query.value(first + 9).toString();
    return execution;
}

QJsonValue maskSecrets(const QJsonValue &value)
{
    if (value.isString())
        return QJsonValue(QString(MaskedSecret));
    if (value.isArray()) {
        QJsonArray masked;
        for (const QJsonValue &item : value.toArray())
            masked.append(maskSecrets(item));
        return masked;
    }
    if (value.isObject()) {
        QJsonObject masked;
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            masked.insert(it.key(), maskSecrets(it.value()));
        return masked;
    }
    return value;
}

bool containsMaskedSecret(const QJsonValue &value)
{
    if (value.isString())
        return value.toString() == MaskedSecret;
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return std::any_of(array.begin(), array.end(),
                           [](const QJsonValue &item) { return containsMaskedSecret(item); });
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        return std::any_of(object.begin(), object.end(),
                           [](const QJsonValue &item) { return containsMaskedSecret(item); });
    }
    return false;
}

QJsonObject mcpServerToJson(const StoredMcpServer &server)
{
    return QJsonObject{
        {QStringLiteral("id"), server.id},
        {QStringLiteral("name"), server.name},
        {QStringLiteral("url"), server.url},
        {QStringLiteral("transport_type"), server.transportType},
        {QStringLiteral("auth_config"), maskSecrets(server.authConfig)},
        {QStringLiteral("capabilities"), server.capabilities},
        {QStringLiteral("is_active"), server.isActive},
        {QStringLiteral("created_at"), server.createdAt},
        {QStringLiteral("updated_at"), server.updatedAt},
    };
}

QJsonObject mcpToolToJson(const StoredMcpTool &tool, const std::optional<McpServerSummary> &server)
{
    QJsonObject json{
        {QStringLiteral("id"), tool.id},
        {QStringLiteral("server_id"), tool.serverId},
        {QStringLiteral("name"), tool.name},
        {QStringLiteral("description"), json::optionalJson(tool.description)},
        {QStringLiteral("input_schema"), tool.inputSchema},
        {QStringLiteral("is_active"), tool.isActive},
        {QStringLiteral("created_at"), tool.createdAt},
    };
    if (server) {
        json.insert(QStringLiteral("server"), QJsonObject{{QStringLiteral("id"), server->id},
                                                          {QStringLiteral("name"), server->name},
                                                          {QStringLiteral("url"), server->url}});
    }
    return json;
}

QJsonObject mcpResourceToJson(const StoredMcpResource &resource)
{
    return QJsonObject{
        {QStringLiteral("id"), resource.id},
        {QStringLiteral("server_id"), resource.serverId},
        {QStringLiteral("uri"), resource.uri},
        {QStringLiteral("name"), json::optionalJson(resource.name)},
        {QStringLiteral("description"), json::optionalJson(resource.description)},
        {QStringLiteral("mime_type"), json::optionalJson(resource.mimeType)},
        {QStringLiteral("is_active"), resource.isActive},
        {QStringLiteral("created_at"), resource.createdAt},
    };
}

QJsonObject mcpPromptToJson(const StoredMcpPrompt &prompt)
{
    return QJsonObject{
        {QStringLiteral("id"), prompt.id},
        {QStringLiteral("server_id"), prompt.serverId},
        {QStringLiteral("name"), prompt.name},
        {QStringLiteral("description"), json::optionalJson(prompt.description)},
        {QStringLiteral("arguments"), prompt.arguments},
        {QStringLiteral("is_active"), prompt.isActive},
        {QStringLiteral("created_at"), prompt.createdAt},
    };
}

QJsonObject mcpExecutionToJson(const StoredMcpExecution &execution, bool withNames)
{
    QJsonObject json{
        {QStringLiteral("id"), execution.id},
        {QStringLiteral("tool_id"), json::optionalJson(execution.toolId)},
        {QStringLiteral("conversation_id"), json::optionalJson(execution.conversationId)},
        {QStringLiteral("input"), execution.input},
        {QStringLiteral("output"), execution.output},
        {QStringLiteral("error"), json::optionalJson(execution.error)},
        {QStringLiteral("duration_ms"),
         execution.durationMs ? QJsonValue(*execution.durationMs) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("executed_at"), execution.executedAt},
    };
    if (withNames) {
        json.insert(QStringLiteral("tool_name"), execution.toolName);
        json.insert(QStringLiteral("server_name"), execution.serverName);
    }
    return json;
}

} // namespace llmring
