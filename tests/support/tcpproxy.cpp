// SPDX-License-Identifier: MIT

#include "tcpproxy.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace llmring::test {

namespace {

// One client connection and its onward connection to the target.
class ProxyLink final : public QObject
{
public:
    ProxyLink(QTcpSocket *client, quint16 targetPort, bool frozen, QObject *parent)
        : QObject(parent)
        , m_client(client)
        , m_targetPort(targetPort)
        , m_frozen(frozen)
    {
        m_client->setParent(this);
        connect(m_client, &QTcpSocket::readyRead, this, &ProxyLink::pump);
        connect(m_client, &QTcpSocket::disconnected, this, [this] {
            m_clientClosed = true;
            pump();
        });
        // A frozen proxy keeps the connection without connecting onward, like a
        // server whose kernel accepted it but whose process never responds.
        if (!m_frozen)
            connectUpstream();
    }

    void setFrozen(bool frozen)
    {
        m_frozen = frozen;
        if (!m_frozen && m_upstream == nullptr)
            connectUpstream();
        pump();
    }

    void reset()
    {
        m_finished = true;
        m_client->abort();
        if (m_upstream != nullptr)
            m_upstream->abort();
        deleteLater();
    }

private:
    void connectUpstream()
    {
        if (m_clientClosed) {
            finish();
            return;
        }
        m_upstream = new QTcpSocket(this);
        connect(m_upstream, &QTcpSocket::connected, this, &ProxyLink::pump);
        connect(m_upstream, &QTcpSocket::readyRead, this, &ProxyLink::pump);
        connect(m_upstream, &QTcpSocket::disconnected, this, [this] {
            m_upstreamClosed = true;
            pump();
        });
        // A refused connection never emits disconnected(), only this.
        connect(m_upstream, &QTcpSocket::errorOccurred, this, [this] {
            if (m_upstream->state() != QAbstractSocket::ConnectedState) {
                m_upstreamClosed = true;
                pump();
            }
        });
        m_upstream->connectToHost(QHostAddress(QHostAddress::LocalHost), m_targetPort);
    }

    // Forwards what both sides sent, then passes on a close once its side's bytes are out.
    void pump()
    {
        if (m_frozen || m_finished)
            return;
        const bool upstreamConnected = m_upstream != nullptr && m_upstream->state() == QAbstractSocket::ConnectedState;
        if (upstreamConnected && m_client->bytesAvailable() > 0)
            m_upstream->write(m_client->readAll());
        if (m_upstream != nullptr && m_upstream->bytesAvailable() > 0
            && m_client->state() == QAbstractSocket::ConnectedState) {
            m_client->write(m_upstream->readAll());
        }

        if (m_clientClosed && !upstreamConnected) {
            finish();
            return;
        }
        if (m_clientClosed)
            m_upstream->disconnectFromHost();
        if (m_upstreamClosed && !m_clientClosed)
            m_client->disconnectFromHost();
        if (m_clientClosed && m_upstreamClosed)
            finish();
    }

    void finish()
    {
        m_finished = true;
        deleteLater();
    }

    QTcpSocket *m_client;
    QTcpSocket *m_upstream = nullptr;
    quint16 m_targetPort;
    bool m_frozen;
    bool m_clientClosed = false;
    bool m_upstreamClosed = false;
    bool m_finished = false;
};

} // namespace

// The listening side of TcpProxy, which lives on the proxy thread.
class ProxyRelay final : public QObject
{
public:
    explicit ProxyRelay(quint16 targetPort)
        : m_targetPort(targetPort)
        , m_server(new QTcpServer(this))
    {
        connect(m_server, &QTcpServer::newConnection, this, &ProxyRelay::acceptConnections);
    }

    bool listen(quint16 *port, QString *error)
    {
        if (!m_server->listen(QHostAddress(QHostAddress::LocalHost), 0)) {
            *error = QStringLiteral("the test proxy cannot listen on 127.0.0.1: %1").arg(m_server->errorString());
            return false;
        }
        *port = m_server->serverPort();
        return true;
    }

    void setFrozen(bool frozen)
    {
        m_frozen = frozen;
        // Links delete themselves when both sides have closed, which clears their QPointer.
        m_links.removeAll(nullptr);
        const QList<QPointer<ProxyLink>> links = m_links;
        for (const QPointer<ProxyLink> &link : links) {
            if (link)
                link->setFrozen(frozen);
        }
    }

    void resetConnections()
    {
        const QList<QPointer<ProxyLink>> links = m_links;
        m_links.clear();
        for (const QPointer<ProxyLink> &link : links) {
            if (link)
                link->reset();
        }
    }

private:
    void acceptConnections()
    {
        while (QTcpSocket *client = m_server->nextPendingConnection())
            m_links.append(new ProxyLink(client, m_targetPort, m_frozen, this));
    }

    quint16 m_targetPort;
    QTcpServer *m_server;
    QList<QPointer<ProxyLink>> m_links;
    bool m_frozen = false;
};

TcpProxy::TcpProxy(quint16 targetPort)
    : m_targetPort(targetPort)
{
    m_thread.setObjectName(QStringLiteral("test-tcp-proxy"));
}

TcpProxy::~TcpProxy()
{
    if (m_relay != nullptr) {
        // Posted to the proxy thread, which deletes it (and every connection) before it ends.
        m_relay->deleteLater();
        m_relay = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

bool TcpProxy::start(QString *error)
{
    m_relay = new ProxyRelay(m_targetPort);
    m_relay->moveToThread(&m_thread);
    m_thread.start();

    bool listening = false;
    QMetaObject::invokeMethod(
        m_relay, [this, &listening, error] { listening = m_relay->listen(&m_port, error); },
        Qt::BlockingQueuedConnection);
    return listening;
}

void TcpProxy::freeze()
{
    setFrozen(true);
}

void TcpProxy::resume()
{
    setFrozen(false);
}

void TcpProxy::resetConnections()
{
    if (m_relay == nullptr)
        return;
    QMetaObject::invokeMethod(m_relay, [this] { m_relay->resetConnections(); }, Qt::BlockingQueuedConnection);
}

void TcpProxy::setFrozen(bool frozen)
{
    if (m_relay == nullptr)
        return;
    QMetaObject::invokeMethod(m_relay, [this, frozen] { m_relay->setFrozen(frozen); }, Qt::BlockingQueuedConnection);
}

} // namespace llmring::test
