// SPDX-License-Identifier: MIT
// The MCP tool routes under /api/v1/mcp for the caller's project: create, list, get,
// execute, a tool's history, and the project's executions.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class Router;
struct RequestContext;

// Execution responses: POST /tools/{tool_id}/execute and GET /tools/{tool_id}/history
// return the execution object of the API (the tool is the one in the path), and
// GET /executions adds `tool_name` and `server_name` to each.
class McpToolRoutes
{
public:
    explicit McpToolRoutes(qint64 maxBodyBytes);

    void registerOn(Router &router) const;

    QHttpServerResponse createTool(RequestContext &context) const;
    QHttpServerResponse listTools(RequestContext &context) const;
    QHttpServerResponse getTool(RequestContext &context) const;
    QHttpServerResponse executeTool(RequestContext &context) const;
    QHttpServerResponse toolHistory(RequestContext &context) const;
    QHttpServerResponse listExecutions(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
};

} // namespace llmring
