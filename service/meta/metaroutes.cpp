// SPDX-License-Identifier: MIT

#include "metaroutes.h"

#include "healthmonitor.h"
#include "http/jsonresponse.h"
#include "http/router.h"

#include <QFile>
#include <QJsonObject>
#include <QMimeDatabase>
#include <QRegularExpression>

namespace llmring {

namespace {

// A check that has not finished by then reports the database as down, so load
// balancers see a hung database as unhealthy instead of waiting on it.
constexpr std::chrono::milliseconds HealthCheckTimeout(2000);

QHttpServerResponse resourceResponse(const QString &path, const QByteArray &mimeType)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return errorResponse(StatusCode::NotFound, QStringLiteral("Not Found"));
    QHttpServerResponse response(mimeType, file.readAll());
    response.setHeader("Cache-Control", "public, max-age=3600");
    return response;
}

} // namespace

MetaRoutes::MetaRoutes(HealthMonitor &health)
    : m_health(health)
{
}

void MetaRoutes::registerServiceRoutes(Router &router) const
{
    router.add(Method::Get, QStringLiteral("/"), Access::Public,
               [this](RequestContext &context) { return serviceInfo(context); });
    router.add(Method::Get, QStringLiteral("/health"), Access::Public,
               [this](RequestContext &context) { return health(context); });
}

void MetaRoutes::registerDocumentationRoutes(Router &router) const
{
    router.add(Method::Get, QStringLiteral("/openapi.json"), Access::Public,
               [this](RequestContext &context) { return openApiDocument(context); });
    router.add(Method::Get, QStringLiteral("/docs"), Access::Public,
               [this](RequestContext &context) { return documentationPage(context); });
    router.add(Method::Get, QStringLiteral("/docs/assets/{file}"), Access::Public,
               [this](RequestContext &context) { return documentationAsset(context); });
}

QHttpServerResponse MetaRoutes::serviceInfo(RequestContext &) const
{
    return jsonResponse(QJsonObject{
        {QStringLiteral("name"), QStringLiteral("LLMRing Server")},
        {QStringLiteral("version"), QStringLiteral(LLMRING_VERSION)},
        {QStringLiteral("docs"), QStringLiteral("/docs")},
        {QStringLiteral("registry"), QStringLiteral("/registry")},
    });
}

QHttpServerResponse MetaRoutes::health(RequestContext &) const
{
    if (m_health.isDatabaseReachable(HealthCheckTimeout)) {
        return jsonResponse(QJsonObject{{QStringLiteral("status"), QStringLiteral("healthy")},
                                        {QStringLiteral("database"), QStringLiteral("connected")}});
    }
    return jsonResponse(QJsonObject{{QStringLiteral("status"), QStringLiteral("unhealthy")},
                                    {QStringLiteral("database"), QStringLiteral("disconnected")}},
                        StatusCode::ServiceUnavailable);
}

QHttpServerResponse MetaRoutes::openApiDocument(RequestContext &) const
{
    return resourceResponse(QStringLiteral(":/openapi/openapi.json"), QByteArrayLiteral("application/json"));
}

QHttpServerResponse MetaRoutes::documentationPage(RequestContext &) const
{
    return resourceResponse(QStringLiteral(":/docs/index.html"), QByteArrayLiteral("text/html; charset=utf-8"));
}

QHttpServerResponse MetaRoutes::documentationAsset(RequestContext &context) const
{
    // Only plain file names, so a path can never leave the assets folder.
    static const QRegularExpression fileName(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    const QString name = context.pathParameters.value(0);
    if (!fileName.match(name).hasMatch() || name.startsWith(u'.'))
        return errorResponse(StatusCode::NotFound, QStringLiteral("Not Found"));
    const QString path = QStringLiteral(":/docs/assets/") + name;
    const QByteArray mimeType = QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchExtension).name().toLatin1();
    return resourceResponse(path, mimeType);
}

} // namespace llmring
