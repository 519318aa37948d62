// SPDX-License-Identifier: MIT

#include "apirouterule.h"

#include "router.h"

#include <QHttpServerRequest>

namespace llmring {

ApiRouteRule::ApiRouteRule(const QString &pathPattern, const Router *router, RouterHandler handler)
    : QHttpServerRouterRule(pathPattern, std::move(handler))
    , m_router(router)
{
}

bool ApiRouteRule::matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const
{
    Q_UNUSED(match); // handlers take no captured arguments; the Dispatcher re-matches
    return m_router->match(request.url().path(QUrl::FullyEncoded)) != nullptr;
}

} // namespace llmring
