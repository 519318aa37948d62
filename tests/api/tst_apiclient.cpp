// SPDX-License-Identifier: MIT
// The console's asynchronous API client against the real service: results, headers and
// the user-facing messages of its errors, plus the failures only a canned server can
// produce on demand (no response, a page that is not JSON) and a closed port.

#include "cannedhttpserver.h"
#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "api/apiclient.h"
#include "receipts/receiptkeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace llmring;
using namespace llmring::api;
using namespace llmring::test;

namespace {

constexpr int TestTimeoutMs = 15000;

const QByteArray ProjectKey = QByteArrayLiteral("apiclient-project");
// RFC 8032 section 7.1, TEST 1.
const QByteArray ActiveSeed = QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QString ActiveKeyId = QStringLiteral("k_apiclient");

// Waits for `reply` to finish. The reply deletes itself afterwards, so the values are
// copied in the slot.
struct Outcome
{
    bool finished = false;
    ApiError error = ApiError::None;
    int status = 0;
    QJsonValue json;
    QByteArray body;
    QString detail;
    QString message;
    QByteArray totalCount;
};

Outcome waitFor(ApiReply *reply)
{
    Outcome outcome;
    QObject::connect(reply, &ApiReply::finished, reply, [reply, &outcome] {
        outcome.finished = true;
        outcome.error = reply->error();
        outcome.status = reply->status();
        outcome.json = reply->json();
        outcome.body = reply->body();
        outcome.detail = reply->detail();
        outcome.message = reply->errorMessage();
        outcome.totalCount = reply->header("x-total-count");
    });
    if (!QTest::qWaitFor([&outcome] { return outcome.finished; }, TestTimeoutMs))
        QTest::qFail("the reply did not finish within the test timeout", __FILE__, __LINE__);
    return outcome;
}

} // namespace

class tst_ApiClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void logsWithTotalCount();
    void logsFilterByModel();
    void statsSummary();
    void validationDetailFormatted();
    void missingKeyMessage();
    void keyTooLongMessage();
    void unreachableClosedPort();
    void abortCancels();
    void silentServerTimesOut();
    void htmlIsInvalidResponse();
    void serviceInfoAndHealth();
    void registryServed();
    void publicKeysListed();
    void receiptIdWithOddCharacters();
    void receiptIdNotAPathSegment_data();
    void receiptIdNotAPathSegment();
    void serverWithBasePath();
    void replyDeletesItself();

private:
    std::unique_ptr<ApiClient> projectClient(const QByteArray &key = ProjectKey) const;

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_http;
};

void tst_ApiClient::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("apiclient"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("LLMRING_RECEIPTS_PRIVATE_KEY_B64"), QString::fromLatin1(ActiveSeed.toBase64()));
    environment.insert(QStringLiteral("LLMRING_RECEIPTS_KEY_ID"), ActiveKeyId);
    Settings settings = m_database->settings();
    QString error;
    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, &error);
    QVERIFY2(settings.receiptKeys, qPrintable(error));
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    m_http = std::make_unique<HttpClient>(m_service.baseUrl());

    // Three logs of the project, oldest first, and one of another project.
    const QList<QByteArray> logs{
        R"({"provider":"openai","model":"gpt-4o","input_tokens":100,"output_tokens":20,"cost":0.5})",
        R"({"provider":"openai","model":"gpt-4o-mini","input_tokens":30,"output_tokens":5,"cost":0.25})",
        R"({"provider":"anthropic","model":"claude-3-haiku","input_tokens":7,"output_tokens":3,"cost":0.125})",
    };
    for (const QByteArray &log : logs)
        QCOMPARE(m_http->post(QStringLiteral("/api/v1/log"), log, apiKey(ProjectKey)).status, 201);
    QCOMPARE(m_http->post(QStringLiteral("/api/v1/log"), logs.first(), apiKey("apiclient-other")).status, 201);
}

void tst_ApiClient::cleanupTestCase()
{
    m_http.reset();
    m_service.stop();
    m_database.reset();
}

std::unique_ptr<ApiClient> tst_ApiClient::projectClient(const QByteArray &key) const
{
    auto client = std::make_unique<ApiClient>();
    client->setServer(m_service.baseUrl());
    client->setApiKey(QString::fromUtf8(key));
    return client;
}

void tst_ApiClient::logsWithTotalCount()
{
    const auto client = projectClient();
    LogQuery query;
    query.limit = 2;

    const Outcome outcome = waitFor(client->logs(query));

    QCOMPARE(outcome.error, ApiError::None);
    QCOMPARE(outcome.status, 200);
    QCOMPARE(outcome.totalCount, QByteArrayLiteral("3"));
    const QJsonArray rows = outcome.json.toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).toObject().value(QStringLiteral("model")), QJsonValue(QStringLiteral("claude-3-haiku")));
    QCOMPARE(rows.at(1).toObject().value(QStringLiteral("model")), QJsonValue(QStringLiteral("gpt-4o-mini")));
    QCOMPARE(outcome.message, QString());
}

void tst_ApiClient::logsFilterByModel()
{
    const auto client = projectClient();
    LogQuery query;
    query.model = QStringLiteral(" gpt-4o ");
    query.oldestFirst = true;

    const Outcome outcome = waitFor(client->logs(query));

    QCOMPARE(outcome.error, ApiError::None);
    QCOMPARE(outcome.totalCount, QByteArrayLiteral("1"));
    QCOMPARE(outcome.json.toArray().size(), 1);
    QCOMPARE(outcome.json.toArray().at(0).toObject().value(QStringLiteral("input_tokens")), QJsonValue(100));
}

void tst_ApiClient::statsSummary()
{
    const auto client = projectClient();
    const QDateTime now = QDateTime::currentDateTimeUtc();

    const Outcome outcome = waitFor(client->stats(now.addDays(-1), now.addSecs(60), QStringLiteral("day")));

    QCOMPARE(outcome.error, ApiError::None);
    const QJsonObject summary = outcome.json.toObject().value(QStringLiteral("summary")).toObject();
    QCOMPARE(summary.value(QStringLiteral("total_requests")), QJsonValue(3));
    QCOMPARE(summary.value(QStringLiteral("total_cost")), QJsonValue(0.875));
    QCOMPARE(summary.value(QStringLiteral("total_tokens")), QJsonValue(100 + 20 + 30 + 5 + 7 + 3));
    QCOMPARE(summary.value(QStringLiteral("unique_models")), QJsonValue(3));
}

void tst_ApiClient::validationDetailFormatted()
{
    const auto client = projectClient();
    LogQuery query;
    query.limit = 0;
    query.offset = -1;

    const Outcome outcome = waitFor(client->logs(query));

    QCOMPARE(outcome.error, ApiError::HttpStatus);
    QCOMPARE(outcome.status, 422);
    QCOMPARE(outcome.detail, QStringLiteral("query.limit: must be >= 1; query.offset: must be >= 0"));
    QCOMPARE(outcome.message, QStringLiteral("The server answered with HTTP status 422: query.limit: must be >= 1; "
                                             "query.offset: must be >= 0"));
}

void tst_ApiClient::missingKeyMessage()
{
    const auto client = projectClient(QByteArray());

    const Outcome outcome = waitFor(client->logs(LogQuery()));

    QCOMPARE(outcome.error, ApiError::HttpStatus);
    QCOMPARE(outcome.status, 401);
    QCOMPARE(outcome.detail, QStringLiteral("X-API-Key header required"));
    QCOMPARE(outcome.message, QStringLiteral("The server needs the project's API key: X-API-Key header required"));
}

void tst_ApiClient::keyTooLongMessage()
{
    const auto client = projectClient(QByteArray(256, 'k'));

    const Outcome outcome = waitFor(client->stats({}, {}, QStringLiteral("day")));

    QCOMPARE(outcome.status, 400);
    QCOMPARE(outcome.message, QStringLiteral("The server answered with HTTP status 400: X-API-Key too long"));
}

void tst_ApiClient::unreachableClosedPort()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    ApiClient client;
    client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));

    const Outcome outcome = waitFor(client.health());

    QCOMPARE(outcome.error, ApiError::Unreachable);
    QCOMPARE(outcome.status, 0);
    QCOMPARE(outcome.message, QStringLiteral("Cannot reach http://127.0.0.1:%1 (Connection refused). Check the server "
                                             "URL and that llmring-server is running.")
                                  .arg(port));
}

void tst_ApiClient::abortCancels()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setSilent(true);
    ApiClient client;
    client.setServer(server.baseUrl());
    ApiReply *reply = client.logs(LogQuery());
    QSignalSpy finished(reply, &ApiReply::finished);
    ApiError error = ApiError::None;
    QString message;
    connect(reply, &ApiReply::finished, reply, [reply, &error, &message] {
        error = reply->error();
        message = reply->errorMessage();
    });
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, TestTimeoutMs);

    reply->abort();

    QCOMPARE(finished.size(), 1); // before abort() returns
    QCOMPARE(error, ApiError::Canceled);
    QCOMPARE(message, QStringLiteral("Canceled."));
    reply->abort(); // a second call does nothing
    QCOMPARE(finished.size(), 1);
}

void tst_ApiClient::silentServerTimesOut()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setSilent(true);
    ApiClient client;
    client.setServer(server.baseUrl());
    client.setTimeout(std::chrono::milliseconds(500));

    const Outcome outcome = waitFor(client.stats({}, {}, QStringLiteral("week")));

    QCOMPARE(outcome.error, ApiError::TimedOut);
    QCOMPARE(outcome.message, QStringLiteral("%1 did not answer in time. The server or the network may be overloaded; "
                                             "try again.")
                                  .arg(server.baseUrl().toString()));
}

void tst_ApiClient::htmlIsInvalidResponse()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setDefaultResponse({200, "text/html", "<html>welcome</html>\n"});
    ApiClient client;
    client.setServer(server.baseUrl());

    const Outcome json = waitFor(client.serviceInfo());
    const Outcome csv = waitFor(client.logsCsv(LogQuery()));

    QCOMPARE(json.error, ApiError::InvalidResponse);
    QCOMPARE(json.status, 200);
    QCOMPARE(json.message, QStringLiteral("%1 did not answer as an llmring server does (the response is not JSON). "
                                          "Check the server URL.")
                               .arg(server.baseUrl().toString()));
    QCOMPARE(csv.error, ApiError::None); // CSV is not parsed as JSON
    QCOMPARE(csv.body, QByteArrayLiteral("<html>welcome</html>\n"));
}

void tst_ApiClient::serviceInfoAndHealth()
{
    const auto client = projectClient();

    const Outcome info = waitFor(client->serviceInfo());
    const Outcome health = waitFor(client->health());

    QCOMPARE(info.json.toObject().value(QStringLiteral("name")), QJsonValue(QStringLiteral("LLMRing Server")));
    QCOMPARE(info.json.toObject().value(QStringLiteral("version")), QJsonValue(QStringLiteral(LLMRING_VERSION)));
    QCOMPARE(health.json.toObject(), QJsonObject({{QStringLiteral("status"), QStringLiteral("healthy")},
                                                  {QStringLiteral("database"), QStringLiteral("connected")}}));
}

void tst_ApiClient::registryServed()
{
    // The service loads the fixture registry in the background after it starts.
    QTRY_COMPARE_WITH_TIMEOUT(m_http->get(QStringLiteral("/registry.json")).status, 200, TestTimeoutMs);
    ApiClient client;
    client.setServer(m_service.baseUrl());

    const Outcome outcome = waitFor(client.registry());

    QCOMPARE(outcome.error, ApiError::None);
    const QJsonObject registry = outcome.json.toObject();
    QCOMPARE(registry.value(QStringLiteral("version")), QJsonValue(QStringLiteral("2025-08-20")));
    const QJsonObject model = registry.value(QStringLiteral("models")).toObject().value(QStringLiteral("openai:gpt-4o")).toObject();
    QCOMPARE(model.value(QStringLiteral("display_name")), QJsonValue(QStringLiteral("GPT-4o")));
    QCOMPARE(model.value(QStringLiteral("dollars_per_million_tokens_input")), QJsonValue(2.5));
}

void tst_ApiClient::publicKeysListed()
{
    ApiClient client;
    client.setServer(m_service.baseUrl());

    const Outcome outcome = waitFor(client.publicKeys());

    QCOMPARE(outcome.error, ApiError::None);
    const QJsonObject keySet = outcome.json.toObject();
    QCOMPARE(keySet.value(QStringLiteral("current_key_id")), QJsonValue(ActiveKeyId));
    const QJsonArray keys = keySet.value(QStringLiteral("keys")).toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.at(0).toObject().value(QStringLiteral("kid")), QJsonValue(ActiveKeyId));
    QCOMPARE(keys.at(0).toObject().value(QStringLiteral("crv")), QJsonValue(QStringLiteral("Ed25519")));
    // RFC 8032 section 7.1, TEST 1: the public key of ActiveSeed.
    QCOMPARE(keys.at(0).toObject().value(QStringLiteral("x")),
             QJsonValue(QString::fromLatin1(
                 QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))));
}

void tst_ApiClient::receiptIdWithOddCharacters()
{
    // Every kind of character a receipt id may contain (A-Z a-z 0-9 _ . : -).
    const QStringList ids{QStringLiteral("rcpt:odd.id-1_X"), QStringLiteral(":"), QStringLiteral("-.-")};
    for (const QString &id : ids) {
        const QJsonObject request{{"id", id},
                                  {"model", "openai:gpt-4o"},
                                  {"alias", "summarizer"},
                                  {"lock_digest", "sha256:3f1c"},
                                  {"tokens", QJsonObject{{"input", 10}, {"output", 5}}},
                                  {"cost", QJsonObject{{"amount", 0.001}, {"calculation", "fixed"}}}};
        const HttpResponse issued = m_http->post(QStringLiteral("/api/v1/receipts/issue"),
                                                 QJsonDocument(request).toJson(QJsonDocument::Compact), apiKey(ProjectKey));
        QVERIFY2(issued.status == 201, issued.body.constData());
        const auto client = projectClient();

        const Outcome outcome = waitFor(client->receipt(id));

        QVERIFY2(outcome.error == ApiError::None, qPrintable(id + QStringLiteral(": ") + outcome.message));
        QCOMPARE(outcome.json.toObject().value(QStringLiteral("id")), QJsonValue(id));
        QCOMPARE(outcome.body, issued.body);
    }
}

void tst_ApiClient::receiptIdNotAPathSegment_data()
{
    QTest::addColumn<QString>("id");

    QTest::newRow("slash") << QStringLiteral("a/b");
    QTest::newRow("query and fragment") << QStringLiteral("a?limit=1#x");
    QTest::newRow("percent") << QStringLiteral("a%2Fb");
    QTest::newRow("space and non-ASCII") << QStringLiteral("rcpt é");
}

void tst_ApiClient::receiptIdNotAPathSegment()
{
    QFETCH(QString, id);
    const auto client = projectClient();

    const Outcome outcome = waitFor(client->receipt(id));

    // The whole id reaches the receipt route, which has no such receipt.
    QCOMPARE(outcome.status, 404);
    QCOMPARE(outcome.detail, QStringLiteral("Receipt not found"));
}

void tst_ApiClient::serverWithBasePath()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setDefaultResponse({404, "application/json", R"({"detail":"Missing"})"});
    ApiClient client;
    client.setServer(QUrl(server.baseUrl().toString() + QStringLiteral("/llmring/")));

    ApiReply *reply = client.health();
    const QUrl url = reply->url();
    const Outcome outcome = waitFor(reply);

    QCOMPARE(url.path(), QStringLiteral("/llmring/health"));
    QCOMPARE(outcome.message, QStringLiteral("The server answered with HTTP status 404: Missing"));
}

void tst_ApiClient::replyDeletesItself()
{
    const auto client = projectClient();
    QPointer<ApiReply> reply = client->health();

    waitFor(reply);

    QTRY_VERIFY_WITH_TIMEOUT(reply.isNull(), TestTimeoutMs);
}

QTEST_MAIN(tst_ApiClient)
#include "tst_apiclient.moc"
