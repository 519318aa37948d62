// SPDX-License-Identifier: MIT
// Service information, health, and the API documentation routes.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class HealthMonitor;
class Router;
struct RequestContext;

class MetaRoutes
{
public:
    explicit MetaRoutes(HealthMonitor &health);

    // GET / and GET /health.
    void registerServiceRoutes(Router &router) const;
    // GET /openapi.json, GET /docs and the documentation page's assets.
    void registerDocumentationRoutes(Router &router) const;

    QHttpServerResponse serviceInfo(RequestContext &context) const;
    QHttpServerResponse health(RequestContext &context) const;
    QHttpServerResponse openApiDocument(RequestContext &context) const;
    QHttpServerResponse documentationPage(RequestContext &context) const;
    QHttpServerResponse documentationAsset(RequestContext &context) const;

private:
    HealthMonitor &m_health;
};

} // namespace llmring
