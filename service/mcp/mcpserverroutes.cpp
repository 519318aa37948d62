// SPDX-License-Identifier: MIT

#include "mcpserverroutes.h"

#include "database/transaction.h"
#include "domain/mcprefreshrequest.h"
#include "domain/mcpserverrequest.h"
#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "http/uuidparameter.h"
#include "mcpcatalogsync.h"
#include "mcprecords.h"
#include "mcpserverstore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace llmring {

namespace {

const QString ServerIdParameter = QStringLiteral("server_id");

QHttpServerResponse serverNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Server not found"));
}

// The `{server_id}` path segment in canonical form, or std::nullopt after adding its
// error to `errors`.
std::optional<QString> serverIdOf(const RequestContext &context, ValidationErrors &errors)
{
    return readUuidPathParameter(context.pathParameters.value(0), ServerIdParameter, errors);
}

// Responses mask every string of `auth_config`, so a client that sends a server back as
// it read it would overwrite its secrets with the mask. Such an update is rejected.
void rejectMaskedSecrets(const QJsonValue &body, ValidationErrors &errors)
{
    const QJsonValue authConfig = body.toObject().value(QStringLiteral("auth_config"));
    if (!authConfig.isObject() || !containsMaskedSecret(authConfig))
        return;
    errors.add(QJsonArray{QStringLiteral("body"), QStringLiteral("auth_config")},
               QStringLiteral("must not contain \"%1\", the mask of a stored secret: send the real secret, or"
                              " omit auth_config to keep the stored one")
                   .arg(MaskedSecret),
               ErrorType::ValueError);
}

} // namespace

McpServerRoutes::McpServerRoutes(qint64 maxBodyBytes)
    : m_maxBodyBytes(maxBodyBytes)
{
}

void McpServerRoutes::registerOn(Router &router) const
{
    const QString collection = QStringLiteral("/api/v1/mcp/servers");
    const QString item = collection + QStringLiteral("/{server_id}");
    router.add(Method::Post, collection, Access::Project,
               [this](RequestContext &context) { return createServer(context); });
    router.add(Method::Get, collection, Access::Project,
               [this](RequestContext &context) { return listServers(context); });
    router.add(Method::Get, item, Access::Project, [this](RequestContext &context) { return getServer(context); });
    router.add(Method::Patch, item, Access::Project,
               [this](RequestContext &context) { return updateServer(context); });
    router.add(Method::Put, item, Access::Project,
               [this](RequestContext &context) { return updateServer(context); });
    router.add(Method::Delete, item, Access::Project,
               [this](RequestContext &context) { return deleteServer(context); });
    router.add(Method::Post, item + QStringLiteral("/refresh"), Access::Project,
               [this](RequestContext &context) { return refreshServer(context); });
}

QHttpServerResponse McpServerRoutes::createServer(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<McpServerRequest> request =
        McpServerRequest::fromJson(*body, McpServerRequest::Purpose::Create, errors);
    // A client that sends the mask back would store it as the secret.
    rejectMaskedSecrets(*body, errors);
    if (!request || !errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const StoredMcpServer stored = McpServerStore(context.database()).insert(context.projectId, *request);
    return jsonResponse(mcpServerToJson(stored), StatusCode::Created);
}

QHttpServerResponse McpServerRoutes::listServers(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const std::optional<bool> isActive = query.activeFilter(QStringLiteral("is_active"));
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const QList<StoredMcpServer> servers = McpServerStore(context.database()).list(context.projectId, isActive);
    QJsonArray items;
    for (const StoredMcpServer &server : servers)
        items.append(mcpServerToJson(server));
    return jsonResponse(items);
}

QHttpServerResponse McpServerRoutes::getServer(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> serverId = serverIdOf(context, errors);
    if (!serverId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredMcpServer> stored = McpServerStore(context.database()).find(context.projectId, *serverId);
    if (!stored)
        return serverNotFound();
    return jsonResponse(mcpServerToJson(*stored));
}

QHttpServerResponse McpServerRoutes::updateServer(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    // The path and the body are checked together, so one 422 reports both.
    ValidationErrors errors;
    const std::optional<QString> serverId = serverIdOf(context, errors);
    rejectMaskedSecrets(*body, errors);
    const std::optional<McpServerRequest> request =
        McpServerRequest::fromJson(*body, McpServerRequest::Purpose::Update, errors);
    if (!serverId || !request)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredMcpServer> stored =
        McpServerStore(context.database()).update(context.projectId, *serverId, *request);
    if (!stored)
        return serverNotFound();
    return jsonResponse(mcpServerToJson(*stored));
}

QHttpServerResponse McpServerRoutes::deleteServer(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> serverId = serverIdOf(context, errors);
    if (!serverId)
        return errorResponse(HttpError::validation(errors));

    if (!McpServerStore(context.database()).remove(context.projectId, *serverId))
        return serverNotFound();
    return jsonResponse(QJsonObject{{QStringLiteral("message"), QStringLiteral("Server deleted")}});
}

QHttpServerResponse McpServerRoutes::refreshServer(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<QString> serverId = serverIdOf(context, errors);
    const std::optional<McpRefreshRequest> request = McpRefreshRequest::fromJson(*body, errors);
    if (!serverId || !request)
        return errorResponse(HttpError::validation(errors));

    // The server row stays locked until the commit, so a concurrent refresh of the same
    // server waits and then applies its payload to this one's result.
    DatabaseConnection &database = context.database();
    Transaction transaction(database);
    const std::optional<StoredMcpServer> server = McpServerStore(database).lock(context.projectId, *serverId);
    if (!server)
        return serverNotFound();
    McpCatalogSync catalog(database);
    catalog.syncTools(context.projectId, *serverId, request->tools);
    catalog.syncResources(context.projectId, *serverId, request->resources);
    catalog.syncPrompts(context.projectId, *serverId, request->prompts);
    const QList<StoredMcpTool> tools = catalog.tools(context.projectId, *serverId);
    const QList<StoredMcpResource> resources = catalog.resources(context.projectId, *serverId);
    const QList<StoredMcpPrompt> prompts = catalog.prompts(context.projectId, *serverId);
    transaction.commit();

    QJsonArray toolItems;
    for (const StoredMcpTool &tool : tools)
        toolItems.append(mcpToolToJson(tool));
    QJsonArray resourceItems;
    for (const StoredMcpResource &resource : resources)
        resourceItems.append(mcpResourceToJson(resource));
    QJsonArray promptItems;
    for (const StoredMcpPrompt &prompt : prompts)
        promptItems.append(mcpPromptToJson(prompt));
    return jsonResponse(QJsonObject{{QStringLiteral("server"), mcpServerToJson(*server)},
                                    {QStringLiteral("tools"), toolItems},
                                    {QStringLiteral("resources"), resourceItems},
                                    {QStringLiteral("prompts"), promptItems}});
}

} // namespace llmring
