// SPDX-License-Identifier: MIT
// The service as a library: what a host program or the standalone server installs.

#pragma once

#include "app/settings.h"

#include <QHttpServer>

#include <memory>

namespace llmring {

class ConnectionProvider;
class ConversationRoutes;
class McpCatalogRoutes;
class McpServerRoutes;
class McpToolRoutes;
class MessageRoutes;
class CorsPolicy;
class HealthMonitor;
class MetaRoutes;
class PerThreadConnectionProvider;
class ReceiptRoutes;
class RegistryClient;
class RegistryRoutes;
class Router;
class TemplateRoutes;
class UsageRoutes;

struct ServiceOptions
{
    Settings settings;
    // Apply pending migrations in create(); a host that runs them itself passes false.
    bool runMigrations = true;
    // Register GET / and GET /health.
    bool includeMetaRoutes = true;
    // Register GET /openapi.json, GET /docs and the documentation assets.
    bool includeDocumentationRoutes = true;
};

// The service's routes, their handlers and what they share. Library mode:
//
//     QString error;
//     auto service = llmring::Service::create(options, &error);
//     service->registerRoutes(hostServer);               // beside the host's routes
//     hostServer.setMissingHandler(service->missingHandler()); // optional JSON 404
//
// Handlers then run on the host's threads, each with a database connection opened
// for that thread. The Service must outlive every QHttpServer it registered on.
class Service
{
public:
    // Builds the service and, if asked, migrates the database first. Returns nullptr
    // with *error when the database cannot be reached or a migration fails.
    static std::unique_ptr<Service> create(const ServiceOptions &options, QString *error);
    ~Service();

    // Library mode: connections per host thread.
    void registerRoutes(QHttpServer &server);
    // A standalone worker loop: every request of `server` uses `connections`, which
    // must outlive `server`. Safe to call from several threads at once.
    void registerRoutes(QHttpServer &server, ConnectionProvider &connections);

    // A missing-route handler that returns {"detail": "Not Found"} with X-Request-Id,
    // for hosts that want the service's JSON 404 on every unknown path.
    static QHttpServer::MissingHandler missingHandler();

    const Router &router() const { return *m_router; }
    const Settings &settings() const { return m_settings; }
    // The registry copy that GET /registry serves and that prices usage logs.
    RegistryClient &registry() { return *m_registry; }

private:
    explicit Service(const ServiceOptions &options);

    Settings m_settings;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<CorsPolicy> m_cors;
    std::unique_ptr<HealthMonitor> m_health;
    std::unique_ptr<RegistryClient> m_registry;
    std::unique_ptr<MetaRoutes> m_metaRoutes;
    std::unique_ptr<UsageRoutes> m_usageRoutes;
    std::unique_ptr<ReceiptRoutes> m_receiptRoutes;
    std::unique_ptr<RegistryRoutes> m_registryRoutes;
    std::unique_ptr<TemplateRoutes> m_templateRoutes;
    std::unique_ptr<ConversationRoutes> m_conversationRoutes;
    std::unique_ptr<MessageRoutes> m_messageRoutes;
    std::unique_ptr<McpServerRoutes> m_mcpServerRoutes;
    std::unique_ptr<McpToolRoutes> m_mcpToolRoutes;
    std::unique_ptr<McpCatalogRoutes> m_mcpCatalogRoutes;
    std::unique_ptr<PerThreadConnectionProvider> m_libraryConnections;
};

// Applies pending migrations on a connection opened for this call. Returns false with
// *error on failure. `onApplying` is called with each migration's name before it runs.
bool migrateDatabase(const Settings &settings, QString *error,
                     const std::function<void(const QString &name)> &onApplying = {});

} // namespace llmring
