// SPDX-License-Identifier: MIT

#include "mcpcatalogroutes.h"

#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "http/uuidparameter.h"
#include "mcppromptstore.h"
#include "mcprecords.h"
#include "mcpresourcestore.h"
#include "promptrenderer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace llmring {

namespace {

const QString ResourceIdParameter = QStringLiteral("resource_id");
const QString PromptIdParameter = QStringLiteral("prompt_id");

QHttpServerResponse resourceNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Resource not found"));
}

QHttpServerResponse promptNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Prompt not found"));
}

// The filters of the resource and prompt lists, read from the query.
struct CatalogFilter
{
    std::optional<QString> serverId;
    std::optional<bool> isActive; // std::nullopt for `is_active=all`
};

// Reads `server_id` (a UUID) and `is_active` (true, the default, false or all). Invalid
// values are added to `errors`.
CatalogFilter catalogFilterOf(const RequestContext &context, ValidationErrors &errors)
{
    QueryReader query(context.query, errors);
    CatalogFilter filter;
    const QString serverIdName = QStringLiteral("server_id");
    filter.serverId = query.uuid(serverIdName);
    filter.isActive = query.activeFilter(QStringLiteral("is_active"));
    return filter;
}

} // namespace

McpCatalogRoutes::McpCatalogRoutes(qint64 maxBodyBytes)
    : m_maxBodyBytes(maxBodyBytes)
{
}

void McpCatalogRoutes::registerOn(Router &router) const
{
    const QString resources = QStringLiteral("/api/v1/mcp/resources");
    const QString resource = resources + QStringLiteral("/{resource_id}");
    const QString prompts = QStringLiteral("/api/v1/mcp/prompts");
    const QString prompt = prompts + QStringLiteral("/{prompt_id}");
    router.add(Method::Get, resources, Access::Project,
               [this](RequestContext &context) { return listResources(context); });
    router.add(Method::Get, resource, Access::Project,
               [this](RequestContext &context) { return getResource(context); });
    router.add(Method::Get, resource + QStringLiteral("/content"), Access::Project,
               [this](RequestContext &context) { return getResourceContent(context); });
    router.add(Method::Get, prompts, Access::Project,
               [this](RequestContext &context) { return listPrompts(context); });
    router.add(Method::Get, prompt, Access::Project, [this](RequestContext &context) { return getPrompt(context); });
    router.add(Method::Post, prompt + QStringLiteral("/render"), Access::Project,
               [this](RequestContext &context) { return renderPrompt(context); });
}

QHttpServerResponse McpCatalogRoutes::listResources(RequestContext &context) const
{
    ValidationErrors errors;
    const CatalogFilter filter = catalogFilterOf(context, errors);
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const QList<StoredMcpResource> resources =
        McpResourceStore(context.database()).list(context.projectId, filter.serverId, filter.isActive);
    QJsonArray items;
    for (const StoredMcpResource &stored : resources)
        items.append(mcpResourceToJson(stored));
    return jsonResponse(items);
}

QHttpServerResponse McpCatalogRoutes::getResource(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> resourceId =
        readUuidPathParameter(context.pathParameters.value(0), ResourceIdParameter, errors);
    if (!resourceId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredMcpResource> stored =
        McpResourceStore(context.database()).find(context.projectId, *resourceId);
    if (!stored)
        return resourceNotFound();
    return jsonResponse(mcpResourceToJson(*stored));
}

QHttpServerResponse McpCatalogRoutes::getResourceContent(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> resourceId =
        readUuidPathParameter(context.pathParameters.value(0), ResourceIdParameter, errors);
    if (!resourceId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<McpResourceContent> stored =
        McpResourceStore(context.database()).findWithContent(context.projectId, *resourceId);
    if (!stored)
        return resourceNotFound();
    const QJsonObject resource = mcpResourceToJson(stored->resource);
    return jsonResponse(QJsonObject{
        {QStringLiteral("resource"), resource},
        {QStringLiteral("content"), stored->content ? QJsonValue(*stored->content) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("mime_type"), resource.value(QStringLiteral("mime_type"))},
    });
}

QHttpServerResponse McpCatalogRoutes::listPrompts(RequestContext &context) const
{
    ValidationErrors errors;
    const CatalogFilter filter = catalogFilterOf(context, errors);
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const QList<StoredMcpPrompt> prompts =
        McpPromptStore(context.database()).list(context.projectId, filter.serverId, filter.isActive);
    QJsonArray items;
    for (const StoredMcpPrompt &stored : prompts)
        items.append(mcpPromptToJson(stored));
    return jsonResponse(items);
}

QHttpServerResponse McpCatalogRoutes::getPrompt(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> promptId =
        readUuidPathParameter(context.pathParameters.value(0), PromptIdParameter, errors);
    if (!promptId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredMcpPrompt> stored = McpPromptStore(context.database()).find(context.projectId, *promptId);
    if (!stored)
        return promptNotFound();
    return jsonResponse(mcpPromptToJson(*stored));
}

QHttpServerResponse McpCatalogRoutes::renderPrompt(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    // The path and the body are checked together, so one 422 reports both.
    ValidationErrors errors;
    const std::optional<QString> promptId =
        readUuidPathParameter(context.pathParameters.value(0), PromptIdParameter, errors);
    const std::optional<QJsonObject> arguments = renderArgumentsFromBody(*body, errors);
    if (!promptId || !arguments)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredMcpPrompt> stored = McpPromptStore(context.database()).find(context.projectId, *promptId);
    if (!stored)
        return promptNotFound();
    // Whether an argument is required is known only from the stored prompt, so this
    // check follows the lookup and another project's prompt stays a 404.
    checkRequiredArguments(declaredPromptArguments(stored->arguments), *arguments, errors);
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    return jsonResponse(QJsonObject{
        {QStringLiteral("prompt"), mcpPromptToJson(*stored)},
        {QStringLiteral("arguments"), *arguments},
        {QStringLiteral("messages"), renderPromptMessages(stored->messages, *arguments)},
    });
}

} // namespace llmring
