// SPDX-License-Identifier: MIT
// Hooks the service's router into a QHttpServer.

#pragma once

#include <QHttpServerRouterRule>

namespace llmring {

class Router;

// A QHttpServer rule that claims every request whose path the service's Router knows,
// whatever the method, so that the Dispatcher can answer a wrong method with 405 and
// `Allow` (QHttpServer 6.4 answers it with 404). Paths the router does not know fall
// through to the host's other rules and its missing-route handler.
class ApiRouteRule final : public QHttpServerRouterRule
{
public:
    // QHttpServer::route<ApiRouteRule>(pattern, router, viewHandler) constructs it; the
    // pattern is unused because matches() asks the router.
    ApiRouteRule(const QString &pathPattern, const Router *router, RouterHandler handler);

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override;

private:
    const Router *m_router;
};

} // namespace llmring
