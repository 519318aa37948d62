// SPDX-License-Identifier: MIT
// An HTTP/1.1 file server for tests, in place of the public model registry, that fails on demand.

#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace llmring::test {

// Serves GET requests for files under a root folder, so that "/openai/models.json" returns
// root + "/openai/models.json" with Content-Type: application/json. It listens on 127.0.0.1
// (a free port) and runs on the thread that creates it, event-driven. Clients on other
// threads are served while that thread runs its event loop, as HttpClient and the QTRY_
// macros do, but not while it blocks.
//
// Connections are HTTP/1.1 keep-alive unless the request sends Connection: close (or is
// HTTP/1.0 without Connection: keep-alive). Responses on one connection go out in the
// order the requests arrived, so a request that is held or never gets a response also
// delays the requests behind it on that connection.
//
// Query strings are ignored, a path with a ".." segment gets 404, and request bodies are
// skipped by Content-Length. A method other than GET gets 405 and a request with
// Transfer-Encoding gets 501, and both close the connection.
class FixtureHttpServer final : public QObject
{
    Q_OBJECT

public:
    // How the server responds to a request. A request keeps the behaviour it had when it
    // arrived, so changing behaviours later does not affect requests already waiting.
    enum class Behaviour {
        Serve,       // 200 with the file, or 404 with a JSON body when there is none
        NotFound,    // 404 with a JSON body
        ServerError, // 500 with a JSON body
        Malformed,   // 200 with the truncated JSON body {"models": {
        NeverAnswer, // reads the request and never responds, until stop() or the client closes
        Hold,        // waits until release(), then behaves as Serve
    };
    Q_ENUM(Behaviour)

    explicit FixtureHttpServer(const QString &root, QObject *parent = nullptr);
    ~FixtureHttpServer() override;

    // Listens on 127.0.0.1. The first call takes a free port, and later calls after stop()
    // take the same port again. Returns false with *error when the port cannot be bound.
    bool start(QString *error);
    // Closes the listener and aborts every open connection without responding to the
    // requests waiting on them, as a registry going down would.
    void stop();

    bool isListening() const;
    quint16 port() const { return m_port; }
    // http://127.0.0.1:<port>/ with the trailing slash.
    QUrl baseUrl() const;

    // Paths are matched after removing the query string and percent-decoding, and start
    // with "/" (one is added when missing). Paths without a setting of their own
    // use the default behaviour, which starts as Serve.
    void setBehaviour(const QString &path, Behaviour behaviour);
    void setDefaultBehaviour(Behaviour behaviour);
    // Removes every per-path setting and sets the default behaviour back to Serve.
    void clearBehaviours();

    // Serves every held request now, in order on each connection.
    void release();
    // Requests waiting with Behaviour::Hold.
    int heldCount() const;

    // GET requests received for `path` since construction or the last resetCounts(),
    // including the ones without a response. stop() and start() keep the counts.
    int requestCount(const QString &path) const;
    int totalRequests() const;
    // TCP connections accepted since construction or the last resetCounts().
    int connectionCount() const { return m_connectionCount; }
    void resetCounts();

Q_SIGNALS:
    // Emitted for every GET request once it is counted, before its response is sent.
    void requestReceived(const QString &path);

private:
    struct Request
    {
        QString path;
        Behaviour behaviour = Behaviour::Serve;
        bool closeAfterResponse = false;
        // When not 0, the request was invalid and gets this status, and the connection closes.
        int rejectStatus = 0;
    };

    struct Connection
    {
        QByteArray buffer;
        QList<Request> queue; // requests without a response yet, oldest first
        qint64 bodyBytesToSkip = 0;
        // Set once a response that closes the connection is queued, so later bytes are ignored.
        bool closing = false;
    };

    void acceptConnections();
    void readRequests(QTcpSocket *socket);
    // Parses one request head without its blank line, and sets *bodyLength from Content-Length.
    Request parseRequest(const QByteArray &head, qint64 *bodyLength);
    // Sends the responses at the front of the queue until one has to wait.
    void sendResponses(QTcpSocket *socket);
    void sendResponse(QTcpSocket *socket, const Request &request);
    void dropConnection(QTcpSocket *socket);
    Behaviour behaviourFor(const QString &path) const;

    QString m_root;
    QTcpServer *m_server;
    quint16 m_port = 0;
    QHash<QTcpSocket *, Connection> m_connections;
    QHash<QString, Behaviour> m_behaviours;
    Behaviour m_defaultBehaviour = Behaviour::Serve;
    QHash<QString, int> m_requestCounts;
    int m_totalRequests = 0;
    int m_connectionCount = 0;
};

} // namespace llmring::test
