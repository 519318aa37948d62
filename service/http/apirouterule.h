// SPDX-License-Identifier: MIT
// Hooks the service's router into a QHttpServer.

#pragma once

#include <QHttpServerRouterRule>

namespace llmring {

class Router;

// A QHttpServer rule that claims every request whose path the service's Router
// matches, whatever the method, so that the Dispatcher can return 405 and `Allow` for
// a wrong method (QHttpServer 6.4 returns 404 for it). Paths the router does not
// match fall through to the host's other rules and its missing-route handler.
class ApiRouteRule final : public QHttpServerRouterRule
{
public:
    // QHttpServer::route<ApiRouteRule>(pattern, router, viewHandler) constructs it. The
    // pattern is unused because matches() consults the router.
    ApiRouteRule(const QString &pathPattern, const Router *router, RouterHandler handler);

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override;

private:
    const Router *m_router;
};

} // namespace llmring
