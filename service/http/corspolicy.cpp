// SPDX-License-Identifier: MIT

#include "corspolicy.h"

#include "jsonresponse.h"

namespace llmring {

namespace {

const QByteArray AllowedHeaders = QByteArrayLiteral("Content-Type, X-API-Key, X-Request-Id, If-None-Match, Accept");
const QByteArray ExposedHeaders = QByteArrayLiteral("X-Request-Id, X-Total-Count, ETag, Retry-After");
// Browsers cache a preflight response for this many seconds.
const QByteArray PreflightMaxAge = QByteArrayLiteral("600");

} // namespace

CorsPolicy::CorsPolicy(QStringList allowedOrigins)
    : m_allowedOrigins(std::move(allowedOrigins))
    , m_allowsAny(m_allowedOrigins.contains(QStringLiteral("*")))
{
}

bool CorsPolicy::allows(const QByteArray &origin) const
{
    return !origin.isEmpty() && (m_allowsAny || m_allowedOrigins.contains(QString::fromUtf8(origin)));
}

bool CorsPolicy::isPreflight(const QHttpServerRequest &request) const
{
    return request.method() == QHttpServerRequest::Method::Options && !request.value("Origin").isEmpty()
        && !request.value("Access-Control-Request-Method").isEmpty();
}

QHttpServerResponse CorsPolicy::preflightResponse(const QHttpServerRequest &request,
                                                  const QByteArray &allowedMethods) const
{
    const QByteArray origin = request.value("Origin");
    if (!allows(origin))
        return errorResponse(StatusCode::BadRequest, QStringLiteral("Disallowed CORS origin"));

    QHttpServerResponse response(StatusCode::NoContent);
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.setHeader("Access-Control-Allow-Methods", allowedMethods);
    response.setHeader("Access-Control-Allow-Headers", AllowedHeaders);
    response.setHeader("Access-Control-Max-Age", PreflightMaxAge);
    response.setHeader("Vary", "Origin");
    return response;
}

void CorsPolicy::decorate(const QHttpServerRequest &request, QHttpServerResponse &response) const
{
    const QByteArray origin = request.value("Origin");
    if (!allows(origin))
        return;
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.setHeader("Access-Control-Expose-Headers", ExposedHeaders);
    response.setHeader("Vary", "Origin");
}

} // namespace llmring
