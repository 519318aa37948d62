// SPDX-License-Identifier: MIT
// The request data and services a route handler receives.

#pragma once

#include <QHttpServerRequest>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace llmring {

class ConnectionProvider;
class DatabaseConnection;

struct RequestContext
{
    const QHttpServerRequest &request;
    QString requestId;
    // The X-API-Key value, which is the project id; empty on public routes.
    QString projectId;
    // Values of the `{name}` segments of the route pattern, in order.
    QStringList pathParameters;
    QUrlQuery query;
    ConnectionProvider &connections;

    DatabaseConnection &database();
};

} // namespace llmring
