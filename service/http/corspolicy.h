// SPDX-License-Identifier: MIT
// Cross-origin resource sharing for browser clients.

#pragma once

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QStringList>

#include <optional>

namespace llmring {

// Allows the origins of LLMRING_CORS_ORIGINS (or any origin with `*`) to call the API
// from a browser: it answers preflight requests and adds the response headers a
// browser needs to hand an answer to the page.
class CorsPolicy
{
public:
    explicit CorsPolicy(QStringList allowedOrigins);

    bool isPreflight(const QHttpServerRequest &request) const;

    // The preflight response: 204 with the route's methods when the origin is allowed,
    // else 400 "Disallowed CORS origin".
    QHttpServerResponse preflightResponse(const QHttpServerRequest &request, const QByteArray &allowedMethods) const;

    // Adds Access-Control-Allow-Origin and friends when the request's origin is allowed.
    void decorate(const QHttpServerRequest &request, QHttpServerResponse &response) const;

private:
    bool allows(const QByteArray &origin) const;

    QStringList m_allowedOrigins;
    bool m_allowsAny = false;
};

} // namespace llmring
