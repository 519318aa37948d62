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
    const QString value = context.query.queryItemValue(name, QUrl::FullyDecoded);
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

    QHttpServerResponse response = matchesIfNoneMatch(context, document.etag)
        ? QHttpServerResponse(QHttpServerResponse::StatusCode::NotModified)
        : QHttpServerResponse(QByteArrayLiteral("application/json"), document.body);
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
        QStringLiteral("Registry unavailable: %1").arg(m_registry.baseUrl().toDisplayString(QUrl::RemovePassword)));
    response.setHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    return response;
}

} // namespace llmring
