// SPDX-License-Identifier: MIT
// A small HTTP server with fixed responses, and a loopback port that nothing listens on,
// for the failures a real llmring server never produces on demand.

#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTcpServer>
#include <QUrl>

#include <optional>

class QTcpSocket;

namespace llmring::test {

struct CannedResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
};

// An HTTP/1.1 server on a free port of 127.0.0.1. It sends each request the response set
// for its path (the query is ignored) and closes the connection. Other paths get the
// default response, which is 404 with an HTML page until setDefaultResponse(). The
// server runs on the thread that creates it, so it responds while that thread runs its
// event loop.
class CannedHttpServer final : public QObject
{
public:
    CannedHttpServer();

    bool listen();
    QUrl baseUrl() const;

    void setResponse(const QString &path, const CannedResponse &response) { m_responses.insert(path, response); }
    void setDefaultResponse(const CannedResponse &response) { m_defaultResponse = response; }
    // Reads requests and never responds to them.
    void setSilent(bool silent) { m_silent = silent; }
    // A request for `path` stops the server: the listener and every connection close
    // without a response, as a server process that exits does.
    void setStopOn(const QString &path) { m_stopPath = path; }

    // The request heads read so far, including those of a silent server.
    int requestCount() const { return m_requests; }

private:
    void read(QTcpSocket *socket);

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QString, CannedResponse> m_responses;
    CannedResponse m_defaultResponse{404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>"};
    std::optional<QString> m_stopPath;
    bool m_silent = false;
    int m_requests = 0;
};

// A loopback port that nothing listens on: bound once to get a free number, then
// closed. Returns 0 when no port can be bound.
// NOTE: another process may bind the port before the test connects to it.
quint16 closedPort();

} // namespace llmring::test
