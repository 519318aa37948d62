// SPDX-License-Identifier: MIT

#include "workerloop.h"

#include "database/connectionprovider.h"
#include "database/databaseconnection.h"
#include "guardedtcpserver.h"
#include "service.h"

#include <QHttpServer>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

WorkerLoop::WorkerLoop(Service &service, int socketDescriptor, int index)
    : m_service(service)
    , m_socketDescriptor(socketDescriptor)
    , m_index(index)
{
    setObjectName(QStringLiteral("llmring-worker-%1").arg(index));
}

void WorkerLoop::requestStop(std::chrono::milliseconds gracePeriod)
{
    m_gracePeriodMs = gracePeriod.count();
    m_stopping = true;
    Q_EMIT stopRequested();
}

void WorkerLoop::interruptDatabase()
{
    QMutexLocker locker(&m_connectionMutex);
    if (m_connection)
        m_connection->interrupt();
}

void WorkerLoop::run()
{
    const Settings &settings = m_service.settings();
    DatabaseConnection connection(settings.database, settings.schema, QStringLiteral("llmring-worker-%1").arg(m_index));
    OwnedConnectionProvider connections(connection);
    {
        QMutexLocker locker(&m_connectionMutex);
        m_connection = &connection;
    }
    const auto forgetConnection = qScopeGuard([this] {
        QMutexLocker locker(&m_connectionMutex);
        m_connection = nullptr;
    });

    QHttpServer server;
    // QHttpServer::bind() makes the server the listener's parent, which deletes it.
    auto *listener = new GuardedTcpServer(settings.guardSettings());
    if (!listener->setSocketDescriptor(m_socketDescriptor)) {
        qCCritical(lcHttp).noquote() << "Worker" << m_index << "cannot use its listening socket:"
                                     << listener->errorString();
        delete listener;
        return;
    }
    m_service.registerRoutes(server, connections);
    server.setMissingHandler(Service::missingHandler());
    server.bind(listener);

    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, listener, [this, listener] {
        qCWarning(lcHttp) << "Worker" << m_index << "closing" << listener->openConnections()
                          << "connection(s) that did not finish within the shutdown grace period";
        quit();
    });
    const auto beginShutdown = [this, listener, &deadline] {
        if (deadline.isActive())
            return;
        deadline.start(std::chrono::milliseconds(m_gracePeriodMs.load()));
        listener->beginShutdown();
    };
    connect(listener, &GuardedTcpServer::drained, listener, [this] { quit(); });
    // Queued into this thread: requestStop() is called from the main thread.
    connect(this, &WorkerLoop::stopRequested, listener, beginShutdown);
    if (m_stopping)
        beginShutdown();

    exec();
}

} // namespace llmring
