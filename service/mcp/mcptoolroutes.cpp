// SPDX-License-Identifier: MIT

#include "mcptoolroutes.h"

#include "domain/mcptoolrequest.h"
#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "http/uuidparameter.h"
#include "mcpexecutionstore.h"
#include "mcptoolstore.h"

#include <QJsonArray>
#include <QJsonObject>

#include <limits>

namespace llmring {

namespace {

QHttpServerResponse toolNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Tool not found"));
}

// The `{tool_id}` path segment in canonical form, or std::nullopt after adding its
// error to `errors`.
std::optional<QString> toolIdOf(const RequestContext &context, ValidationErrors &errors)
{
    return readUuidPathParameter(context.pathParameters.value(0), QStringLiteral("tool_id"), errors);
}

QJsonObject toolWithServerToJson(const McpToolWithServer &row)
{
    return mcpToolToJson(row.tool, row.server);
}

} // namespace

McpToolRoutes::McpToolRoutes(qint64 maxBodyBytes)
    : m_maxBodyBytes(maxBodyBytes)
{
}

void McpToolRoutes::registerOn(Router &router) const
{
    const QString tools = QStringLiteral("/api/v1/mcp/tools");
    const QString tool = tools + QStringLiteral("/{tool_id}");
    router.add(Method::Post, tools, Access::Project, [this](RequestContext &context) { return createTool(context); });
    router.add(Method::Get, tools, Access::Project, [this](RequestContext &context) { return listTools(context); });
    router.add(Method::Get, tool, Access::Project, [this](RequestContext &context) { return getTool(context); });
    router.add(Method::Post, tool + QStringLiteral("/execute"), Access::Project,
               [this](RequestContext &context) { return executeTool(context); });
    router.add(Method::Get, tool + QStringLiteral("/history"), Access::Project,
               [this](RequestContext &context) { return toolHistory(context); });
    router.add(Method::Get, QStringLiteral("/api/v1/mcp/executions"), Access::Project,
               [this](RequestContext &context) { return listExecutions(context); });
}

QHttpServerResponse McpToolRoutes::createTool(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<McpToolRequest> request = McpToolRequest::fromJson(*body, errors);
    if (!request)
        return errorResponse(HttpError::validation(errors));

    const McpToolStore::InsertResult result = McpToolStore(context.database()).insert(context.projectId, *request);
    switch (result.status) {
    case McpToolStore::InsertResult::Status::Created:
        return jsonResponse(mcpToolToJson(*result.tool), StatusCode::Created);
    case McpToolStore::InsertResult::Status::ServerNotFound:
        return errorResponse(StatusCode::NotFound, QStringLiteral("Server not found"));
    case McpToolStore::InsertResult::Status::DuplicateName:
        break;
    }
    return errorResponse(StatusCode::Conflict, QStringLiteral("Tool \"%1\" already exists on server \"%2\"")
                                                   .arg(request->name, result.serverName));
}

QHttpServerResponse McpToolRoutes::listTools(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const std::optional<QString> serverId = query.uuid(QStringLiteral("server_id"));
    const std::optional<bool> activeFilter = query.activeFilter(QStringLiteral("is_active"));
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const QList<McpToolWithServer> rows =
        McpToolStore(context.database()).list(context.projectId, serverId, activeFilter);
    QJsonArray items;
    for (const McpToolWithServer &row : rows)
        items.append(toolWithServerToJson(row));
    return jsonResponse(items);
}

QHttpServerResponse McpToolRoutes::getTool(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> toolId = toolIdOf(context, errors);
    if (!toolId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<McpToolWithServer> row = McpToolStore(context.database()).find(context.projectId, *toolId);
    if (!row)
        return toolNotFound();
    return jsonResponse(toolWithServerToJson(*row));
}

QHttpServerResponse McpToolRoutes::executeTool(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    // The path and the body are checked together, so one 422 reports both.
    ValidationErrors errors;
    const std::optional<QString> toolId = toolIdOf(context, errors);
    const std::optional<McpExecutionRequest> request = McpExecutionRequest::fromJson(*body, errors);
    if (!toolId || !request)
        return errorResponse(HttpError::validation(errors));

    const McpExecutionStore::InsertResult result =
        McpExecutionStore(context.database()).insert(context.projectId, *toolId, *request);
    switch (result.status) {
    case McpExecutionStore::InsertResult::Status::Recorded:
        return jsonResponse(mcpExecutionToJson(*result.execution, false), StatusCode::Created);
    case McpExecutionStore::InsertResult::Status::ToolNotFound:
        return toolNotFound();
    case McpExecutionStore::InsertResult::Status::ConversationNotFound:
        break;
    }
    return errorResponse(StatusCode::NotFound, QStringLiteral("Conversation not found"));
}

QHttpServerResponse McpToolRoutes::toolHistory(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> toolId = toolIdOf(context, errors);
    QueryReader query(context.query, errors);
    const qint64 limit = query.integer(QStringLiteral("limit"), 100, 1, 1000);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    if (!toolId || !errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const std::optional<QList<StoredMcpExecution>> executions =
        McpExecutionStore(context.database()).history(context.projectId, *toolId, limit, offset);
    if (!executions)
        return toolNotFound();
    QJsonArray items;
    for (const StoredMcpExecution &execution : *executions)
        items.append(mcpExecutionToJson(execution, false));
    return jsonResponse(items);
}

QHttpServerResponse McpToolRoutes::listExecutions(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    McpExecutionFilter filter;
    filter.serverId = query.uuid(QStringLiteral("server_id"));
    filter.toolId = query.uuid(QStringLiteral("tool_id"));
    filter.conversationId = query.uuid(QStringLiteral("conversation_id"));
    filter.start = query.startBound(QStringLiteral("start_date"));
    filter.end = query.endBound(QStringLiteral("end_date"));
    query.checkStartBeforeEnd(filter.start, filter.end);
    const qint64 limit = query.integer(QStringLiteral("limit"), 100, 1, 1000);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const QList<StoredMcpExecution> executions =
        McpExecutionStore(context.database()).list(context.projectId, filter, limit, offset);
    QJsonArray items;
    for (const StoredMcpExecution &execution : executions)
        items.append(mcpExecutionToJson(execution, true));
    return jsonResponse(items);
}

} // namespace llmring
