// SPDX-License-Identifier: MIT

#include "rawhttpclient.h"

#include <QDeadlineTimer>
#include <QTcpSocket>

namespace llmring::test {

// Takes one complete response (with a Content-Length body) off the front of `buffer`.
std::optional<HttpResponse> takeResponse(QByteArray &buffer)
{
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return std::nullopt;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    HttpResponse response;
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    response.status = statusLine.value(1).toInt();
    qsizetype contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        response.headers.append({name, value});
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            contentLength = value.toLongLong();
    }
    const qsizetype total = headerEnd + 4 + contentLength;
    if (buffer.size() < total)
        return std::nullopt;
    response.body = buffer.mid(headerEnd + 4, contentLength);
    buffer.remove(0, total);
    return response;
}

RawExchange rawExchange(quint16 port, const QByteArray &request, int expectedResponses, int timeoutMs)
{
    RawExchange exchange;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    if (!socket.waitForConnected(timeoutMs))
        return exchange;
    socket.write(request);
    socket.flush();

    QByteArray buffer;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && exchange.responses.size() < expectedResponses) {
        if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0) {
            exchange.closedByServer = true;
            break;
        }
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())))) {
            if (socket.state() != QAbstractSocket::ConnectedState)
                exchange.closedByServer = true;
            if (exchange.closedByServer || deadline.hasExpired())
                break;
            continue;
        }
        buffer += socket.readAll();
        while (const auto response = takeResponse(buffer))
            exchange.responses.append(*response);
    }
    exchange.unparsed = buffer;
    return exchange;
}

} // namespace llmring::test
