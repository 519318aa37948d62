// SPDX-License-Identifier: MIT

#include "service.h"

#include "conversations/conversationroutes.h"
#include "conversations/messageroutes.h"
#include "mcp/mcpcatalogroutes.h"
#include "mcp/mcpserverroutes.h"
#include "mcp/mcptoolroutes.h"
#include "database/connectionprovider.h"
#include "database/databaseconnection.h"
#include "database/databaseerror.h"
#include "database/migrator.h"
#include "http/apirouterule.h"
#include "http/corspolicy.h"
#include "http/dispatcher.h"
#include "http/router.h"
#include "meta/healthmonitor.h"
#include "meta/metaroutes.h"
#include "receipts/receiptroutes.h"
#include "registry/registryclient.h"
#include "registry/registryroutes.h"
#include "templates/templateroutes.h"
#include "usage/usageroutes.h"

#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

bool migrateDatabase(const Settings &settings, QString *error,
                     const std::function<void(const QString &name)> &onApplying)
{
    const auto migrations = Migration::loadFolder(QStringLiteral(":/migrations"), error);
    if (!migrations)
        return false;
    try {
        DatabaseConnection connection(settings.database, settings.schema, QStringLiteral("llmring-migrations"));
        Migrator migrator(connection, *migrations);
        const auto applied = migrator.apply(error, [&onApplying](const Migration &migration) {
            if (onApplying)
                onApplying(migration.name);
        });
        return applied.has_value();
    } catch (const DatabaseError &databaseError) {
        *error = QStringLiteral("cannot migrate %1: %2").arg(settings.database.redacted(), databaseError.message());
        return false;
    }
}

Service::Service(const ServiceOptions &options)
    : m_settings(options.settings)
    , m_router(std::make_unique<Router>())
    , m_cors(std::make_unique<CorsPolicy>(options.settings.corsOrigins))
    , m_health(std::make_unique<HealthMonitor>(options.settings.database, options.settings.schema))
    , m_registry(std::make_unique<RegistryClient>(options.settings.registry))
    , m_metaRoutes(std::make_unique<MetaRoutes>(*m_health))
    , m_usageRoutes(std::make_unique<UsageRoutes>(options.settings.maxBodyBytes, *m_registry))
    , m_receiptRoutes(std::make_unique<ReceiptRoutes>(options.settings.receiptKeys, options.settings.maxBodyBytes))
    , m_registryRoutes(std::make_unique<RegistryRoutes>(*m_registry))
    , m_templateRoutes(std::make_unique<TemplateRoutes>(options.settings.maxBodyBytes))
    , m_conversationRoutes(
          std::make_unique<ConversationRoutes>(options.settings.maxBodyBytes, options.settings.conversations))
    , m_messageRoutes(std::make_unique<MessageRoutes>(options.settings.maxBodyBytes, options.settings.conversations,
                                                      *m_registry))
    , m_mcpServerRoutes(std::make_unique<McpServerRoutes>(options.settings.maxBodyBytes))
    , m_mcpToolRoutes(std::make_unique<McpToolRoutes>(options.settings.maxBodyBytes))
    , m_mcpCatalogRoutes(std::make_unique<McpCatalogRoutes>(options.settings.maxBodyBytes))
{
    if (options.includeMetaRoutes)
        m_metaRoutes->registerServiceRoutes(*m_router);
    if (options.includeDocumentationRoutes)
        m_metaRoutes->registerDocumentationRoutes(*m_router);
    m_usageRoutes->registerOn(*m_router);
    m_receiptRoutes->registerOn(*m_router);
    m_registryRoutes->registerOn(*m_router);
    m_templateRoutes->registerOn(*m_router);
    m_conversationRoutes->registerOn(*m_router);
    m_messageRoutes->registerOn(*m_router);
    m_mcpServerRoutes->registerOn(*m_router);
    m_mcpToolRoutes->registerOn(*m_router);
    m_mcpCatalogRoutes->registerOn(*m_router);
}

Service::~Service() = default;

std::unique_ptr<Service> Service::create(const ServiceOptions &options, QString *error)
{
    if (options.runMigrations && !migrateDatabase(options.settings, error))
        return nullptr;
    return std::unique_ptr<Service>(new Service(options));
}

void Service::registerRoutes(QHttpServer &server)
{
    if (!m_libraryConnections) {
        m_libraryConnections = std::make_unique<PerThreadConnectionProvider>(
            m_settings.database, m_settings.schema, QStringLiteral("llmring-library"));
    }
    registerRoutes(server, *m_libraryConnections);
}

void Service::registerRoutes(QHttpServer &server, ConnectionProvider &connections)
{
    // The route owns its dispatcher, so it lives exactly as long as the server.
    auto dispatcher = std::make_shared<const Dispatcher>(*m_router, *m_cors, connections);
    server.route<ApiRouteRule>(QStringLiteral("/"), m_router.get(), [dispatcher](const QHttpServerRequest &request) {
        return dispatcher->dispatch(request);
    });
}

QHttpServer::MissingHandler Service::missingHandler()
{
    return [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QString requestId = requestIdFor(request);
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("detail"), QStringLiteral("Not Found")}}).toJson(QJsonDocument::Compact);
        responder.write(body,
                        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                         {QByteArrayLiteral("X-Request-Id"), requestId.toLatin1()}},
                        QHttpServerResponder::StatusCode::NotFound);
        logAccess(request, 404, 0, requestId, QString());
    };
}

} // namespace llmring
