// SPDX-License-Identifier: MIT
// The registry endpoints: GET /registry, /registry.json and /registry/v/{version}/registry.json.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class RegistryClient;
class RegistrySnapshot;
class Router;
struct RequestContext;

// Serves snapshots of `registry`, which must outlive this object. The current registry
// comes from memory without waiting, and RegistryClient describes how versions load.
class RegistryRoutes
{
public:
    explicit RegistryRoutes(RegistryClient &registry);

    void registerOn(Router &router) const;

    QHttpServerResponse currentRegistry(RequestContext &context) const;
    QHttpServerResponse versionedRegistry(RequestContext &context) const;

private:
    QHttpServerResponse unavailable(qint64 retryAfterSeconds) const;

    RegistryClient &m_registry;
};

// The registry document for `snapshot` filtered by the request's `providers` and
// `capabilities`, with its ETag and `cacheControl`; 304 without a body when the
// request's If-None-Match names that ETag.
QHttpServerResponse registryDocumentResponse(const RegistrySnapshot &snapshot, const RequestContext &context,
                                             const QByteArray &cacheControl);

} // namespace llmring
