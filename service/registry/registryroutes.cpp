// SPDX-License-Identifier: MIT

#include "registryroutes.h"

#include "http/jsonresponse.h"
#include "http/requestcontext.h"
#include "http/router.h"
#include "registryclient.h"

#include <QRegularExpression>

namespace llmring {

namespace {

const QByteArray CurrentCacheControl = QByteArrayLiteral("public, max-age=3600");
// A published version never changes.
const QByteArray VersionCacheControl = QByteArrayLiteral("public, max-age=31536000, immutable");

// A comma-separated query value as a list, trimmed, without empty items.
QStringList listParameter(const RequestContext &context, const QString &name)
{
    QStringList items;
    // A repeated parameter counts with its last value, as every other query parameter does.
    const QStringList values = context.query.allQueryItemValues(name, QUrl::FullyDecoded);
    const QString value = values.isEmpty() ? QString() : values.last();
    for (const QString &item : value.split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = item.trimmed();
        if (!trimmed.isEmpty())
            items.append(trimmed);
    }
    return items;
}

// If-None-Match contains "*" or a comma-separated list of entity tags, which RFC 9110
// compares weakly: a W/ prefix is ignored.
bool matchesIfNoneMatch(const RequestContext &context, const QByteArray &etag)
{
    const QByteArray header = context.request.value("If-None-Match").trimmed();
    if (header.isEmpty())
        return false;
    if (header == "*")
        return true;
    for (QByteArray tag : header.split(',')) {
        tag = tag.trimmed();
        if (tag.startsWith("W/"))
            tag = tag.mid(2);
        if (tag == etag)
            return true;
    }
    return false;
}

bool isVersionSegment(const QString &version)
{
    // The version becomes part of the upstream URL path, so only a plain segment is fetched.
    static const QRegularExpression Segment(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return Segment.match(version).hasMatch() && !version.contains(QLatin1String(".."));
}

} // namespace

QHttpServerResponse registryDocumentResponse(const RegistrySnapshot &snapshot, const RequestContext &context,
                                             const QByteArray &cacheControl)
{
    const QStringList providers = listParameter(context, QStringLiteral("providers"));
    const QStringList capabilities = listParameter(context, QStringLiteral("capabilities"));
    const RegistrySnapshot::Document document = snapshot.document(providers, capabilities);

    if (matchesIfNoneMatch(context, document.etag)) {
        // A 304 has no content. Caches copy its headers onto the stored response, so they
        // are those of the 200 it stands for.
        // NOTE: QHttpServer 6.4 always adds "Content-Length: 0", which RFC 9110 allows
        // only when it equals the 200's length; clients ignore it on a 304.
        QHttpServerResponse notModified(QByteArrayLiteral("application/json"), QByteArray(),
                                        QHttpServerResponse::StatusCode::NotModified);
        notModified.setHeader("ETag", document.etag);
        notModified.setHeader("Cache-Control", cacheControl);
        return notModified;
    }
    QHttpServerResponse response(QByteArrayLiteral("application/json"), document.body);
    response.setHeader("ETag", document.etag);
    response.setHeader("Cache-Control", cacheControl);
    return response;
}

RegistryRoutes::RegistryRoutes(RegistryClient &registry)
    : m_registry(registry)
{
}

void RegistryRoutes::registerOn(Router &router) const
{
    const auto current = [this](RequestContext &context) { return currentRegistry(context); };
    router.add(Method::Get, QStringLiteral("/registry"), Access::Public, current);
    router.add(Method::Get, QStringLiteral("/registry.json"), Access::Public, current);
    router.add(Method::Get, QStringLiteral("/registry/v/{version}/registry.json"), Access::Public,
               [this](RequestContext &context) { return versionedRegistry(context); });
}

QHttpServerResponse RegistryRoutes::currentRegistry(RequestContext &context) const
{
    const RegistrySnapshot snapshot = m_registry.current();
    if (snapshot.isEmpty())
        return unavailable(m_registry.secondsUntilNextAttempt());
    return registryDocumentResponse(snapshot, context, CurrentCacheControl);
}

QHttpServerResponse RegistryRoutes::versionedRegistry(RequestContext &context) const
{
    const QString version = context.pathParameters.value(0);
    const QString notFound = QStringLiteral("Registry version not found: %1").arg(version);
    if (!isVersionSegment(version))
        return errorResponse(StatusCode::NotFound, notFound);

    RegistrySnapshot snapshot;
    switch (m_registry.version(version, &snapshot)) {
    case RegistryClient::VersionStatus::Found:
        return registryDocumentResponse(snapshot, context, VersionCacheControl);
    case RegistryClient::VersionStatus::Pending: {
        // A worker never waits for a download, so the client comes back for the result.
        QHttpServerResponse response = errorResponse(
            StatusCode::ServiceUnavailable,
            QStringLiteral("Registry version %1 is being downloaded; retry in a second").arg(version));
        response.setHeader("Retry-After", "1");
        return response;
    }
    case RegistryClient::VersionStatus::NotFound:
        return errorResponse(StatusCode::NotFound, notFound);
    case RegistryClient::VersionStatus::Unavailable:
        break;
    }
    return unavailable(5);
}

QHttpServerResponse RegistryRoutes::unavailable(qint64 retryAfterSeconds) const
{
    QHttpServerResponse response = errorResponse(
        StatusCode::ServiceUnavailable,
        QStringLiteral("Registry unavailable: %1").arg(m_registry.baseUrl().toDisplayString(QUrl::RemoveUserInfo)));
    response.setHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    return response;
}

} // namespace llmring
