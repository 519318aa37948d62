// SPDX-License-Identifier: MIT
// The fixture HTTP server that registry tests use: files, behaviours, held requests, restarts and keep-alive.

#include "fixturehttpserver.h"
#include "httpclient.h"
#include "rawhttpclient.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>
#include <vector>

using namespace llmring::test;

namespace {

// Bounds for waiting on an effect, never asserted as durations.
constexpr int WaitMs = 10'000;

const QByteArray OpenAiBody = QByteArrayLiteral(R"({"models": {"gpt-4o": {"max_input_tokens": 128000}}})");
const QByteArray AnthropicBody = QByteArrayLiteral(R"({"models": {"claude-3-5-sonnet": {}}})");

bool writeFile(const QString &path, const QByteArray &contents)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(contents) == contents.size();
}

struct RawResult
{
    QList<HttpResponse> responses;
    bool closedByServer = false;
};

// Sends `request` as given over a new connection and collects responses until
// `expectedResponses` arrived (and, with `waitForClose`, the server closed), or WaitMs
// passed. It runs a local event loop instead of rawExchange()'s blocking waits, because
// the server runs on this thread.
RawResult rawRequest(quint16 port, const QByteArray &request, int expectedResponses, bool waitForClose)
{
    RawResult result;
    QByteArray buffer;
    QTcpSocket socket;
    QEventLoop loop;
    const auto collect = [&] {
        buffer += socket.readAll();
        while (const auto response = takeResponse(buffer))
            result.responses.append(*response);
        if (result.responses.size() >= expectedResponses && !waitForClose)
            loop.quit();
    };
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, collect);
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        collect();
        result.closedByServer = true;
        loop.quit();
    });
    QTimer::singleShot(WaitMs, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    loop.exec();
    return result;
}

QByteArray get(const QByteArray &target, const QByteArray &extraHeaders = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

} // namespace

class tst_FixtureHttpServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void fileServedWithExactBody();
    void clientOnOtherThreadServed();
    void queryStringIgnored();
    void missingFileNotFound();
    void pathOutsideRootNotFound_data();
    void pathOutsideRootNotFound();
    void serverErrorBehaviour();
    void malformedBehaviour();
    void notFoundBehaviour();
    void defaultBehaviourForUnsetPaths();
    void heldRequestsServedOnRelease();
    void neverAnswerLeavesServerUsable();
    void stopAndRestartOnSamePort();
    void stopAbortsHeldRequests();
    void requestsCountedPerPath();
    void concurrentRequestsOnKeepAlive();
    void pipelinedRequestsInOrder();
    void connectionCloseHonoured_data();
    void connectionCloseHonoured();
    void invalidRequestRejected_data();
    void invalidRequestRejected();

private:
    QTemporaryDir m_folder;
    std::unique_ptr<FixtureHttpServer> m_server;
};

void tst_FixtureHttpServer::initTestCase()
{
    QVERIFY2(m_folder.isValid(), qPrintable(m_folder.errorString()));
    const QString root = m_folder.filePath(QStringLiteral("root"));
    QVERIFY(writeFile(root + QStringLiteral("/openai/models.json"), OpenAiBody));
    QVERIFY(writeFile(root + QStringLiteral("/anthropic/models.json"), AnthropicBody));
    // Outside the root, for requests that try to climb out of it.
    QVERIFY(writeFile(m_folder.filePath(QStringLiteral("secret.json")), QByteArrayLiteral("{}")));

    m_server = std::make_unique<FixtureHttpServer>(root);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QVERIFY(m_server->port() != 0);
    QCOMPARE(m_server->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_server->port())));
}

void tst_FixtureHttpServer::init()
{
    m_server->clearBehaviours();
    m_server->resetCounts();
}

void tst_FixtureHttpServer::cleanup()
{
    // A failed test can leave requests held or the server stopped, which the next test
    // must not inherit.
    m_server->release();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_FixtureHttpServer::fileServedWithExactBody()
{
    HttpClient client(m_server->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("openai/models.json"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, OpenAiBody);
    QCOMPARE(response.header("Content-Type"), QByteArrayLiteral("application/json"));
    QCOMPARE(response.header("Content-Length"), QByteArray::number(OpenAiBody.size()));
}

void tst_FixtureHttpServer::clientOnOtherThreadServed()
{
    // As in the registry tests: the client waits on a thread of its own while this
    // thread, which runs the server, spins its event loop in QTRY_VERIFY.
    const QUrl url = m_server->baseUrl().resolved(QUrl(QStringLiteral("openai/models.json")));
    int status = 0;
    QByteArray body;
    const std::unique_ptr<QThread> client(QThread::create([url, &status, &body] {
        QNetworkAccessManager network;
        const std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(url)));
        QEventLoop loop;
        QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(WaitMs, &loop, &QEventLoop::quit);
        loop.exec();
        status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        body = reply->readAll();
    }));
    client->start();

    QTRY_VERIFY_WITH_TIMEOUT(client->isFinished(), 2 * WaitMs);

    // wait() returns at once here, and orders the thread's writes before the reads below.
    QVERIFY(client->wait(WaitMs));
    QCOMPARE(status, 200);
    QCOMPARE(body, OpenAiBody);
}

void tst_FixtureHttpServer::queryStringIgnored()
{
    HttpClient client(m_server->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("openai/models.json?v=2&cache=no"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, OpenAiBody);
    QCOMPARE(m_server->requestCount(QStringLiteral("/openai/models.json")), 1);
}

void tst_FixtureHttpServer::missingFileNotFound()
{
    HttpClient client(m_server->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("google/models.json"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("Content-Type"), QByteArrayLiteral("application/json"));
    QVERIFY2(!response.detail().isEmpty(), response.body.constData());
    QCOMPARE(m_server->requestCount(QStringLiteral("/google/models.json")), 1);
}

void tst_FixtureHttpServer::pathOutsideRootNotFound_data()
{
    QTest::addColumn<QByteArray>("target");

    QTest::newRow("dot-dot above root") << QByteArrayLiteral("/../secret.json");
    QTest::newRow("percent-encoded dot-dot") << QByteArrayLiteral("/openai/%2E%2E/%2e%2e/secret.json");
    // Rejected although it resolves to a file inside the root.
    QTest::newRow("dot-dot inside root") << QByteArrayLiteral("/openai/../openai/models.json");
    QTest::newRow("folder") << QByteArrayLiteral("/openai");
}

void tst_FixtureHttpServer::pathOutsideRootNotFound()
{
    QFETCH(QByteArray, target);

    // Raw bytes, so that the server receives the target as written here, whatever QUrl
    // would do with ".." segments.
    const RawResult result = rawRequest(m_server->port(), get(target), 1, false);

    QCOMPARE(result.responses.size(), 1);
    QCOMPARE(result.responses.first().status, 404);
    QVERIFY2(!result.responses.first().detail().isEmpty(), result.responses.first().body.constData());
    QCOMPARE(m_server->totalRequests(), 1);
}

void tst_FixtureHttpServer::serverErrorBehaviour()
{
    m_server->setBehaviour(QStringLiteral("/openai/models.json"), FixtureHttpServer::Behaviour::ServerError);
    HttpClient client(m_server->baseUrl());

    const HttpResponse failed = client.get(QStringLiteral("openai/models.json"));
    const HttpResponse other = client.get(QStringLiteral("anthropic/models.json"));

    QCOMPARE(failed.status, 500);
    QVERIFY2(!failed.detail().isEmpty(), failed.body.constData());
    QCOMPARE(other.status, 200);
    QCOMPARE(other.body, AnthropicBody);
}

void tst_FixtureHttpServer::malformedBehaviour()
{
    m_server->setBehaviour(QStringLiteral("/openai/models.json"), FixtureHttpServer::Behaviour::Malformed);
    HttpClient client(m_server->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("openai/models.json"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArrayLiteral("{\"models\": {"));
    QCOMPARE(response.header("Content-Length"), QByteArrayLiteral("12"));
    QCOMPARE(response.json().type(), QJsonValue::Undefined);
}

void tst_FixtureHttpServer::notFoundBehaviour()
{
    // Set without the leading slash, which the server adds.
    m_server->setBehaviour(QStringLiteral("openai/models.json"), FixtureHttpServer::Behaviour::NotFound);
    HttpClient client(m_server->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("openai/models.json"));

    QCOMPARE(response.status, 404);
    QVERIFY2(!response.detail().isEmpty(), response.body.constData());
}

void tst_FixtureHttpServer::defaultBehaviourForUnsetPaths()
{
    m_server->setDefaultBehaviour(FixtureHttpServer::Behaviour::ServerError);
    m_server->setBehaviour(QStringLiteral("/anthropic/models.json"), FixtureHttpServer::Behaviour::Serve);
    HttpClient client(m_server->baseUrl());

    QCOMPARE(client.get(QStringLiteral("openai/models.json")).status, 500);
    QCOMPARE(client.get(QStringLiteral("anthropic/models.json")).status, 200);

    m_server->clearBehaviours();

    QCOMPARE(client.get(QStringLiteral("openai/models.json")).status, 200);
}

void tst_FixtureHttpServer::heldRequestsServedOnRelease()
{
    m_server->setBehaviour(QStringLiteral("/openai/models.json"), FixtureHttpServer::Behaviour::Hold);
    QNetworkAccessManager network;
    const QUrl url = m_server->baseUrl().resolved(QUrl(QStringLiteral("openai/models.json")));
    std::vector<std::unique_ptr<QNetworkReply>> replies;
    for (int i = 0; i < 3; ++i)
        replies.emplace_back(network.get(QNetworkRequest(url)));

    QTRY_COMPARE_WITH_TIMEOUT(m_server->heldCount(), 3, WaitMs);
    for (const auto &reply : replies)
        QVERIFY(!reply->isFinished());
    QCOMPARE(m_server->requestCount(QStringLiteral("/openai/models.json")), 3);

    m_server->release();

    QCOMPARE(m_server->heldCount(), 0);
    for (const auto &reply : replies) {
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), WaitMs);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), OpenAiBody);
    }
}

void tst_FixtureHttpServer::neverAnswerLeavesServerUsable()
{
    m_server->setBehaviour(QStringLiteral("/openai/models.json"), FixtureHttpServer::Behaviour::NeverAnswer);
    HttpClient client(m_server->baseUrl());
    client.setTimeout(1000);

    const HttpResponse unanswered = client.get(QStringLiteral("openai/models.json"));
    client.setTimeout(WaitMs);
    const HttpResponse other = client.get(QStringLiteral("anthropic/models.json"));

    QCOMPARE(unanswered.status, 0);
    QVERIFY(!unanswered.networkError.isEmpty());
    QCOMPARE(m_server->requestCount(QStringLiteral("/openai/models.json")), 1);
    QCOMPARE(m_server->heldCount(), 0);
    QCOMPARE(other.status, 200);
    QCOMPARE(other.body, AnthropicBody);
}

void tst_FixtureHttpServer::stopAndRestartOnSamePort()
{
    const quint16 port = m_server->port();
    HttpClient client(m_server->baseUrl());
    QCOMPARE(client.get(QStringLiteral("openai/models.json")).status, 200);

    m_server->stop();
    const HttpResponse unreachable = client.get(QStringLiteral("openai/models.json"));

    QVERIFY(!m_server->isListening());
    QCOMPARE(unreachable.status, 0);
    QVERIFY(!unreachable.networkError.isEmpty());

    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    const HttpResponse served = client.get(QStringLiteral("openai/models.json"));

    QCOMPARE(m_server->port(), port);
    QCOMPARE(served.status, 200);
    QCOMPARE(served.body, OpenAiBody);
    // Only requests that reached the server are counted, and the restart keeps them.
    QCOMPARE(m_server->requestCount(QStringLiteral("/openai/models.json")), 2);
}

void tst_FixtureHttpServer::stopAbortsHeldRequests()
{
    m_server->setBehaviour(QStringLiteral("/openai/models.json"), FixtureHttpServer::Behaviour::Hold);
    QNetworkAccessManager network;
    const QUrl url = m_server->baseUrl().resolved(QUrl(QStringLiteral("openai/models.json")));
    const std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(url)));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->heldCount(), 1, WaitMs);

    m_server->stop();

    QCOMPARE(m_server->heldCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), WaitMs);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 0);
    QVERIFY(reply->error() != QNetworkReply::NoError);
}

void tst_FixtureHttpServer::requestsCountedPerPath()
{
    QSignalSpy received(m_server.get(), &FixtureHttpServer::requestReceived);
    HttpClient client(m_server->baseUrl());

    client.get(QStringLiteral("openai/models.json"));
    client.get(QStringLiteral("openai/models.json"));
    client.get(QStringLiteral("anthropic/models.json"));
    client.get(QStringLiteral("google/models.json"));

    QCOMPARE(m_server->requestCount(QStringLiteral("/openai/models.json")), 2);
    QCOMPARE(m_server->requestCount(QStringLiteral("/anthropic/models.json")), 1);
    QCOMPARE(m_server->requestCount(QStringLiteral("/google/models.json")), 1);
    QCOMPARE(m_server->requestCount(QStringLiteral("/never/requested.json")), 0);
    QCOMPARE(m_server->totalRequests(), 4);
    QCOMPARE(received.count(), 4);
    QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("/openai/models.json"));
    QCOMPARE(received.at(3).at(0).toString(), QStringLiteral("/google/models.json"));

    m_server->resetCounts();

    QCOMPARE(m_server->requestCount(QStringLiteral("/openai/models.json")), 0);
    QCOMPARE(m_server->totalRequests(), 0);
    QCOMPARE(m_server->connectionCount(), 0);
}

void tst_FixtureHttpServer::concurrentRequestsOnKeepAlive()
{
    constexpr int RequestCount = 20;
    QNetworkAccessManager network;
    std::vector<std::unique_ptr<QNetworkReply>> replies;
    for (int i = 0; i < RequestCount; ++i) {
        const QString path = i % 2 == 0 ? QStringLiteral("openai/models.json") : QStringLiteral("anthropic/models.json");
        replies.emplace_back(network.get(QNetworkRequest(m_server->baseUrl().resolved(QUrl(path)))));
    }

    for (int i = 0; i < RequestCount; ++i) {
        QNetworkReply *reply = replies.at(i).get();
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), WaitMs);
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), i % 2 == 0 ? OpenAiBody : AnthropicBody);
    }
    QCOMPARE(m_server->totalRequests(), RequestCount);
    // QNetworkAccessManager runs at most 6 requests in parallel per host and port (Qt 6.4
    // documentation), so 20 requests were served only if connections carried several each.
    QVERIFY(m_server->connectionCount() >= 1);
    QVERIFY2(m_server->connectionCount() <= 6, QByteArray::number(m_server->connectionCount()).constData());
}

void tst_FixtureHttpServer::pipelinedRequestsInOrder()
{
    m_server->setBehaviour(QStringLiteral("/openai/models.json"), FixtureHttpServer::Behaviour::Hold);
    const QByteArray requests = get("/openai/models.json") + get("/anthropic/models.json");

    // The second response must wait for the held first one, so release it once both
    // requests arrived.
    QObject context;
    connect(m_server.get(), &FixtureHttpServer::requestReceived, &context, [this] {
        if (m_server->totalRequests() == 2)
            m_server->release();
    });
    const RawResult result = rawRequest(m_server->port(), requests, 2, false);

    QCOMPARE(result.responses.size(), 2);
    QCOMPARE(result.responses.at(0).body, OpenAiBody);
    QCOMPARE(result.responses.at(1).body, AnthropicBody);
    QCOMPARE(result.responses.at(1).header("Connection"), QByteArrayLiteral("keep-alive"));
    QCOMPARE(result.closedByServer, false);
}

void tst_FixtureHttpServer::connectionCloseHonoured_data()
{
    QTest::addColumn<QByteArray>("request");

    QTest::newRow("HTTP/1.1 Connection: close") << get("/openai/models.json", "Connection: close\r\n");
    QTest::newRow("HTTP/1.0 without keep-alive")
        << QByteArrayLiteral("GET /openai/models.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    // Requests after the one that asked to close get no response.
    QTest::newRow("pipelined after close")
        << get("/openai/models.json", "Connection: close\r\n") + get("/anthropic/models.json");
}

void tst_FixtureHttpServer::connectionCloseHonoured()
{
    QFETCH(QByteArray, request);

    const RawResult result = rawRequest(m_server->port(), request, 1, true);

    QCOMPARE(result.responses.size(), 1);
    QCOMPARE(result.responses.first().status, 200);
    QCOMPARE(result.responses.first().body, OpenAiBody);
    QCOMPARE(result.responses.first().header("Connection"), QByteArrayLiteral("close"));
    QVERIFY(result.closedByServer);
}

void tst_FixtureHttpServer::invalidRequestRejected_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    QTest::newRow("POST") << QByteArrayLiteral("POST /openai/models.json HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
                          << 405;
    QTest::newRow("chunked body")
        << QByteArrayLiteral("GET /openai/models.json HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 501;
    QTest::newRow("request line without version") << QByteArrayLiteral("GET /openai/models.json\r\n\r\n") << 400;
    QTest::newRow("absolute URL target")
        << QByteArrayLiteral("GET http://127.0.0.1/openai/models.json HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("head too large") << "GET /openai/models.json HTTP/1.1\r\nX-Filler: " + QByteArray(70'000, 'x')
        << 431;
}

void tst_FixtureHttpServer::invalidRequestRejected()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^rejected a request")));

    const RawResult result = rawRequest(m_server->port(), request, 1, true);

    QCOMPARE(result.responses.size(), 1);
    QCOMPARE(result.responses.first().status, status);
    QVERIFY(result.closedByServer);
    QCOMPARE(m_server->totalRequests(), 0);
}

QTEST_GUILESS_MAIN(tst_FixtureHttpServer)

#include "tst_fixturehttpserver.moc"
