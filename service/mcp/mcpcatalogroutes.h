// SPDX-License-Identifier: MIT
// Under /api/v1/mcp, the MCP resource and prompt routes: list, get, content and render, for the caller's project.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class Router;
struct RequestContext;

class McpCatalogRoutes
{
public:
    explicit McpCatalogRoutes(qint64 maxBodyBytes);

    void registerOn(Router &router) const;

    QHttpServerResponse listResources(RequestContext &context) const;
    QHttpServerResponse getResource(RequestContext &context) const;
    QHttpServerResponse getResourceContent(RequestContext &context) const;
    QHttpServerResponse listPrompts(RequestContext &context) const;
    QHttpServerResponse getPrompt(RequestContext &context) const;
    QHttpServerResponse renderPrompt(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
};

} // namespace llmring
