// SPDX-License-Identifier: MIT

#include "guardedtcpserver.h"

#include "connectionguard.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QUuid>

#include <atomic>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

namespace {

// Shared by every worker loop, because the cap is per process.
std::atomic<int> processConnectionCount{0};

} // namespace

GuardedTcpServer::GuardedTcpServer(const GuardSettings &settings, QObject *parent)
    : QTcpServer(parent)
    , m_settings(settings)
{
}

int GuardedTcpServer::processConnections()
{
    return processConnectionCount.load();
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        qCWarning(lcHttp).noquote() << "Cannot take an accepted connection:" << socket->errorString();
        delete socket;
        return;
    }
    // QHttpServer writes a response's headers and body in separate writes. With Nagle's
    // algorithm on, a body's last segment then waits for the client's delayed ACK, which
    // added 40 ms to responses of a few tens of kilobytes.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    if (processConnectionCount.fetch_add(1) >= m_settings.maxConnections || m_shuttingDown) {
        processConnectionCount.fetch_sub(1);
        const QString detail = m_shuttingDown ? QStringLiteral("Server is shutting down")
                                              : QStringLiteral("Too many open connections (max %1); retry later")
                                                    .arg(m_settings.maxConnections);
        qCWarning(lcHttp).noquote() << "Refused a connection from" << socket->peerAddress().toString() << ":"
                                    << detail;
        socket->write(guardErrorResponse(503, detail, QUuid::createUuid().toString(QUuid::Id128)));
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        return;
    }

    ++m_openConnections;
    // The socket is the context, not this server. QObject removes a server's connections
    // before it deletes its child sockets, so sockets still open when the server is
    // destroyed would never be subtracted.
    connect(socket, &QObject::destroyed, socket, [] { processConnectionCount.fetch_sub(1); });
    auto *guard = new ConnectionGuard(socket, m_settings);
    connect(guard, &ConnectionGuard::closed, this, &GuardedTcpServer::onGuardClosed);
    addPendingConnection(socket);
}

void GuardedTcpServer::onGuardClosed()
{
    --m_openConnections;
    if (m_shuttingDown && m_openConnections == 0)
        Q_EMIT drained();
}

void GuardedTcpServer::beginShutdown()
{
    m_shuttingDown = true;
    // Connections already in the listen queue would be reset by close(); accepting them
    // first gives each a 503 "Server is shutting down" instead.
    // Bounded, so that clients connecting faster than this loop cannot hold it.
    for (int accepted = 0; accepted < m_settings.maxConnections && waitForNewConnection(0); ++accepted) {
    }
    close();
    const QList<ConnectionGuard *> guards = findChildren<ConnectionGuard *>();
    for (ConnectionGuard *guard : guards)
        guard->drain();
    if (m_openConnections == 0)
        Q_EMIT drained();
}

} // namespace llmring
