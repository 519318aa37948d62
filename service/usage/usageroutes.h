// SPDX-License-Identifier: MIT
// The usage endpoints: POST /api/v1/log, GET /api/v1/stats, GET /api/v1/logs.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class RegistryClient;
class Router;
struct RequestContext;

class UsageRoutes
{
public:
    // Logs without a cost are priced from `registry`'s current snapshot, which must
    // outlive this object.
    UsageRoutes(qint64 maxBodyBytes, const RegistryClient &registry);

    void registerOn(Router &router) const;

    QHttpServerResponse logUsage(RequestContext &context) const;
    QHttpServerResponse stats(RequestContext &context) const;
    QHttpServerResponse listLogs(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
    const RegistryClient &m_registry;
};

} // namespace llmring
