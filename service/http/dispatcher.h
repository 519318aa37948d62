// SPDX-License-Identifier: MIT
// Runs one request through the HTTP layer: routing, CORS, authentication, the handler
// and the mapping of failures to status codes.

#pragma once

#include "corspolicy.h"
#include "router.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>

namespace llmring {

class ConnectionProvider;

class Dispatcher
{
public:
    Dispatcher(const Router &router, const CorsPolicy &cors, ConnectionProvider &connections);

    // Always returns a response: handler exceptions become 503 or 500 here, so none
    // crosses the event loop. Adds X-Request-Id and CORS headers, and writes the
    // access-log line.
    QHttpServerResponse dispatch(const QHttpServerRequest &request) const;

private:
    QHttpServerResponse route(const QHttpServerRequest &request, const QString &requestId,
                              QString *projectId) const;
    QHttpServerResponse runHandler(const Endpoint &endpoint, RequestContext &context) const;

    const Router &m_router;
    const CorsPolicy &m_cors;
    ConnectionProvider &m_connections;
};

// The request's X-Request-Id when it is a usable id (1 to 128 printable ASCII
// characters), else a new random one.
QString requestIdFor(const QHttpServerRequest &request);
QString requestIdFromHeader(const QByteArray &value);

// Writes the access-log line of one request (category llmring.http).
void logAccess(const QHttpServerRequest &request, int status, qint64 elapsedMicroseconds,
               const QString &requestId, const QString &projectId);

// The JSON 404 for paths no route matches, with X-Request-Id.
QHttpServerResponse notFoundResponse(const QHttpServerRequest &request, const QString &requestId);

} // namespace llmring
