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

    // The calling thread's connection; the first call of a request starts counting its
    // statements, which decides whether a failed request may be run again.
    DatabaseConnection &database();
    // Lets a retried handler count its statements afresh.
    void restartDatabaseUse() { databaseUsed = false; }

    // Set by database(); public only so that the struct stays an aggregate.
    bool databaseUsed = false;
};

} // namespace llmring
