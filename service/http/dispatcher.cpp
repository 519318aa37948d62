// SPDX-License-Identifier: MIT

#include "dispatcher.h"

#include "apikey.h"
#include "database/connectionprovider.h"
#include "database/databaseerror.h"
#include "jsonresponse.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

Q_LOGGING_CATEGORY(lcHttp, "llmring.http")

namespace llmring {

QString requestIdFor(const QHttpServerRequest &request)
{
    return requestIdFromHeader(request.value("X-Request-Id"));
}

QString requestIdFromHeader(const QByteArray &value)
{
    const QByteArray given = value.trimmed();
    const bool usable = !given.isEmpty() && given.size() <= 128
        && std::all_of(given.cbegin(), given.cend(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (usable)
        return QString::fromLatin1(given);
    return QUuid::createUuid().toString(QUuid::Id128);
}

void logAccess(const QHttpServerRequest &request, int status, qint64 elapsedMicroseconds,
               const QString &requestId, const QString &projectId)
{
    const QString key = projectId.isEmpty() ? QStringLiteral("-") : apiKeyFingerprint(projectId);
    qCInfo(lcHttp).noquote() << Router::methodName(request.method()) << request.url().path(QUrl::FullyEncoded)
                             << status << QStringLiteral("%1ms").arg(elapsedMicroseconds / 1000.0, 0, 'f', 1)
                             << QStringLiteral("rid=%1").arg(requestId) << QStringLiteral("key=%1").arg(key);
}

QHttpServerResponse notFoundResponse(const QHttpServerRequest &request, const QString &requestId)
{
    Q_UNUSED(request);
    QHttpServerResponse response = errorResponse(StatusCode::NotFound, QStringLiteral("Not Found"));
    response.setHeader("X-Request-Id", requestId.toLatin1());
    return response;
}

Dispatcher::Dispatcher(const Router &router, const CorsPolicy &cors, ConnectionProvider &connections)
    : m_router(router)
    , m_cors(cors)
    , m_connections(connections)
{
}

QHttpServerResponse Dispatcher::dispatch(const QHttpServerRequest &request) const
{
    QElapsedTimer timer;
    timer.start();
    const QString requestId = requestIdFor(request);
    QString projectId;

    QHttpServerResponse response = route(request, requestId, &projectId);
    response.setHeader("X-Request-Id", requestId.toLatin1());
    m_cors.decorate(request, response);

    logAccess(request, int(response.statusCode()), timer.nsecsElapsed() / 1000, requestId, projectId);
    return response;
}

QHttpServerResponse Dispatcher::route(const QHttpServerRequest &request, const QString &requestId,
                                      QString *projectId) const
{
    QStringList parameters;
    const Route *route = m_router.match(request.url().path(QUrl::FullyEncoded), &parameters);
    if (!route)
        return errorResponse(StatusCode::NotFound, QStringLiteral("Not Found"));

    if (m_cors.isPreflight(request))
        return m_cors.preflightResponse(request, route->allowedMethods());

    const Endpoint *endpoint = route->endpoint(request.method());
    if (!endpoint) {
        QHttpServerResponse response = errorResponse(StatusCode::MethodNotAllowed, QStringLiteral("Method Not Allowed"));
        response.setHeader("Allow", route->allowedMethods());
        return response;
    }

    if (endpoint->access == Access::Project) {
        HttpError error;
        const auto key = projectIdFromApiKey(request.value("X-API-Key"), &error);
        if (!key)
            return errorResponse(error);
        *projectId = *key;
    }

    RequestContext context{request, requestId, *projectId, parameters, request.query(), m_connections};
    return runHandler(*endpoint, context);
}

QHttpServerResponse Dispatcher::runHandler(const Endpoint &endpoint, RequestContext &context) const
{
    try {
        try {
            return endpoint.handler(context);
        } catch (const DatabaseError &error) {
            // A connection that PostgreSQL ended while idle (a restart) fails on first
            // use without running anything, so the request runs once more on a new one.
            if (!error.isSafeToRetry())
                throw;
            context.restartDatabaseUse();
            return endpoint.handler(context);
        }
    } catch (const DatabaseError &error) {
        if (error.kind() == DatabaseError::Kind::Unavailable) {
            qCWarning(lcHttp).noquote() << "Database unavailable for request" << context.requestId << ":"
                                        << error.message();
            return errorResponse(StatusCode::ServiceUnavailable, QStringLiteral("Database unavailable"));
        }
        qCCritical(lcHttp).noquote() << "Request" << context.requestId << "failed:" << error.what();
    } catch (const std::exception &error) {
        qCCritical(lcHttp).noquote() << "Request" << context.requestId << "failed:" << error.what();
    }
    return jsonResponse(QJsonObject{{QStringLiteral("detail"), QStringLiteral("Internal server error")},
                                    {QStringLiteral("request_id"), context.requestId}},
                        StatusCode::InternalServerError);
}

} // namespace llmring
