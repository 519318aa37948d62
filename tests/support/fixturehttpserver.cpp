// SPDX-License-Identifier: MIT

#include "fixturehttpserver.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>

namespace llmring::test {

// Debug lines (one per response) are off unless QT_LOGGING_RULES enables them.
Q_LOGGING_CATEGORY(lcFixtureHttp, "llmring.test.fixturehttp", QtInfoMsg)

namespace {

// A request head that grows past this without its blank line is rejected with 431.
constexpr qsizetype MaxHeadBytes = 64 * 1024;

const QByteArray MalformedBody = QByteArrayLiteral("{\"models\": {");

QString withLeadingSlash(const QString &path)
{
    return path.startsWith(QLatin1Char('/')) ? path : QLatin1Char('/') + path;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    }
    return QByteArrayLiteral("Unknown");
}

// {"detail": message}, the error body shape of the service.
QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("detail"), message}}).toJson(QJsonDocument::Compact);
}

} // namespace

FixtureHttpServer::FixtureHttpServer(const QString &root, QObject *parent)
    : QObject(parent)
    , m_root(root)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &FixtureHttpServer::acceptConnections);
}

FixtureHttpServer::~FixtureHttpServer()
{
    stop();
}

bool FixtureHttpServer::start(QString *error)
{
    if (m_server->isListening())
        return true;
    // QTcpServer sets SO_REUSEADDR on Unix, so the port of an earlier start() can be bound
    // again although connections that stop() aborted may still be in TIME_WAIT.
    if (!m_server->listen(QHostAddress(QHostAddress::LocalHost), m_port)) {
        *error = QStringLiteral("the fixture HTTP server cannot listen on 127.0.0.1:%1: %2")
                     .arg(m_port)
                     .arg(m_server->errorString());
        return false;
    }
    m_port = m_server->serverPort();
    return true;
}

void FixtureHttpServer::stop()
{
    m_server->close();
    const QList<QTcpSocket *> sockets = m_connections.keys();
    m_connections.clear();
    for (QTcpSocket *socket : sockets) {
        // Disconnected first, so that abort() does not reach dropConnection().
        QObject::disconnect(socket, nullptr, this, nullptr);
        socket->abort();
        socket->deleteLater();
    }
}

bool FixtureHttpServer::isListening() const
{
    return m_server->isListening();
}

QUrl FixtureHttpServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_port));
}

void FixtureHttpServer::setBehaviour(const QString &path, Behaviour behaviour)
{
    m_behaviours.insert(withLeadingSlash(path), behaviour);
}

void FixtureHttpServer::setDefaultBehaviour(Behaviour behaviour)
{
    m_defaultBehaviour = behaviour;
}

void FixtureHttpServer::clearBehaviours()
{
    m_behaviours.clear();
    m_defaultBehaviour = Behaviour::Serve;
}

void FixtureHttpServer::release()
{
    for (Connection &connection : m_connections) {
        for (Request &request : connection.queue) {
            if (request.behaviour == Behaviour::Hold)
                request.behaviour = Behaviour::Serve;
        }
    }
    // A copy, because a response that closes its connection can remove it from the hash.
    const QList<QTcpSocket *> sockets = m_connections.keys();
    for (QTcpSocket *socket : sockets)
        sendResponses(socket);
}

int FixtureHttpServer::heldCount() const
{
    int heldRequests = 0;
    for (const Connection &connection : m_connections) {
        for (const Request &request : connection.queue) {
            if (request.behaviour == Behaviour::Hold)
                ++heldRequests;
        }
    }
    return heldRequests;
}

int FixtureHttpServer::requestCount(const QString &path) const
{
    return m_requestCounts.value(withLeadingSlash(path));
}

int FixtureHttpServer::totalRequests() const
{
    return m_totalRequests;
}

void FixtureHttpServer::resetCounts()
{
    m_requestCounts.clear();
    m_totalRequests = 0;
    m_connectionCount = 0;
}

void FixtureHttpServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        m_connections.insert(socket, Connection());
        ++m_connectionCount;
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readRequests(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { dropConnection(socket); });
        if (socket->bytesAvailable() > 0)
            readRequests(socket);
    }
}

void FixtureHttpServer::readRequests(QTcpSocket *socket)
{
    const auto found = m_connections.find(socket);
    if (found == m_connections.end())
        return;
    Connection &connection = *found;
    const QByteArray incoming = socket->readAll();
    if (connection.closing)
        return;
    connection.buffer += incoming;

    QStringList received;
    while (!connection.closing) {
        if (connection.bodyBytesToSkip > 0) {
            const qint64 skipped = qMin<qint64>(connection.bodyBytesToSkip, connection.buffer.size());
            connection.buffer.remove(0, skipped);
            connection.bodyBytesToSkip -= skipped;
            if (connection.bodyBytesToSkip > 0)
                break;
        }

        const qsizetype headEnd = connection.buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            if (connection.buffer.size() > MaxHeadBytes) {
                Request rejected;
                rejected.rejectStatus = 431;
                rejected.closeAfterResponse = true;
                connection.queue.append(rejected);
                connection.closing = true;
                qCWarning(lcFixtureHttp) << "rejected a request head larger than" << MaxHeadBytes << "bytes";
            }
            break;
        }
        const QByteArray head = connection.buffer.left(headEnd);
        connection.buffer.remove(0, headEnd + 4);

        Request request = parseRequest(head, &connection.bodyBytesToSkip);
        connection.closing = request.closeAfterResponse || request.rejectStatus != 0;
        if (request.rejectStatus == 0) {
            ++m_requestCounts[request.path];
            ++m_totalRequests;
            received.append(request.path);
        }
        connection.queue.append(request);
    }
    if (connection.closing)
        connection.buffer.clear();

    // A receiver may call stop(), which removes the connection, so sendResponses()
    // looks it up again.
    for (const QString &path : std::as_const(received))
        Q_EMIT requestReceived(path);
    sendResponses(socket);
}

FixtureHttpServer::Request FixtureHttpServer::parseRequest(const QByteArray &head, qint64 *bodyLength)
{
    Request request;
    const auto reject = [&request](int status, const QByteArray &why) {
        request.rejectStatus = status;
        request.closeAfterResponse = true;
        qCWarning(lcFixtureHttp).noquote() << "rejected a request with" << status << "because" << why;
        return request;
    };

    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
        return reject(400, "the request line is invalid: " + lines.first().trimmed());
    const QByteArray &method = requestLine.at(0);
    const QByteArray &target = requestLine.at(1);
    const bool http10 = requestLine.at(2) == "HTTP/1.0";

    bool closeRequested = false;
    bool keepAliveRequested = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return reject(400, "a header line has no name: " + line);
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "connection") {
            const QList<QByteArray> options = value.toLower().split(',');
            for (const QByteArray &option : options) {
                closeRequested = closeRequested || option.trimmed() == "close";
                keepAliveRequested = keepAliveRequested || option.trimmed() == "keep-alive";
            }
        } else if (name == "content-length") {
            bool valid = false;
            *bodyLength = value.toLongLong(&valid);
            if (!valid || *bodyLength < 0)
                return reject(400, "Content-Length is invalid: " + value);
        } else if (name == "transfer-encoding") {
            return reject(501, "Transfer-Encoding is not supported: " + value);
        }
    }
    request.closeAfterResponse = closeRequested || (http10 && !keepAliveRequested);

    if (method != "GET")
        return reject(405, "the method is not GET: " + method);
    if (!target.startsWith('/'))
        return reject(400, "the target is not an absolute path: " + target);

    QByteArray encodedPath = target;
    const qsizetype queryStart = encodedPath.indexOf('?');
    if (queryStart >= 0)
        encodedPath.truncate(queryStart);
    request.path = QUrl::fromPercentEncoding(encodedPath);
    // Checked after decoding, so "%2E%2E" cannot reach a folder above the root either.
    if (request.path.split(QLatin1Char('/')).contains(QStringLiteral("..")))
        request.behaviour = Behaviour::NotFound;
    else
        request.behaviour = behaviourFor(request.path);
    return request;
}

void FixtureHttpServer::sendResponses(QTcpSocket *socket)
{
    const auto found = m_connections.find(socket);
    if (found == m_connections.end())
        return;
    Connection &connection = *found;
    while (!connection.queue.isEmpty()) {
        const Behaviour behaviour = connection.queue.constFirst().behaviour;
        if (behaviour == Behaviour::Hold || behaviour == Behaviour::NeverAnswer)
            return;
        const Request request = connection.queue.takeFirst();
        sendResponse(socket, request);
        if (request.closeAfterResponse) {
            connection.queue.clear();
            // Closes once the response is written. It can emit disconnected() at once,
            // which removes `connection`, so nothing here uses it afterwards.
            socket->disconnectFromHost();
            return;
        }
    }
}

void FixtureHttpServer::sendResponse(QTcpSocket *socket, const Request &request)
{
    int status = 200;
    QByteArray body;
    if (request.rejectStatus != 0) {
        status = request.rejectStatus;
        body = errorBody(QString::fromLatin1(reasonPhrase(status)));
    } else {
        switch (request.behaviour) {
        case Behaviour::Serve: {
            QFile file(m_root + request.path);
            if (QFileInfo(file).isFile() && file.open(QIODevice::ReadOnly)) {
                body = file.readAll();
            } else {
                status = 404;
                body = errorBody(QStringLiteral("No fixture file for %1").arg(request.path));
            }
            break;
        }
        case Behaviour::NotFound:
            status = 404;
            body = errorBody(QStringLiteral("Not found: %1").arg(request.path));
            break;
        case Behaviour::ServerError:
            status = 500;
            body = errorBody(QStringLiteral("Internal server error (fixture behaviour ServerError)"));
            break;
        case Behaviour::Malformed:
            body = MalformedBody;
            break;
        case Behaviour::NeverAnswer:
        case Behaviour::Hold:
            // sendResponses() stops at these, so reaching here is a bug in this class.
            qCCritical(lcFixtureHttp) << "a request with behaviour" << request.behaviour << "reached sendResponse()";
            return;
        }
    }

    qCDebug(lcFixtureHttp).noquote() << "GET" << request.path << status << body.size() << "bytes";
    const QByteArray connectionOption = request.closeAfterResponse ? "close" : "keep-alive";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                  + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                  + "\r\nConnection: " + connectionOption + "\r\n\r\n" + body);
}

void FixtureHttpServer::dropConnection(QTcpSocket *socket)
{
    m_connections.remove(socket);
    socket->deleteLater();
}

FixtureHttpServer::Behaviour FixtureHttpServer::behaviourFor(const QString &path) const
{
    return m_behaviours.value(path, m_defaultBehaviour);
}

} // namespace llmring::test
