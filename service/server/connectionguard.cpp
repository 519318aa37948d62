// SPDX-License-Identifier: MIT

#include "connectionguard.h"

#include "http/dispatcher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QUuid>

#include <sys/socket.h>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 417:
        return "Expectation Failed";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

} // namespace

QByteArray guardErrorResponse(int status, const QString &detail, const QString &requestId, bool omitBody)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("detail"), detail}}).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\nX-Request-Id: " + requestId.toLatin1() + "\r\n\r\n"
        + (omitBody ? QByteArray() : body);
}

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const GuardSettings &settings)
    : QObject(socket)
    , m_socket(socket)
    , m_settings(settings)
    , m_framer(RequestFramer::Limits{settings.maxHeaderBytes, settings.maxBodyBytes})
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    // Connected before QHttpServer gets the socket, so this slot runs first.
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        m_closing = true;
        m_timer.stop();
        Q_EMIT closed();
    });
    updateTimer();
}

void ConnectionGuard::finishTransaction()
{
    // QHttpServer starts a read transaction on every readyRead and commits it only
    // after a complete request. When it found nothing to read, the transaction is
    // still open and empty, and it must end before bytes can be put back.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
}

void ConnectionGuard::onReadyRead()
{
    if (m_releasing)
        return; // the guard's own emission, for QHttpServer only
    finishTransaction();
    const QByteArray bytes = m_socket->readAll();
    if (m_closing)
        return; // discarded: the connection is closing after a rejection

    m_framer.append(bytes);
    frameBufferedBytes();

    if (!m_inFlight && !m_ready.isEmpty()) {
        // QHttpServer's readyRead slot runs right after this one and reads it.
        release(m_ready.dequeue());
    } else if (!m_inFlight && m_rejection) {
        rejectAndClose(m_rejection->status, m_rejection->detail, m_rejection->omitBody);
        return;
    }
    updateTimer();
}

void ConnectionGuard::frameBufferedBytes()
{
    while (!m_rejection && !m_draining) {
        switch (m_framer.advance()) {
        case RequestFramer::Result::NeedMoreData:
            if (m_framer.expectsContinue() && m_framer.isReadingBody() && !m_continueSent) {
                // curl and others wait for this before sending a body over 1 KiB.
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                m_continueSent = true;
            }
            return;
        case RequestFramer::Result::Complete: {
            const bool closeAfter = m_framer.closeAfterResponse();
            m_ready.enqueue({m_framer.takeRequest(), closeAfter});
            m_continueSent = false;
            if (closeAfter) {
                // Bytes after a request that closes the connection are never served.
                m_draining = true;
                return;
            }
            break;
        }
        case RequestFramer::Result::Rejected:
            m_rejection = m_framer.rejection();
            return;
        }
    }
}

void ConnectionGuard::release(const PendingRequest &request)
{
    finishTransaction();
    // ungetChar() prepends, so the bytes go back last to first.
    for (qsizetype i = request.bytes.size() - 1; i >= 0; --i)
        m_socket->ungetChar(request.bytes.at(i));
    m_inFlight = true;
    m_closeAfterInFlight = request.closeAfterResponse;
    m_timer.stop();
    m_timerPurpose = TimerPurpose::None;
    // Queued, so it runs after QHttpServer's synchronous handler has written the response.
    QMetaObject::invokeMethod(this, &ConnectionGuard::afterResponse, Qt::QueuedConnection);
}

void ConnectionGuard::afterResponse()
{
    // Hands the response to the kernel now, as much of it as the kernel takes. Qt closes
    // a socket as soon as it reads the client's FIN and drops what it has not written,
    // so a client that shuts down its sending side after the request would otherwise
    // never get the response. This posted call runs before the event loop's next socket
    // notification, the one that could read that FIN.
    m_socket->flush();
    m_inFlight = false;
    if (m_closing)
        return;
    if (m_closeAfterInFlight) {
        closeAfterFlush();
        return;
    }
    if (!m_ready.isEmpty()) {
        release(m_ready.dequeue());
        // The bytes are already buffered, so no readyRead will come from the network:
        // emit it for QHttpServer, whose slot parses only then.
        m_releasing = true;
        Q_EMIT m_socket->readyRead();
        m_releasing = false;
        return;
    }
    if (m_rejection) {
        rejectAndClose(m_rejection->status, m_rejection->detail, m_rejection->omitBody);
        return;
    }
    if (m_draining) {
        closeAfterFlush();
        return;
    }
    updateTimer();
}

void ConnectionGuard::drain()
{
    // A request that already arrived counts as received even when the event loop has
    // not read it yet: read it now, so that its response is sent before the connection closes.
    if (!m_inFlight && !m_closing && !m_draining)
        m_socket->waitForReadyRead(0);
    m_draining = true;
    if (!m_inFlight && m_ready.isEmpty() && !m_closing)
        closeAfterFlush();
}

void ConnectionGuard::rejectAndClose(int status, const QString &detail, bool omitBody)
{
    const QString requestId = requestIdFromHeader(m_framer.requestIdHeader());
    qCInfo(lcHttp).noquote() << "Rejected a request from" << m_socket->peerAddress().toString() << "with" << status
                             << detail << QStringLiteral("rid=%1").arg(requestId);
    m_socket->write(guardErrorResponse(status, detail, requestId, omitBody));
    closeAfterFlush();
}

void ConnectionGuard::closeAfterFlush()
{
    m_closing = true;
    m_ready.clear();
    // Half-close once the response is out, then discard what the client still sends
    // for a moment: closing with unread bytes makes the kernel send a reset, which can
    // destroy the response before the client reads it.
    const auto shutDownWrites = [this] {
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        m_timerPurpose = TimerPurpose::Linger;
        m_timer.start(m_settings.lingerTimeout);
    };
    if (m_socket->bytesToWrite() == 0) {
        m_socket->flush();
        shutDownWrites();
        return;
    }
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this, shutDownWrites] {
        if (m_socket->bytesToWrite() == 0 && m_timerPurpose != TimerPurpose::Linger)
            shutDownWrites();
    });
}

void ConnectionGuard::onTimeout()
{
    switch (m_timerPurpose) {
    case TimerPurpose::Headers:
        rejectAndClose(408, QStringLiteral("Request headers not received within %1 s")
                                .arg(m_settings.headerTimeout.count() / 1000.0));
        return;
    case TimerPurpose::Idle:
    case TimerPurpose::Linger:
        m_socket->abort();
        return;
    case TimerPurpose::None:
        return;
    }
}

void ConnectionGuard::updateTimer()
{
    if (m_inFlight || m_closing)
        return;
    if (m_framer.isReadingHeaders()) {
        // Measured from the request's first byte, not reset by later bytes, so a client
        // sending one byte at a time cannot hold the connection.
        if (m_timerPurpose != TimerPurpose::Headers) {
            m_timerPurpose = TimerPurpose::Headers;
            m_timer.start(m_settings.headerTimeout);
        }
        return;
    }
    // Idle between requests, or between reads of a body.
    m_timerPurpose = TimerPurpose::Idle;
    m_timer.start(m_settings.idleTimeout);
}

} // namespace llmring
