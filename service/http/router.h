// SPDX-License-Identifier: MIT
// The service's route table: path patterns, methods and handlers.

#pragma once

#include "requestcontext.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace llmring {

using Method = QHttpServerRequest::Method;

enum class Access {
    Public,  // no X-API-Key needed
    Project, // X-API-Key required; it names the project
};

using Handler = std::function<QHttpServerResponse(RequestContext &)>;

struct Endpoint
{
    Method method;
    Access access;
    Handler handler;
};

struct Route
{
    QString pattern;     // e.g. "/api/v1/conversations/{id}"
    QStringList segments; // the pattern split at '/', without the empty first one
    QList<Endpoint> endpoints;

    const Endpoint *endpoint(Method method) const;
    // The `Allow` header value: the route's methods, comma-separated.
    QByteArray allowedMethods() const;
};

// Matches request paths against patterns whose `{name}` segments match any one
// non-empty segment. A trailing slash is ignored, so `/api/v1/log/` is `/api/v1/log`.
// Built once at start, then only read, so worker threads share it without locks.
class Router
{
public:
    void add(Method method, const QString &pattern, Access access, Handler handler);

    // The route for a path (percent-encoded, as on the request line), with the decoded
    // values of its `{name}` segments, or nullptr.
    const Route *match(const QString &encodedPath, QStringList *parameters = nullptr) const;

    const QList<Route> &routes() const { return m_routes; }

    static QString methodName(Method method);

private:
    QList<Route> m_routes;
};

} // namespace llmring
