// SPDX-License-Identifier: MIT

#include "cannedhttpserver.h"

#include <QList>
#include <QTcpSocket>

namespace llmring::test {

CannedHttpServer::CannedHttpServer()
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        }
    });
}

bool CannedHttpServer::listen()
{
    return m_server.listen(QHostAddress(QHostAddress::LocalHost), 0);
}

QUrl CannedHttpServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
}

void CannedHttpServer::read(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    if (!buffer.contains("\r\n\r\n"))
        return;
    ++m_requests;
    if (m_silent) {
        buffer.clear();
        return;
    }
    const QList<QByteArray> requestLine = buffer.left(buffer.indexOf("\r\n")).split(' ');
    const QString path = requestLine.size() > 1 ? QString::fromLatin1(requestLine.at(1).split('?').first()) : QString();
    buffer.clear();

    if (path == m_stopPath) {
        m_server.close();
        for (QTcpSocket *open : findChildren<QTcpSocket *>())
            open->abort();
        return;
    }
    const CannedResponse response = m_responses.value(path, m_defaultResponse);
    QByteArray bytes = "HTTP/1.1 " + QByteArray::number(response.status) + " Canned\r\n";
    bytes += "Content-Type: " + response.contentType + "\r\n";
    bytes += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    bytes += "Connection: close\r\n\r\n";
    bytes += response.body;
    socket->write(bytes);
    socket->disconnectFromHost();
}

quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress(QHostAddress::LocalHost), 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace llmring::test
