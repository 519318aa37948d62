// SPDX-License-Identifier: MIT
// Under /api/v1/mcp, the MCP server routes: create, list, get, update, delete and refresh, for the caller's project.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class Router;
struct RequestContext;

class McpServerRoutes
{
public:
    explicit McpServerRoutes(qint64 maxBodyBytes);

    void registerOn(Router &router) const;

    QHttpServerResponse createServer(RequestContext &context) const;
    QHttpServerResponse listServers(RequestContext &context) const;
    QHttpServerResponse getServer(RequestContext &context) const;
    // PATCH and PUT: both are partial updates, as the llmring client sends PUT with
    // null members for the values it keeps.
    QHttpServerResponse updateServer(RequestContext &context) const;
    QHttpServerResponse deleteServer(RequestContext &context) const;
    QHttpServerResponse refreshServer(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
};

} // namespace llmring
