// SPDX-License-Identifier: MIT
// The connection guard in front of the real service over real sockets: limits with flat memory, timeouts, Connection: close, malformed input, pipelining, chunked bodies, 100-continue, the connection cap.

#include "httpclient.h"
#include "rawhttpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "server/guardedtcpserver.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>

#include <array>
#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace llmring;
using namespace llmring::test;

namespace {

// The main service's limits: a body limit far below the 50 MB the tests send, and
// timeouts short enough to wait for.
constexpr qint64 MaxBodyBytes = 1024 * 1024;
constexpr int TimeoutSeconds = 1;
// Bounds for waiting on an effect, never asserted as durations.
constexpr int WaitMs = 10'000;

const QString BodyTooLarge = QStringLiteral("Request body too large (max 1048576 bytes)");
const QString HeaderTooLarge = QStringLiteral("Request header fields too large (max 16384 bytes)");

QByteArray validLogBody()
{
    return QByteArrayLiteral(R"({"provider":"openai","model":"gpt-4o","input_tokens":10,"output_tokens":5})");
}

QByteArray healthRequest(const QByteArray &requestId)
{
    return "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: " + requestId + "\r\n\r\n";
}

QByteArray logRequest(const QByteArray &apiKey, const QByteArray &requestId, const QByteArray &body)
{
    return "POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + apiKey + "\r\nX-Request-Id: " + requestId
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
        + body;
}

bool isGeneratedRequestId(const QByteArray &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{32}$"));
    return pattern.match(QString::fromLatin1(id)).hasMatch();
}

// Takes the complete responses off the front of `bytes`. A response without
// Content-Length, such as 100 Continue, has an empty body.
QList<HttpResponse> takeResponses(QByteArray &bytes)
{
    QList<HttpResponse> responses;
    while (const auto response = takeResponse(bytes))
        responses.append(*response);
    return responses;
}

// Sends `requests` and reads until the server closes the connection or WaitMs pass, by
// requesting one response more from rawExchange than the server should send.
RawExchange exchangeUntilClosed(quint16 port, const QByteArray &requests, int expectedResponses = 1)
{
    return rawExchange(port, requests, expectedResponses + 1, WaitMs);
}

bool connectTo(QTcpSocket &socket, quint16 port)
{
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    return socket.waitForConnected(WaitMs);
}

// Reads from `socket` into `buffer` until `count` responses are complete, the server
// closes the connection or WaitMs pass, and takes the complete ones.
QList<HttpResponse> readResponses(QTcpSocket &socket, QByteArray &buffer, int count)
{
    QList<HttpResponse> responses;
    const QDeadlineTimer deadline(WaitMs);
    while (responses.size() < count && !deadline.hasExpired()) {
        buffer += socket.readAll();
        responses += takeResponses(buffer);
        if (responses.size() >= count || socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    buffer += socket.readAll();
    responses += takeResponses(buffer);
    return responses;
}

// Waits up to WaitMs for the server to close `socket`, keeping what arrives in `buffer`.
bool waitForServerClose(QTcpSocket &socket, QByteArray &buffer)
{
    const QDeadlineTimer deadline(WaitMs);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired())
        socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    buffer += socket.readAll();
    return socket.state() != QAbstractSocket::ConnectedState;
}

// This process's resident set size (VmRSS), which includes the in-process service.
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    // readAll(), because /proc files report a size of 0, so atEnd() is true at once.
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

struct StreamedExchange
{
    QList<HttpResponse> responses;
    bool closedByServer = false;
    qint64 bodyBytesSent = 0;
    qint64 residentBefore = -1;
    qint64 peakResidentGrowth = -1;
};

// Sends `head`, then body pieces of 64 KiB until `bodyBytes` are sent, the server
// resets the connection or 30 s pass, and only then reads the response, as a client
// that uploads before it reads. Samples the resident set size after every piece.
// It uses a plain socket because QTcpSocket closes entirely when the server
// half-closes, and this client must go on sending while the server discards.
StreamedExchange streamBody(quint16 port, const QByteArray &head, qint64 bodyBytes, bool chunked)
{
    StreamedExchange exchange;
    exchange.residentBefore = residentBytes();
    qint64 residentPeak = exchange.residentBefore;

    const int descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
    if (descriptor < 0)
        return exchange;
    const auto closeSocket = qScopeGuard([descriptor] { ::close(descriptor); });
    // Bounds every blocking send and receive.
    const timeval socketTimeout{5, 0};
    ::setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &socketTimeout, sizeof socketTimeout);
    ::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &socketTimeout, sizeof socketTimeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(descriptor, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        return exchange;

    const auto sendAll = [descriptor](const QByteArray &bytes) {
        for (qsizetype offset = 0; offset < bytes.size();) {
            const ssize_t sent = ::send(descriptor, bytes.constData() + offset, size_t(bytes.size() - offset),
                                        MSG_NOSIGNAL);
            if (sent <= 0)
                return false;
            offset += sent;
        }
        return true;
    };
    const QByteArray data(64 * 1024, 'x');
    const QByteArray piece = chunked ? "10000\r\n" + data + "\r\n" : data;
    const QDeadlineTimer deadline(30'000);
    bool connected = sendAll(head);
    while (connected && exchange.bodyBytesSent < bodyBytes && !deadline.hasExpired()) {
        connected = sendAll(piece);
        if (connected)
            exchange.bodyBytesSent += data.size();
        residentPeak = qMax(residentPeak, residentBytes());
    }

    QByteArray received;
    char buffer[16 * 1024];
    while (!deadline.hasExpired()) {
        const ssize_t count = ::recv(descriptor, buffer, sizeof buffer, 0);
        if (count > 0) {
            received.append(buffer, count);
            continue;
        }
        // 0 is the server's FIN; a reset after its linger time also closes.
        exchange.closedByServer = count == 0 || errno == ECONNRESET;
        break;
    }
    residentPeak = qMax(residentPeak, residentBytes());
    exchange.responses = takeResponses(received);
    exchange.peakResidentGrowth = residentPeak - exchange.residentBefore;
    return exchange;
}

} // namespace

class tst_ConnectionGuard final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void oversizedBodyRejected_data();
    void oversizedBodyRejected();
    void headerFloodRejected_data();
    void headerFloodRejected();
    void headerTimeoutCutsSlowClient();
    void headerTimeoutIgnoresTrickle();
    void idleConnectionClosed_data();
    void idleConnectionClosed();
    void connectionCloseHonoured_data();
    void connectionCloseHonoured();
    void malformedRequestRejected_data();
    void malformedRequestRejected();
    void malformedRequestAfterPipelinedOne();
    void requestIdEchoedOnRejection_data();
    void requestIdEchoedOnRejection();
    void lowercaseMethodAnswered();
    void headAnsweredWithoutBody();
    void requestBeforeHalfCloseAnswered();

    void pipelinedRequestsInOrder();
    void chunkedLogStored();
    void expectContinueAnswered();
    void expectContinueWithBodySent();

    // These start services of their own and count the process's open connections, so
    // they run last, when the main service has closed every connection.
    void connectionCap();
    void connectionCountAfterStop();

private:
    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
};

void tst_ConnectionGuard::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("connectionguard"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    Settings settings = m_database->settings();
    settings.maxBodyBytes = MaxBodyBytes;
    settings.headerTimeoutSeconds = TimeoutSeconds;
    settings.idleTimeoutSeconds = TimeoutSeconds;
    QString error;
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
}

void tst_ConnectionGuard::cleanupTestCase()
{
    m_service.stop();
    m_database.reset();
}

void tst_ConnectionGuard::oversizedBodyRejected_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("chunked");

    const QByteArray start = "POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: oversized\r\n"
                             "X-Request-Id: oversized-body\r\nContent-Type: application/json\r\n";
    QTest::newRow("Content-Length of 50 MB") << start + "Content-Length: 52428800\r\n\r\n" << false;
    QTest::newRow("Content-Length of 10000000000") << start + "Content-Length: 10000000000\r\n\r\n" << false;
    QTest::newRow("chunked, 50 MB in total") << start + "Transfer-Encoding: chunked\r\n\r\n" << true;
}

void tst_ConnectionGuard::oversizedBodyRejected()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, chunked);
    constexpr qint64 streamedBytes = 50 * 1024 * 1024;
    // Far below the 50 MB a service that buffers the body would add.
    constexpr qint64 maxResidentGrowth = 20 * 1024 * 1024;

    const StreamedExchange exchange = streamBody(m_service.port(), head, streamedBytes, chunked);

    QCOMPARE(exchange.responses.size(), 1);
    const HttpResponse &response = exchange.responses.first();
    QCOMPARE(response.status, 413);
    QCOMPARE(response.detail(), BodyTooLarge);
    QCOMPARE(response.header("X-Request-Id"), QByteArray("oversized-body"));
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QVERIFY(exchange.closedByServer);
    QVERIFY2(exchange.residentBefore > 0, "VmRSS is not readable from /proc/self/status");
    QVERIFY2(exchange.peakResidentGrowth < maxResidentGrowth,
             qPrintable(QStringLiteral("resident set grew by %1 bytes while %2 body bytes were sent")
                            .arg(exchange.peakResidentGrowth)
                            .arg(exchange.bodyBytesSent)));
}

void tst_ConnectionGuard::headerFloodRejected_data()
{
    QTest::addColumn<QByteArray>("request");

    const QByteArray start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    QByteArray smallFields;
    for (int i = 0; i < 2000; ++i)
        smallFields += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("one header of 100 KB") << start + "X-Padding: " + QByteArray(100 * 1024, 'p') + "\r\n\r\n";
    QTest::newRow("2000 small header fields") << start + smallFields + "\r\n";
    QTest::newRow("100 KB without end of head") << start + "X-Padding: " + QByteArray(100 * 1024, 'p');
}

void tst_ConnectionGuard::headerFloodRejected()
{
    QFETCH(QByteArray, request);

    const RawExchange exchange = exchangeUntilClosed(m_service.port(), request);

    QCOMPARE(exchange.responses.size(), 1);
    const HttpResponse &response = exchange.responses.first();
    QCOMPARE(response.status, 431);
    QCOMPARE(response.detail(), HeaderTooLarge);
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QVERIFY(exchange.closedByServer);
}

void tst_ConnectionGuard::headerTimeoutCutsSlowClient()
{
    QTcpSocket slow;
    QVERIFY(connectTo(slow, m_service.port()));

    slow.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    slow.flush();
    // Sent while the slow request is pending.
    const RawExchange other = rawExchange(m_service.port(), healthRequest("other-client"));
    QByteArray buffer;
    const QList<HttpResponse> slowResponses = readResponses(slow, buffer, 1);
    const bool closed = waitForServerClose(slow, buffer);

    QCOMPARE(other.responses.size(), 1);
    QCOMPARE(other.responses.first().status, 200);
    QCOMPARE(other.responses.first().header("X-Request-Id"), QByteArray("other-client"));
    QCOMPARE(slowResponses.size(), 1);
    const HttpResponse &response = slowResponses.first();
    QCOMPARE(response.status, 408);
    QCOMPARE(response.detail(), QStringLiteral("Request headers not received within 1 s"));
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QVERIFY2(isGeneratedRequestId(response.header("X-Request-Id")), response.header("X-Request-Id").constData());
    QVERIFY(closed);
    QCOMPARE(buffer, QByteArray());
}

void tst_ConnectionGuard::headerTimeoutIgnoresTrickle()
{
    // 50 bytes at one per 200 ms last about 10 s, far longer than the 1 s header timeout.
    const QByteArray head = QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ").leftJustified(50, 'p');
    QTcpSocket socket;
    QVERIFY(connectTo(socket, m_service.port()));

    // Only what arrives while the client is still trickling counts, because a timer
    // restarted by every byte would send its 408 only after the trickle stops.
    QByteArray received;
    QList<HttpResponse> responses;
    for (qsizetype sent = 0; sent < head.size() && responses.isEmpty(); ++sent) {
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.write(head.mid(sent, 1));
        socket.flush();
        socket.waitForReadyRead(200);
        received += socket.readAll();
        responses = takeResponses(received);
    }
    const bool closed = waitForServerClose(socket, received);

    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, 408);
    QCOMPARE(responses.first().detail(), QStringLiteral("Request headers not received within 1 s"));
    QVERIFY(closed);
}

void tst_ConnectionGuard::idleConnectionClosed_data()
{
    QTest::addColumn<bool>("sendRequest");

    QTest::newRow("after one request") << true;
    QTest::newRow("before any request") << false;
}

void tst_ConnectionGuard::idleConnectionClosed()
{
    QFETCH(bool, sendRequest);
    QTcpSocket socket;
    QVERIFY(connectTo(socket, m_service.port()));
    QByteArray buffer;
    QList<HttpResponse> responses;
    if (sendRequest) {
        socket.write(healthRequest("before-idle"));
        responses = readResponses(socket, buffer, 1);
    }

    const bool closed = waitForServerClose(socket, buffer);

    QCOMPARE(responses.size(), sendRequest ? 1 : 0);
    if (sendRequest)
        QCOMPARE(responses.first().status, 200);
    QVERIFY(closed);
    // The idle timeout closes without a response.
    QCOMPARE(buffer, QByteArray());
}

void tst_ConnectionGuard::connectionCloseHonoured_data()
{
    QTest::addColumn<QByteArray>("requests");
    QTest::addColumn<QList<QByteArray>>("answeredIds");

    const QByteArray closing =
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: closing\r\n\r\n";
    QTest::newRow("HTTP/1.1 Connection: close") << closing << QList<QByteArray>{"closing"};
    QTest::newRow("HTTP/1.1 Connection: Close")
        << QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Close\r\nX-Request-Id: closing\r\n\r\n")
        << QList<QByteArray>{"closing"};
    QTest::newRow("HTTP/1.0 without keep-alive")
        << QByteArray("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Request-Id: closing\r\n\r\n")
        << QList<QByteArray>{"closing"};
    QTest::newRow("after a keep-alive request") << healthRequest("kept") + closing
                                                << QList<QByteArray>{"kept", "closing"};
}

void tst_ConnectionGuard::connectionCloseHonoured()
{
    QFETCH(QByteArray, requests);
    QFETCH(QList<QByteArray>, answeredIds);
    // Pipelined after the closing request, so it must get no response.
    const QByteArray after = healthRequest("after-close");

    const RawExchange exchange = exchangeUntilClosed(m_service.port(), requests + after, int(answeredIds.size()));
    QList<QByteArray> ids;
    QList<int> statuses;
    for (const HttpResponse &response : exchange.responses) {
        ids.append(response.header("X-Request-Id"));
        statuses.append(response.status);
    }

    QCOMPARE(ids, answeredIds);
    QCOMPARE(statuses, QList<int>(answeredIds.size(), 200));
    QCOMPARE(exchange.responses.last().json().toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("healthy"));
    QVERIFY(exchange.closedByServer);
    QCOMPARE(exchange.unparsed, QByteArray());
}

void tst_ConnectionGuard::malformedRequestRejected_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("detail");

    QTest::newRow("two Content-Length headers")
        << logRequest("malformed", "two-lengths", validLogBody())
               .replace("Content-Length:", "Content-Length: 2\r\nContent-Length:")
        << QStringLiteral("Malformed request: repeated Content-Length or Transfer-Encoding");
    QTest::newRow("Transfer-Encoding with Content-Length")
        << logRequest("malformed", "both-framings", validLogBody())
               .replace("Content-Length:", "Transfer-Encoding: chunked\r\nContent-Length:")
        << QStringLiteral("Malformed request: Transfer-Encoding and Content-Length together");
    QTest::newRow("bare LF line ends") << QByteArray("GET /health HTTP/1.1\nHost: 127.0.0.1\n\n")
                                       << QStringLiteral("Malformed request: line ends must be CRLF");
    QTest::newRow("TLS client hello")
        << QByteArray::fromHex("160301020001000001fc0303a1b2c3d4e5f60718293a4b5c6d7e8f90")
        << QStringLiteral("Malformed request: invalid request line");
    QTest::newRow("random binary") << QByteArray::fromHex("00ff9c13e7c04a5b0d0a0d0a8e2f")
                                   << QStringLiteral("Malformed request: invalid request line");
    QTest::newRow("HTTP/2 connection preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
                                               << QStringLiteral("Malformed request: invalid request line");
}

void tst_ConnectionGuard::malformedRequestRejected()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, detail);

    const RawExchange exchange = exchangeUntilClosed(m_service.port(), request);

    QCOMPARE(exchange.responses.size(), 1);
    const HttpResponse &response = exchange.responses.first();
    QCOMPARE(response.status, 400);
    QCOMPARE(response.detail(), detail);
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QVERIFY(exchange.closedByServer);
    QCOMPARE(exchange.unparsed, QByteArray());
}

void tst_ConnectionGuard::malformedRequestAfterPipelinedOne()
{
    const QByteArray requests = healthRequest("valid-first") + "GET /health HTTP/1.1\nHost: 127.0.0.1\n\n";

    const RawExchange exchange = exchangeUntilClosed(m_service.port(), requests, 2);

    QCOMPARE(exchange.responses.size(), 2);
    QCOMPARE(exchange.responses.at(0).status, 200);
    QCOMPARE(exchange.responses.at(0).header("X-Request-Id"), QByteArray("valid-first"));
    QCOMPARE(exchange.responses.at(1).status, 400);
    QCOMPARE(exchange.responses.at(1).detail(), QStringLiteral("Malformed request: line ends must be CRLF"));
    QVERIFY(exchange.closedByServer);
}

void tst_ConnectionGuard::requestIdEchoedOnRejection_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    QTest::newRow("413 for Content-Length")
        << QByteArray("POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: rejected-id\r\n"
                      "Content-Length: 10000000000\r\n\r\n")
        << 413;
    QTest::newRow("400 for two Content-Length headers")
        << QByteArray("POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
                      "Content-Length: 2\r\nX-Request-Id: rejected-id\r\n\r\n{}")
        << 400;
    QTest::newRow("417 before the id header")
        << QByteArray("POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 200-ok\r\nX-Request-Id: rejected-id\r\n"
                      "Content-Length: 2\r\n\r\n{}")
        << 417;
    QTest::newRow("505 for HTTP/2.0")
        << QByteArray("GET /health HTTP/2.0\r\nHost: 127.0.0.1\r\nX-Request-Id: rejected-id\r\n\r\n") << 505;
}

void tst_ConnectionGuard::requestIdEchoedOnRejection()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    const RawExchange exchange = rawExchange(m_service.port(), request);

    QCOMPARE(exchange.responses.size(), 1);
    QCOMPARE(exchange.responses.first().status, status);
    QCOMPARE(exchange.responses.first().header("X-Request-Id"), QByteArray("rejected-id"));
}

void tst_ConnectionGuard::lowercaseMethodAnswered()
{
    // "get" is a valid method token but not GET. The guard passes it on, and the service
    // responds with 405 instead of QHttpServer closing the connection silently.
    const RawExchange exchange =
        rawExchange(m_service.port(), "get /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: lowercase\r\n\r\n");

    QCOMPARE(exchange.responses.size(), 1);
    const HttpResponse &response = exchange.responses.first();
    QCOMPARE(response.status, 405);
    QCOMPARE(response.detail(), QStringLiteral("Method Not Allowed"));
    QCOMPARE(response.header("Allow"), QByteArray("GET"));
    QCOMPARE(response.header("X-Request-Id"), QByteArray("lowercase"));
}

// A response to HEAD must end with its headers: QHttpServer 6.4 would write a body,
// which a client reusing the connection takes for the start of the next response.
void tst_ConnectionGuard::headAnsweredWithoutBody()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_service.port());
    QVERIFY(socket.waitForConnected(5000));

    socket.write("HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: head-probe\r\n\r\n");
    QByteArray received;
    QDeadlineTimer deadline(10000);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        socket.waitForReadyRead(100);
        received += socket.readAll();
    }
    received += socket.readAll();

    QVERIFY2(received.startsWith("HTTP/1.1 501 Not Implemented\r\n"), received.constData());
    QVERIFY2(received.endsWith("\r\n\r\n"), received.constData());
    QVERIFY(received.contains("\r\nX-Request-Id: head-probe\r\n"));
    QVERIFY(received.contains("\r\nConnection: close\r\n"));
}

void tst_ConnectionGuard::requestBeforeHalfCloseAnswered()
{
    // Clients such as `nc -N` shut down their sending side once the request is out.
    QTcpSocket socket;
    QVERIFY(connectTo(socket, m_service.port()));
    socket.write(healthRequest("half-closed"));
    QVERIFY(socket.waitForBytesWritten(WaitMs));

    ::shutdown(int(socket.socketDescriptor()), SHUT_WR);
    QByteArray buffer;
    const QList<HttpResponse> responses = readResponses(socket, buffer, 1);

    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, 200);
    QCOMPARE(responses.first().header("X-Request-Id"), QByteArray("half-closed"));
}

void tst_ConnectionGuard::pipelinedRequestsInOrder()
{
    const QByteArray key = "pipelined-project";
    const QByteArray requests = healthRequest("first") + logRequest(key, "second", validLogBody())
        + "GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + key + "\r\nX-Request-Id: third\r\n\r\n";

    const RawExchange exchange = rawExchange(m_service.port(), requests, 3);

    QCOMPARE(exchange.responses.size(), 3);
    QCOMPARE(exchange.responses.at(0).header("X-Request-Id"), QByteArray("first"));
    QCOMPARE(exchange.responses.at(0).status, 200);
    QCOMPARE(exchange.responses.at(1).header("X-Request-Id"), QByteArray("second"));
    QCOMPARE(exchange.responses.at(1).status, 201);
    QCOMPARE(exchange.responses.at(2).header("X-Request-Id"), QByteArray("third"));
    QCOMPARE(exchange.responses.at(2).status, 200);
    // The stats request was served after the log request that precedes it.
    const QJsonObject summary = exchange.responses.at(2).json().toObject().value(QStringLiteral("summary")).toObject();
    QCOMPARE(summary.value(QStringLiteral("total_requests")).toInt(), 1);
    QCOMPARE(exchange.unparsed, QByteArray());
}

void tst_ConnectionGuard::chunkedLogStored()
{
    const QByteArray key = "chunked-project";
    const QByteArray body = validLogBody();
    const QByteArray chunks = "10;part=one\r\n" + body.left(16) + "\r\n" + "1A\r\n" + body.mid(16, 26) + "\r\n"
        + QByteArray::number(body.size() - 42, 16) + "\r\n" + body.mid(42) + "\r\n0\r\n\r\n";
    const QByteArray request = "POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + key
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;

    const RawExchange exchange = rawExchange(m_service.port(), request);
    const qint64 rows =
        m_database
            ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs WHERE api_key_id = :key"),
                     {{QStringLiteral("key"), QString::fromLatin1(key)}})
            .toLongLong();

    QCOMPARE(exchange.responses.size(), 1);
    QCOMPARE(exchange.responses.first().status, 201);
    QCOMPARE(rows, 1);
}

void tst_ConnectionGuard::expectContinueAnswered()
{
    const QByteArray body = validLogBody();
    const QByteArray head = "POST /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: continue-project\r\n"
                            "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n";
    QTcpSocket socket;
    QVERIFY(connectTo(socket, m_service.port()));

    socket.write(head);
    QByteArray interim;
    const QDeadlineTimer deadline(WaitMs);
    while (!interim.contains("\r\n\r\n") && socket.state() == QAbstractSocket::ConnectedState
           && !deadline.hasExpired()) {
        socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        interim += socket.readAll();
    }
    socket.write(body);
    QByteArray buffer;
    const QList<HttpResponse> responses = readResponses(socket, buffer, 1);

    QCOMPARE(interim, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().status, 201);
    QCOMPARE(buffer, QByteArray());
}

void tst_ConnectionGuard::expectContinueWithBodySent()
{
    // A client that sent its body already gets no 100 Continue.
    QByteArray request = logRequest("continue-project", "body-sent", validLogBody());
    request.replace("Content-Length:", "Expect: 100-continue\r\nContent-Length:");

    const RawExchange exchange = rawExchange(m_service.port(), request);

    QCOMPARE(exchange.responses.size(), 1);
    QCOMPARE(exchange.responses.first().status, 201);
    QCOMPARE(exchange.responses.first().header("X-Request-Id"), QByteArray("body-sent"));
}

void tst_ConnectionGuard::connectionCap()
{
    // The cap counts every connection of this process, the main service's included.
    QTRY_COMPARE_WITH_TIMEOUT(GuardedTcpServer::processConnections(), 0, WaitMs);
    Settings settings = m_database->settings();
    settings.maxConnections = 3;
    TestService capped;
    QString error;
    QVERIFY2(capped.start(settings, &error), qPrintable(error));
    std::array<QTcpSocket, 3> idle;
    for (QTcpSocket &socket : idle)
        QVERIFY(connectTo(socket, capped.port()));
    QTRY_COMPARE_WITH_TIMEOUT(GuardedTcpServer::processConnections(), 3, WaitMs);

    QTest::ignoreMessage(QtWarningMsg,
                         "Refused a connection from 127.0.0.1 : Too many open connections (max 3); retry later");
    const RawExchange refused = exchangeUntilClosed(capped.port(), healthRequest("over-cap"));
    idle.front().close();
    QTRY_COMPARE_WITH_TIMEOUT(GuardedTcpServer::processConnections(), 2, WaitMs);
    const RawExchange served = rawExchange(capped.port(), healthRequest("after-close"));

    QCOMPARE(refused.responses.size(), 1);
    QCOMPARE(refused.responses.first().status, 503);
    QCOMPARE(refused.responses.first().detail(), QStringLiteral("Too many open connections (max 3); retry later"));
    QCOMPARE(refused.responses.first().header("Connection"), QByteArray("close"));
    QVERIFY(refused.closedByServer);
    QCOMPARE(served.responses.size(), 1);
    QCOMPARE(served.responses.first().status, 200);
    QCOMPARE(served.responses.first().header("X-Request-Id"), QByteArray("after-close"));
}

void tst_ConnectionGuard::connectionCountAfterStop()
{
    QTRY_COMPARE_WITH_TIMEOUT(GuardedTcpServer::processConnections(), 0, WaitMs);
    TestService stopping;
    QString error;
    QVERIFY2(stopping.start(m_database->settings(), &error), qPrintable(error));
    // Keep-alive connections that are still open when the service stops.
    std::array<QTcpSocket, 2> open;
    for (QTcpSocket &socket : open) {
        QVERIFY(connectTo(socket, stopping.port()));
        socket.write(healthRequest("before-stop"));
        QByteArray buffer;
        QCOMPARE(readResponses(socket, buffer, 1).size(), 1);
    }
    QCOMPARE(GuardedTcpServer::processConnections(), 2);

    stopping.stop();

    QCOMPARE(GuardedTcpServer::processConnections(), 0);
}

QTEST_GUILESS_MAIN(tst_ConnectionGuard)
#include "tst_connectionguard.moc"
