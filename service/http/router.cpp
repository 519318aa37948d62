// SPDX-License-Identifier: MIT

#include "router.h"

#include <QUrl>

namespace llmring {

namespace {

QStringList splitPath(const QString &path)
{
    QString trimmed = path;
    if (trimmed.size() > 1 && trimmed.endsWith(u'/'))
        trimmed.chop(1);
    QStringList segments = trimmed.split(u'/');
    segments.removeFirst(); // the empty text before the leading '/'
    if (segments == QStringList{QString()})
        segments.clear(); // the root path "/"
    return segments;
}

bool isParameter(const QString &segment)
{
    return segment.startsWith(u'{') && segment.endsWith(u'}');
}

} // namespace

const Endpoint *Route::endpoint(Method method) const
{
    for (const Endpoint &candidate : endpoints) {
        if (candidate.method == method)
            return &candidate;
    }
    return nullptr;
}

QByteArray Route::allowedMethods() const
{
    QStringList names;
    for (const Endpoint &candidate : endpoints)
        names.append(Router::methodName(candidate.method));
    return names.join(QStringLiteral(", ")).toLatin1();
}

void Router::add(Method method, const QString &pattern, Access access, Handler handler)
{
    for (Route &route : m_routes) {
        if (route.pattern == pattern) {
            Q_ASSERT_X(!route.endpoint(method), "Router::add", "method registered twice");
            route.endpoints.append({method, access, std::move(handler)});
            return;
        }
    }
    m_routes.append({pattern, splitPath(pattern), {{method, access, std::move(handler)}}});
}

const Route *Router::match(const QString &encodedPath, QStringList *parameters) const
{
    if (!encodedPath.startsWith(u'/'))
        return nullptr;
    const QStringList segments = splitPath(encodedPath);

    // Literal segments win over parameters, so `/conversations/log` is not taken as
    // the conversation with id "log": among matching routes, the one with the most
    // literal segments is chosen.
    const Route *best = nullptr;
    int bestLiterals = -1;
    for (const Route &route : m_routes) {
        if (route.segments.size() != segments.size())
            continue;
        int literals = 0;
        bool matches = true;
        for (qsizetype i = 0; i < segments.size() && matches; ++i) {
            if (isParameter(route.segments.at(i)))
                matches = !segments.at(i).isEmpty();
            else if (route.segments.at(i) == segments.at(i))
                ++literals;
            else
                matches = false;
        }
        if (matches && literals > bestLiterals) {
            best = &route;
            bestLiterals = literals;
        }
    }

    if (best && parameters) {
        parameters->clear();
        for (qsizetype i = 0; i < segments.size(); ++i) {
            if (isParameter(best->segments.at(i)))
                parameters->append(QUrl::fromPercentEncoding(segments.at(i).toUtf8()));
        }
    }
    return best;
}

QString Router::methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return QStringLiteral("GET");
    case Method::Put:
        return QStringLiteral("PUT");
    case Method::Delete:
        return QStringLiteral("DELETE");
    case Method::Post:
        return QStringLiteral("POST");
    case Method::Head:
        return QStringLiteral("HEAD");
    case Method::Options:
        return QStringLiteral("OPTIONS");
    case Method::Patch:
        return QStringLiteral("PATCH");
    case Method::Connect:
        return QStringLiteral("CONNECT");
    case Method::Trace:
        return QStringLiteral("TRACE");
    case Method::Unknown:
    case Method::AnyKnown:
        break;
    }
    return QStringLiteral("UNKNOWN");
}

} // namespace llmring
