// SPDX-License-Identifier: MIT

#include "workerloop.h"

#include "database/connectionprovider.h"
#include "database/databaseconnection.h"
#include "service.h"

#include <QHttpServer>
#include <QLoggingCategory>
#include <QTcpServer>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

WorkerLoop::WorkerLoop(Service &service, int socketDescriptor, int index)
    : m_service(service)
    , m_socketDescriptor(socketDescriptor)
    , m_index(index)
{
    setObjectName(QStringLiteral("llmring-worker-%1").arg(index));
}

void WorkerLoop::run()
{
    const Settings &settings = m_service.settings();
    DatabaseConnection connection(settings.database, settings.schema, QStringLiteral("llmring-worker-%1").arg(m_index));
    OwnedConnectionProvider connections(connection);

    QHttpServer server;
    // QHttpServer::bind() makes the server the socket's parent, which deletes it.
    auto *listener = new QTcpServer;
    if (!listener->setSocketDescriptor(m_socketDescriptor)) {
        qCCritical(lcHttp).noquote() << "Worker" << m_index << "cannot use its listening socket:"
                                     << listener->errorString();
        delete listener;
        return;
    }
    m_service.registerRoutes(server, connections);
    server.setMissingHandler(Service::missingHandler());
    server.bind(listener);

    exec();
}

} // namespace llmring
