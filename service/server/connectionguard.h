// SPDX-License-Identifier: MIT
// Reads a client connection's bytes before QHttpServer does.

#pragma once

#include "guardsettings.h"
#include "requestframer.h"

#include <QByteArray>
#include <QObject>
#include <QQueue>
#include <QTimer>

#include <optional>

class QTcpSocket;

namespace llmring {

// Owns the framing of one connection. QHttpServer 6.4 buffers any body whole, has no
// timeouts, ignores `Connection: close` and accepts conflicting `Content-Length`
// headers. So the guard reads the socket first, because its readyRead slot is connected
// before QHttpServer's, and hands QHttpServer exactly one complete, validated request at
// a time. It puts the request's bytes back into the socket's read buffer, from where
// QHttpServer's slot, which runs next, reads them.
//
// Rejected requests get a JSON error (400, 408, 413, 417, 431, 501, 505) and the
// connection is closed. Requests wait in order, so pipelined responses stay in order.
class ConnectionGuard final : public QObject
{
    Q_OBJECT

public:
    // Becomes a child of `socket`, which must not have been handed to QHttpServer yet.
    ConnectionGuard(QTcpSocket *socket, const GuardSettings &settings);

    // Stops taking new requests: the connection closes once the requests already
    // received have their responses (at once when it is idle).
    void drain();
    bool isClosing() const { return m_closing; }

Q_SIGNALS:
    void closed();

private:
    struct PendingRequest
    {
        QByteArray bytes;
        bool closeAfterResponse = false;
    };

    void onReadyRead();
    void frameBufferedBytes();
    void release(const PendingRequest &request);
    void afterResponse();
    void rejectAndClose(int status, const QString &detail, bool omitBody = false);
    void closeAfterFlush();
    void onTimeout();
    void updateTimer();
    void finishTransaction();

    enum class TimerPurpose { None, Headers, Idle, Linger };

    QTcpSocket *m_socket;
    GuardSettings m_settings;
    RequestFramer m_framer;
    QQueue<PendingRequest> m_ready;
    std::optional<RequestFramer::Rejection> m_rejection;
    QTimer m_timer;
    TimerPurpose m_timerPurpose = TimerPurpose::None;
    bool m_inFlight = false;
    bool m_releasing = false;
    bool m_closeAfterInFlight = false;
    bool m_continueSent = false;
    bool m_draining = false;
    bool m_closing = false;
};

// A complete HTTP/1.1 error response with a JSON `detail` and `Connection: close`,
// for responses the guard writes itself, before QHttpServer gets a request. With
// `omitBody` (responses to HEAD) the headers describe the body but it is not sent.
QByteArray guardErrorResponse(int status, const QString &detail, const QString &requestId, bool omitBody = false);

} // namespace llmring
