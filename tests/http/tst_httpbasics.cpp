// SPDX-License-Identifier: MIT
// The HTTP layer against the real service: status codes and error bodies for unknown
// routes, wrong methods, content types and malformed bodies, X-Request-Id, the
// X-API-Key rules, CORS, the service information routes and the documentation routes.

#include "httpclient.h"
#include "rawhttpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "http/router.h"
#include "service.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

using Header = QPair<QByteArray, QByteArray>;

const QByteArray AllowedOrigin = QByteArrayLiteral("http://localhost:5173");

// Serializes a JSON value compactly, so a failed comparison prints both sides.
QByteArray compact(const QJsonValue &value)
{
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
}

// The `detail` of a 422 that reports one problem.
QJsonArray validationDetail(const QJsonArray &loc, const QString &msg, const QString &type)
{
    return QJsonArray{QJsonObject{{QStringLiteral("loc"), loc},
                                  {QStringLiteral("msg"), msg},
                                  {QStringLiteral("type"), type}}};
}

// The `detail` of a 422 for a body the strict parser rejects at byte `offset`.
QJsonArray invalidJsonDetail(qint64 offset, const QString &message)
{
    return validationDetail(QJsonArray{QStringLiteral("body"), offset},
                            QStringLiteral("Invalid JSON: %1 at byte %2").arg(message).arg(offset),
                            QStringLiteral("json_invalid"));
}

QJsonArray notAnObjectDetail()
{
    return validationDetail(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"),
                            QStringLiteral("type_error"));
}

QByteArray validLogBody()
{
    return QByteArrayLiteral(R"({"provider":"openai","model":"gpt-4o","input_tokens":10,"output_tokens":5})");
}

// Builds one HTTP/1.1 request byte for byte. Content-Length is added for POST and for
// any request with a body.
QByteArray rawRequest(const QByteArray &method, const QByteArray &target, const HeaderList &headers,
                      const QByteArray &body = {})
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n";
    request += body;
    return request;
}

// The items of a comma-separated header value such as Access-Control-Allow-Headers.
QList<QByteArray> headerItems(const QByteArray &value)
{
    QList<QByteArray> items;
    for (const QByteArray &item : value.split(','))
        items.append(item.trimmed());
    return items;
}

bool isGeneratedRequestId(const QByteArray &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{32}$"));
    return pattern.match(QString::fromLatin1(id)).hasMatch();
}

} // namespace

class tst_HttpBasics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void unknownRouteIsJson404_data();
    void unknownRouteIsJson404();
    void wrongMethodIs405WithAllow_data();
    void wrongMethodIs405WithAllow();
    void trailingSlashServedDirectly_data();
    void trailingSlashServedDirectly();

    void requestIdEchoed_data();
    void requestIdEchoed();
    void requestIdGeneratedWhenAbsent();
    void requestIdReplacedWhenUnusable_data();
    void requestIdReplacedWhenUnusable();
    void controlCharacterInHeaderIs400_data();
    void controlCharacterInHeaderIs400();
    void requestIdOnEveryStatus_data();
    void requestIdOnEveryStatus();

    void apiKeyRules_data();
    void apiKeyRules();
    void publicRouteNeedsNoKey_data();
    void publicRouteNeedsNoKey();

    void contentTypes_data();
    void contentTypes();
    void malformedBodyIs422_data();
    void malformedBodyIs422();

    void corsPreflightAllowed_data();
    void corsPreflightAllowed();
    void corsPreflightDisallowed_data();
    void corsPreflightDisallowed();
    void corsHeadersOnAllowedOrigin_data();
    void corsHeadersOnAllowedOrigin();
    void corsHeadersAbsentOtherwise_data();
    void corsHeadersAbsentOtherwise();

    void serviceInfo();
    void healthReportsDatabase();

    void openApiDocumentsEveryRoute();
    void openApiListsOnlyRoutedPaths();
    void docsPageServed();
    void docsAssetServed();
    void docsAssetNotFound_data();
    void docsAssetNotFound();

    // These two start a second service in this process, so they run last.
    void bodyOverLimitIs413();
    void firstServiceSurvivesSecond();
    void secondServerOnSamePortRefused();

private:
    RawExchange exchange(const QByteArray &request);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_HttpBasics::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("httpbasics"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_HttpBasics::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

RawExchange tst_HttpBasics::exchange(const QByteArray &request)
{
    return rawExchange(m_service.port(), request);
}

void tst_HttpBasics::unknownRouteIsJson404_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    QTest::newRow("unknown top level") << QByteArray("GET") << QStringLiteral("/no/such/route");
    QTest::newRow("api prefix only") << QByteArray("GET") << QStringLiteral("/api/v1");
    QTest::newRow("extra segment") << QByteArray("POST") << QStringLiteral("/api/v1/log/extra");
    QTest::newRow("other api version") << QByteArray("POST") << QStringLiteral("/api/v2/log");
    QTest::newRow("similar name") << QByteArray("GET") << QStringLiteral("/healthz");
    QTest::newRow("case differs") << QByteArray("GET") << QStringLiteral("/API/V1/STATS");
    QTest::newRow("assets folder") << QByteArray("GET") << QStringLiteral("/docs/assets");
    QTest::newRow("empty segment") << QByteArray("GET") << QStringLiteral("/api/v1//stats");
    QTest::newRow("delete unknown") << QByteArray("DELETE") << QStringLiteral("/api/v1/conversationz");
}

void tst_HttpBasics::unknownRouteIsJson404()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);

    const HttpResponse response = m_client->send(method, path, {}, apiKey("k"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.detail(), QStringLiteral("Not Found"));
    QVERIFY(isGeneratedRequestId(response.header("X-Request-Id")));
}

void tst_HttpBasics::wrongMethodIs405WithAllow_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allow");

    QTest::newRow("GET log") << QByteArray("GET") << QStringLiteral("/api/v1/log") << QByteArray("POST");
    QTest::newRow("PUT log") << QByteArray("PUT") << QStringLiteral("/api/v1/log") << QByteArray("POST");
    QTest::newRow("DELETE log") << QByteArray("DELETE") << QStringLiteral("/api/v1/log") << QByteArray("POST");
    QTest::newRow("GET log trailing slash") << QByteArray("GET") << QStringLiteral("/api/v1/log/") << QByteArray("POST");
    QTest::newRow("OPTIONS log without CORS headers")
        << QByteArray("OPTIONS") << QStringLiteral("/api/v1/log") << QByteArray("POST");
    QTest::newRow("POST stats") << QByteArray("POST") << QStringLiteral("/api/v1/stats") << QByteArray("GET");
    QTest::newRow("PATCH logs") << QByteArray("PATCH") << QStringLiteral("/api/v1/logs") << QByteArray("GET");
    QTest::newRow("POST root") << QByteArray("POST") << QStringLiteral("/") << QByteArray("GET");
    QTest::newRow("PUT health") << QByteArray("PUT") << QStringLiteral("/health") << QByteArray("GET");
    QTest::newRow("DELETE openapi") << QByteArray("DELETE") << QStringLiteral("/openapi.json") << QByteArray("GET");
    QTest::newRow("POST docs") << QByteArray("POST") << QStringLiteral("/docs") << QByteArray("GET");
    QTest::newRow("PUT docs asset")
        << QByteArray("PUT") << QStringLiteral("/docs/assets/swagger-ui.css") << QByteArray("GET");
}

void tst_HttpBasics::wrongMethodIs405WithAllow()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, allow);

    // No X-API-Key: a wrong method is reported before authentication.
    const HttpResponse response = m_client->send(method, path, {});

    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("Allow"), allow);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.detail(), QStringLiteral("Method Not Allowed"));
}

void tst_HttpBasics::trailingSlashServedDirectly_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const HeaderList key = apiKey("trailing-slash");
    const HeaderList json = {{"Content-Type", "application/json"}, {"X-API-Key", "trailing-slash"}};
    QTest::newRow("health") << rawRequest("GET", "/health/", {}) << 200;
    QTest::newRow("openapi") << rawRequest("GET", "/openapi.json/", {}) << 200;
    QTest::newRow("docs") << rawRequest("GET", "/docs/", {}) << 200;
    QTest::newRow("docs asset") << rawRequest("GET", "/docs/assets/swagger-ui.css/", {}) << 200;
    QTest::newRow("log") << rawRequest("POST", "/api/v1/log/", json, validLogBody()) << 201;
    QTest::newRow("stats") << rawRequest("GET", "/api/v1/stats/", key) << 200;
    QTest::newRow("logs") << rawRequest("GET", "/api/v1/logs/", key) << 200;
}

void tst_HttpBasics::trailingSlashServedDirectly()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    // Raw bytes, because QNetworkAccessManager would follow a redirect silently.
    const RawExchange result = exchange(request);

    QCOMPARE(result.responses.size(), 1);
    const HttpResponse &response = result.responses.first();
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Location"), QByteArray());
}

void tst_HttpBasics::requestIdEchoed_data()
{
    QTest::addColumn<QByteArray>("requestId");

    QTest::newRow("uuid") << QByteArray("3f2b8c1e-7d4a-4e59-9b1f-0a6c2d8e4f10");
    QTest::newRow("one character") << QByteArray("a");
    QTest::newRow("128 characters") << QByteArray(128, 'r');
    QTest::newRow("punctuation") << QByteArray("trace:abc/def=1;x@y!#$%&'*+.^_`|~");
    QTest::newRow("uppercase hex") << QByteArray("ABCDEF0123456789ABCDEF0123456789");
}

void tst_HttpBasics::requestIdEchoed()
{
    QFETCH(QByteArray, requestId);

    const HttpResponse response = m_client->get(QStringLiteral("/health"), {{"X-Request-Id", requestId}});

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("X-Request-Id"), requestId);
}

void tst_HttpBasics::requestIdGeneratedWhenAbsent()
{
    const HttpResponse first = m_client->get(QStringLiteral("/health"));
    const HttpResponse second = m_client->get(QStringLiteral("/health"));

    QCOMPARE(first.status, 200);
    QVERIFY2(isGeneratedRequestId(first.header("X-Request-Id")), first.header("X-Request-Id").constData());
    QVERIFY2(isGeneratedRequestId(second.header("X-Request-Id")), second.header("X-Request-Id").constData());
    QVERIFY(first.header("X-Request-Id") != second.header("X-Request-Id"));
}

void tst_HttpBasics::requestIdReplacedWhenUnusable_data()
{
    QTest::addColumn<QByteArray>("requestId");

    QTest::newRow("129 characters") << QByteArray(129, 'r');
    QTest::newRow("inner space") << QByteArray("abc def");
    QTest::newRow("inner tab") << QByteArray("abc\tdef");
    QTest::newRow("non-ASCII") << QByteArray("abc\xc3\xa9" "def");
}

void tst_HttpBasics::controlCharacterInHeaderIs400_data()
{
    QTest::addColumn<QByteArray>("value");

    QTest::newRow("control character") << QByteArray("abc\x01" "def");
    QTest::newRow("DEL character") << QByteArray("abc\x7f" "def");
}

void tst_HttpBasics::controlCharacterInHeaderIs400()
{
    QFETCH(QByteArray, value);

    // The connection guard rejects the request before QHttpServer parses it.
    const RawExchange result = exchange(rawRequest("GET", "/health", {{"X-Request-Id", value}}));

    QCOMPARE(result.responses.size(), 1);
    const HttpResponse &response = result.responses.first();
    QCOMPARE(response.status, 400);
    QCOMPARE(response.detail(), QStringLiteral("Malformed request: invalid character in header x-request-id"));
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QVERIFY2(isGeneratedRequestId(response.header("X-Request-Id")), response.header("X-Request-Id").constData());
}

void tst_HttpBasics::requestIdReplacedWhenUnusable()
{
    QFETCH(QByteArray, requestId);

    // Raw bytes, so the header reaches the service exactly as written.
    const RawExchange result = exchange(rawRequest("GET", "/health", {{"X-Request-Id", requestId}}));

    QCOMPARE(result.responses.size(), 1);
    const HttpResponse &response = result.responses.first();
    QCOMPARE(response.status, 200);
    QVERIFY2(isGeneratedRequestId(response.header("X-Request-Id")), response.header("X-Request-Id").constData());
}

void tst_HttpBasics::requestIdOnEveryStatus_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    const QByteArray key = QByteArrayLiteral("request-id-project");
    QTest::newRow("200") << QByteArray("GET") << QStringLiteral("/health") << HeaderList{} << QByteArray() << 200;
    QTest::newRow("201") << QByteArray("POST") << QStringLiteral("/api/v1/log") << apiKey(key) << validLogBody()
                         << 201;
    QTest::newRow("204 preflight")
        << QByteArray("OPTIONS") << QStringLiteral("/api/v1/log")
        << HeaderList{{"Origin", AllowedOrigin}, {"Access-Control-Request-Method", "POST"}} << QByteArray() << 204;
    QTest::newRow("400") << QByteArray("GET") << QStringLiteral("/api/v1/stats") << apiKey("two words")
                         << QByteArray() << 400;
    QTest::newRow("401") << QByteArray("GET") << QStringLiteral("/api/v1/stats") << HeaderList{} << QByteArray()
                         << 401;
    QTest::newRow("404") << QByteArray("GET") << QStringLiteral("/no/such/route") << HeaderList{} << QByteArray()
                         << 404;
    QTest::newRow("405") << QByteArray("DELETE") << QStringLiteral("/api/v1/stats") << HeaderList{}
                         << QByteArray() << 405;
    QTest::newRow("415") << QByteArray("POST") << QStringLiteral("/api/v1/log")
                         << HeaderList{{"X-API-Key", key}, {"Content-Type", "text/plain"}} << validLogBody() << 415;
    QTest::newRow("422") << QByteArray("POST") << QStringLiteral("/api/v1/log") << apiKey(key) << QByteArray("{}")
                         << 422;
}

void tst_HttpBasics::requestIdOnEveryStatus()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    const QByteArray requestId = QByteArray("status-" + QByteArray(QTest::currentDataTag()).replace(' ', '-'));
    HeaderList withId = headers;
    withId.append(Header("X-Request-Id", requestId));

    const HttpResponse echoed = m_client->send(method, path, body, withId);
    const HttpResponse generated = m_client->send(method, path, body, headers);

    QCOMPARE(echoed.status, status);
    QCOMPARE(echoed.header("X-Request-Id"), requestId);
    QCOMPARE(generated.status, status);
    QVERIFY2(isGeneratedRequestId(generated.header("X-Request-Id")), generated.header("X-Request-Id").constData());
}

void tst_HttpBasics::apiKeyRules_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail");

    struct ProjectRoute
    {
        const char *name;
        QByteArray method;
        QByteArray target;
        int successStatus;
    };
    const QList<ProjectRoute> routes = {
        {"log", "POST", "/api/v1/log", 201},
        {"stats", "GET", "/api/v1/stats", 200},
        {"logs", "GET", "/api/v1/logs", 200},
    };

    struct KeyCase
    {
        const char *name;
        HeaderList headers; // the X-API-Key headers, without Content-Type
        bool succeeds;
        int status; // when it does not succeed
        QString detail;
    };
    const QString required = QStringLiteral("X-API-Key header required");
    const QString tooLong = QStringLiteral("X-API-Key too long");
    const QString whitespace = QStringLiteral("X-API-Key must not contain whitespace");
    const QString printable = QStringLiteral("X-API-Key must be printable UTF-8 text");
    QByteArray nonAsciiKey;
    for (int i = 0; i < 255; ++i)
        nonAsciiKey += "\xc3\xa9"; // U+00E9, two bytes in UTF-8
    const QList<KeyCase> cases = {
        {"header absent", {}, false, 401, required},
        {"empty", {{"X-API-Key", ""}}, false, 401, required},
        {"spaces only", {{"X-API-Key", "   "}}, false, 401, required},
        {"tab only", {{"X-API-Key", "\t"}}, false, 401, required},
        {"255 characters", {{"X-API-Key", QByteArray(255, 'k')}}, true, 0, {}},
        {"255 two-byte characters", {{"X-API-Key", nonAsciiKey}}, true, 0, {}},
        {"256 characters", {{"X-API-Key", QByteArray(256, 'k')}}, false, 400, tooLong},
        {"256 two-byte characters", {{"X-API-Key", nonAsciiKey + "\xc3\xa9"}}, false, 400, tooLong},
        {"inner space", {{"X-API-Key", "project one"}}, false, 400, whitespace},
        {"inner tab", {{"X-API-Key", "project\tone"}}, false, 400, whitespace},
        {"leading byte order mark", {{"X-API-Key", "\xef\xbb\xbfproject-one"}}, false, 400, printable},
        {"right-to-left mark", {{"X-API-Key", "project\xe2\x80\x8fone"}}, false, 400, printable},
        {"invalid UTF-8", {{"X-API-Key", "project\xffone"}}, false, 400, printable},
        {"surrounding spaces", {{"X-API-Key", "  project-one  "}}, true, 0, {}},
        {"lowercase header name", {{"x-api-key", "project-one"}}, true, 0, {}},
        {"uppercase header name", {{"X-API-KEY", "project-one"}}, true, 0, {}},
    };

    for (const ProjectRoute &route : routes) {
        for (const KeyCase &keyCase : cases) {
            HeaderList headers = keyCase.headers;
            QByteArray body;
            if (route.method == "POST") {
                headers.append(Header("Content-Type", "application/json"));
                body = validLogBody();
            }
            QTest::addRow("%s: %s", route.name, keyCase.name)
                << rawRequest(route.method, route.target, headers, body)
                << (keyCase.succeeds ? route.successStatus : keyCase.status) << keyCase.detail;
        }
    }
}

void tst_HttpBasics::apiKeyRules()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, detail);

    // Raw bytes, so empty and whitespace-only values reach the service as written.
    const RawExchange result = exchange(request);

    QCOMPARE(result.responses.size(), 1);
    const HttpResponse &response = result.responses.first();
    QCOMPARE(response.status, status);
    QCOMPARE(response.detail(), detail);
}

void tst_HttpBasics::publicRouteNeedsNoKey_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<HeaderList>("headers");

    QTest::newRow("root") << QStringLiteral("/") << HeaderList{};
    QTest::newRow("health") << QStringLiteral("/health") << HeaderList{};
    QTest::newRow("openapi") << QStringLiteral("/openapi.json") << HeaderList{};
    QTest::newRow("docs") << QStringLiteral("/docs") << HeaderList{};
    QTest::newRow("health with an invalid key") << QStringLiteral("/health") << apiKey("two words");
}

void tst_HttpBasics::publicRouteNeedsNoKey()
{
    QFETCH(QString, path);
    QFETCH(HeaderList, headers);

    const HttpResponse response = m_client->get(path, headers);

    QCOMPARE(response.status, 200);
}

void tst_HttpBasics::contentTypes_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("detail"); // compact JSON of `detail`, empty when absent

    const QByteArray unsupported = compact(QStringLiteral("Content-Type must be application/json"));
    const auto post = [](const QByteArray &contentType, const QByteArray &body = validLogBody()) {
        HeaderList headers = apiKey("content-types");
        if (!contentType.isNull())
            headers.append(Header("Content-Type", contentType));
        return rawRequest("POST", "/api/v1/log", headers, body);
    };

    QTest::newRow("application/json") << post("application/json") << 201 << QByteArray();
    QTest::newRow("with charset") << post("application/json; charset=utf-8") << 201 << QByteArray();
    QTest::newRow("uppercase") << post("Application/JSON") << 201 << QByteArray();
    QTest::newRow("missing, JSON body") << post(QByteArray()) << 201 << QByteArray();
    QTest::newRow("missing, invalid body")
        << post(QByteArray(), "provider=openai") << 422
        << compact(invalidJsonDetail(0, QStringLiteral("unexpected character 'p'")));
    QTest::newRow("text/plain") << post("text/plain") << 415 << unsupported;
    QTest::newRow("form") << post("application/x-www-form-urlencoded") << 415 << unsupported;
    QTest::newRow("multipart") << post("multipart/form-data; boundary=x") << 415 << unsupported;
    QTest::newRow("json suffix") << post("application/merge-patch+json") << 415 << unsupported;
    QTest::newRow("json prefix") << post("application/jsonl") << 415 << unsupported;
}

void tst_HttpBasics::contentTypes()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QByteArray, detail);

    // Raw bytes, because QNetworkAccessManager adds a Content-Type to every body.
    const RawExchange result = exchange(request);

    QCOMPARE(result.responses.size(), 1);
    const HttpResponse &response = result.responses.first();
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    const QJsonValue actualDetail = response.json().toObject().value(QStringLiteral("detail"));
    QCOMPARE(actualDetail.isUndefined() ? QByteArray() : compact(actualDetail), detail);
}

void tst_HttpBasics::malformedBodyIs422_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("detail");

    const QJsonArray emptyBody = validationDetail(QJsonArray{QStringLiteral("body")},
                                                  QStringLiteral("field required: the request body is empty"),
                                                  QStringLiteral("missing"));
    QTest::newRow("empty") << QByteArray() << emptyBody;
    QTest::newRow("white space only") << QByteArray(" \r\n\t ") << emptyBody;
    QTest::newRow("not JSON") << QByteArray("hello")
                              << invalidJsonDetail(0, QStringLiteral("unexpected character 'h'"));
    QTest::newRow("truncated") << QByteArray(R"({"provider": "openai", "model")")
                               << invalidJsonDetail(30, QStringLiteral("unexpected end of input"));
    QTest::newRow("invalid UTF-8 byte") << QByteArray("{\"provider\": \"open\xff" "ai\"}")
                                        << invalidJsonDetail(18, QStringLiteral("invalid UTF-8 sequence"));
    QTest::newRow("overlong UTF-8") << QByteArray("{\"provider\": \"\xc0\xaf\"}")
                                    << invalidJsonDetail(14, QStringLiteral("invalid UTF-8 sequence"));
    QTest::newRow("lone high surrogate")
        << QByteArray(R"({"provider": "x\ud800"})")
        << invalidJsonDetail(15, QStringLiteral("lone surrogate escape \\ud800"));
    QTest::newRow("lone low surrogate")
        << QByteArray(R"({"provider": "\udc00x"})")
        << invalidJsonDetail(14, QStringLiteral("lone surrogate escape \\udc00"));
    QTest::newRow("escaped U+0000") << QByteArray(R"({"provider": "a\u0000b"})")
                                    << invalidJsonDetail(15, QStringLiteral("U+0000 is not allowed in strings"));
    QTest::newRow("raw U+0000") << QByteArray("{\"provider\": \"a\0b\"}", 19)
                                << invalidJsonDetail(15, QStringLiteral("U+0000 is not allowed in strings"));
    QTest::newRow("nesting 65 deep") << QByteArray(65, '[') + QByteArray(65, ']')
                                     << invalidJsonDetail(64, QStringLiteral("nesting deeper than 64 levels"));
    QTest::newRow("nesting 64 deep") << QByteArray(64, '[') + QByteArray(64, ']') << notAnObjectDetail();
    QTest::newRow("duplicate member")
        << QByteArray(R"({"model": "a", "model": "b"})")
        << invalidJsonDetail(15, QStringLiteral("duplicate member name \"model\""));
    QTest::newRow("number 1e400") << QByteArray(R"({"cost": 1e400})")
                                  << invalidJsonDetail(9, QStringLiteral("number out of range"));
    QTest::newRow("NaN") << QByteArray(R"({"cost": NaN})")
                         << invalidJsonDetail(9, QStringLiteral("NaN is not a valid JSON number"));
    QTest::newRow("trailing data") << QByteArray("{} x")
                                   << invalidJsonDetail(3, QStringLiteral("trailing data after the JSON value"));
    QTest::newRow("byte order mark")
        << QByteArray("\xef\xbb\xbf{}")
        << invalidJsonDetail(0, QStringLiteral("UTF-8 byte order mark is not allowed"));
    QTest::newRow("array") << QByteArray("[]") << notAnObjectDetail();
    QTest::newRow("string") << QByteArray(R"("text")") << notAnObjectDetail();
    QTest::newRow("number") << QByteArray("42") << notAnObjectDetail();
    QTest::newRow("null") << QByteArray("null") << notAnObjectDetail();
}

void tst_HttpBasics::malformedBodyIs422()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = m_client->post(QStringLiteral("/api/v1/log"), body, apiKey("malformed"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(compact(response.json().toObject().value(QStringLiteral("detail"))), compact(detail));
}

void tst_HttpBasics::corsPreflightAllowed_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("requestMethod");
    QTest::addColumn<QByteArray>("allowMethods");

    QTest::newRow("log") << QStringLiteral("/api/v1/log") << AllowedOrigin << QByteArray("POST") << QByteArray("POST");
    QTest::newRow("stats") << QStringLiteral("/api/v1/stats") << AllowedOrigin << QByteArray("GET")
                           << QByteArray("GET");
    QTest::newRow("logs, second origin") << QStringLiteral("/api/v1/logs") << QByteArray("http://localhost:5174")
                                         << QByteArray("GET") << QByteArray("GET");
    QTest::newRow("health") << QStringLiteral("/health") << AllowedOrigin << QByteArray("GET") << QByteArray("GET");
}

void tst_HttpBasics::corsPreflightAllowed()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, requestMethod);
    QFETCH(QByteArray, allowMethods);

    const HttpResponse response =
        m_client->send("OPTIONS", path, {},
                       {{"Origin", origin},
                        {"Access-Control-Request-Method", requestMethod},
                        {"Access-Control-Request-Headers", "content-type, x-api-key"}});

    QCOMPARE(response.status, 204);
    QCOMPARE(response.body, QByteArray());
    QCOMPARE(response.header("Access-Control-Allow-Origin"), origin);
    QCOMPARE(response.header("Access-Control-Allow-Methods"), allowMethods);
    const QList<QByteArray> allowedHeaders = headerItems(response.header("Access-Control-Allow-Headers"));
    QVERIFY2(allowedHeaders.contains("X-API-Key"), response.header("Access-Control-Allow-Headers").constData());
    QVERIFY2(allowedHeaders.contains("Content-Type"), response.header("Access-Control-Allow-Headers").constData());
}

void tst_HttpBasics::corsPreflightDisallowed_data()
{
    QTest::addColumn<QByteArray>("origin");

    QTest::newRow("other host") << QByteArray("http://evil.example");
    QTest::newRow("other port") << QByteArray("http://localhost:8080");
    QTest::newRow("https scheme") << QByteArray("https://localhost:5173");
    QTest::newRow("allowed origin as prefix") << QByteArray("http://localhost:5173.evil.example");
    QTest::newRow("opaque origin") << QByteArray("null");
}

void tst_HttpBasics::corsPreflightDisallowed()
{
    QFETCH(QByteArray, origin);

    const HttpResponse response = m_client->send(
        "OPTIONS", QStringLiteral("/api/v1/log"), {}, {{"Origin", origin}, {"Access-Control-Request-Method", "POST"}});

    QCOMPARE(response.status, 400);
    QCOMPARE(response.detail(), QStringLiteral("Disallowed CORS origin"));
    QCOMPARE(response.header("Access-Control-Allow-Origin"), QByteArray());
    QCOMPARE(response.header("Access-Control-Allow-Methods"), QByteArray());
}

void tst_HttpBasics::corsHeadersOnAllowedOrigin_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<int>("status");

    QTest::newRow("health") << QStringLiteral("/health") << HeaderList{{"Origin", AllowedOrigin}} << 200;
    QTest::newRow("logs") << QStringLiteral("/api/v1/logs")
                          << HeaderList{{"Origin", AllowedOrigin}, {"X-API-Key", "cors"}} << 200;
    QTest::newRow("error response") << QStringLiteral("/api/v1/stats") << HeaderList{{"Origin", AllowedOrigin}}
                                    << 401;
}

void tst_HttpBasics::corsHeadersOnAllowedOrigin()
{
    QFETCH(QString, path);
    QFETCH(HeaderList, headers);
    QFETCH(int, status);

    const HttpResponse response = m_client->get(path, headers);

    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Access-Control-Allow-Origin"), AllowedOrigin);
    const QList<QByteArray> exposed = headerItems(response.header("Access-Control-Expose-Headers"));
    QVERIFY2(exposed.contains("X-Request-Id"), response.header("Access-Control-Expose-Headers").constData());
    QVERIFY2(exposed.contains("X-Total-Count"), response.header("Access-Control-Expose-Headers").constData());
}

void tst_HttpBasics::corsHeadersAbsentOtherwise_data()
{
    QTest::addColumn<HeaderList>("headers");

    QTest::newRow("disallowed origin") << HeaderList{{"Origin", "http://evil.example"}};
    QTest::newRow("no origin") << HeaderList{};
}

void tst_HttpBasics::corsHeadersAbsentOtherwise()
{
    QFETCH(HeaderList, headers);

    const HttpResponse response = m_client->get(QStringLiteral("/health"), headers);

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Access-Control-Allow-Origin"), QByteArray());
    QCOMPARE(response.header("Access-Control-Expose-Headers"), QByteArray());
}

void tst_HttpBasics::serviceInfo()
{
    const HttpResponse response = m_client->get(QStringLiteral("/"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject info = response.json().toObject();
    QCOMPARE(info.value(QStringLiteral("name")).toString(), QStringLiteral("LLMRing Server"));
    QCOMPARE(info.value(QStringLiteral("version")).toString(), QStringLiteral(LLMRING_VERSION));
    QCOMPARE(info.value(QStringLiteral("docs")).toString(), QStringLiteral("/docs"));
    QCOMPARE(info.value(QStringLiteral("registry")).toString(), QStringLiteral("/registry"));
    QCOMPARE(info.keys(), QStringList({QStringLiteral("docs"), QStringLiteral("name"), QStringLiteral("registry"),
                                       QStringLiteral("version")}));
}

void tst_HttpBasics::healthReportsDatabase()
{
    const HttpResponse response = m_client->get(QStringLiteral("/health"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.body, QByteArray(R"({"database":"connected","status":"healthy"})"));
}

void tst_HttpBasics::openApiDocumentsEveryRoute()
{
    // The documentation routes serve the document and need not describe themselves.
    const QStringList undocumented = {QStringLiteral("/openapi.json"), QStringLiteral("/docs"),
                                      QStringLiteral("/docs/assets/{file}")};

    const HttpResponse response = m_client->get(QStringLiteral("/openapi.json"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    QCOMPARE(document.object().value(QStringLiteral("openapi")).toString(), QStringLiteral("3.1.0"));
    const QJsonObject paths = document.object().value(QStringLiteral("paths")).toObject();
    QStringList missing;
    int checked = 0;
    for (const Route &route : m_service.service().router().routes()) {
        if (undocumented.contains(route.pattern))
            continue;
        for (const Endpoint &endpoint : route.endpoints) {
            const QString method = Router::methodName(endpoint.method).toLower();
            if (!paths.value(route.pattern).toObject().contains(method))
                missing.append(method + u' ' + route.pattern);
            ++checked;
        }
    }
    QVERIFY(checked > 0);
    QCOMPARE(missing, QStringList());
}

void tst_HttpBasics::openApiListsOnlyRoutedPaths()
{
    const QStringList operationKeys = {QStringLiteral("get"),    QStringLiteral("put"),
                                       QStringLiteral("post"),   QStringLiteral("delete"),
                                       QStringLiteral("patch"),  QStringLiteral("head"),
                                       QStringLiteral("options"), QStringLiteral("trace")};

    const HttpResponse response = m_client->get(QStringLiteral("/openapi.json"));

    QCOMPARE(response.status, 200);
    const QJsonObject paths = response.json().toObject().value(QStringLiteral("paths")).toObject();
    QVERIFY(!paths.isEmpty());
    QStringList unrouted;
    const QList<Route> &routes = m_service.service().router().routes();
    for (auto path = paths.constBegin(); path != paths.constEnd(); ++path) {
        const auto route = std::find_if(routes.cbegin(), routes.cend(),
                                        [&path](const Route &candidate) { return candidate.pattern == path.key(); });
        const QStringList documentedMethods = path.value().toObject().keys();
        for (const QString &method : documentedMethods) {
            if (!operationKeys.contains(method))
                continue; // "parameters", "summary" and other path-level members
            const bool routed = route != routes.cend()
                && std::any_of(route->endpoints.cbegin(), route->endpoints.cend(), [&method](const Endpoint &e) {
                                    return Router::methodName(e.method).toLower() == method;
                                });
            if (!routed)
                unrouted.append(method + u' ' + path.key());
        }
    }
    QCOMPARE(unrouted, QStringList());
}

void tst_HttpBasics::docsPageServed()
{
    const HttpResponse response = m_client->get(QStringLiteral("/docs"));

    QCOMPARE(response.status, 200);
    QVERIFY2(response.header("Content-Type").startsWith("text/html"), response.header("Content-Type").constData());
    QVERIFY(response.body.contains("swagger-ui"));
    QVERIFY(response.body.contains("/openapi.json"));
}

void tst_HttpBasics::docsAssetServed()
{
    // The test links the service library, so the compiled-in asset is readable here too.
    QFile asset(QStringLiteral(":/docs/assets/swagger-ui-bundle.js"));
    QVERIFY2(asset.open(QIODevice::ReadOnly), qPrintable(asset.errorString()));
    const QByteArray expected = asset.readAll();

    const HttpResponse response = m_client->get(QStringLiteral("/docs/assets/swagger-ui-bundle.js"));

    QCOMPARE(response.status, 200);
    const QByteArray contentType = response.header("Content-Type");
    QVERIFY2(contentType == "application/javascript" || contentType == "text/javascript", contentType.constData());
    QCOMPARE(response.body.size(), expected.size());
    QVERIFY(response.body == expected);
}

void tst_HttpBasics::docsAssetNotFound_data()
{
    QTest::addColumn<QByteArray>("target");

    QTest::newRow("dot segments") << QByteArray("/docs/assets/../openapi.json");
    QTest::newRow("encoded dot segments") << QByteArray("/docs/assets/%2e%2e%2fopenapi.json");
    QTest::newRow("encoded slash") << QByteArray("/docs/assets/..%2F..%2Fopenapi%2Fopenapi.json");
    QTest::newRow("encoded parent") << QByteArray("/docs/assets/%2e%2e");
    QTest::newRow("resource root") << QByteArray("/docs/assets/%3A%2Fopenapi%2Fopenapi.json");
    QTest::newRow("hidden name") << QByteArray("/docs/assets/.swagger-ui.css");
    QTest::newRow("unknown asset") << QByteArray("/docs/assets/unknown.js");
    QTest::newRow("unknown name without extension") << QByteArray("/docs/assets/README");
}

void tst_HttpBasics::docsAssetNotFound()
{
    QFETCH(QByteArray, target);

    // Raw bytes, so the dot segments and escapes reach the service unchanged.
    const RawExchange result = exchange(rawRequest("GET", target, {}));

    QCOMPARE(result.responses.size(), 1);
    const HttpResponse &response = result.responses.first();
    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.detail(), QStringLiteral("Not Found"));
}

void tst_HttpBasics::bodyOverLimitIs413()
{
    constexpr qint64 limit = 2048;
    Settings settings = m_database->settings();
    settings.maxBodyBytes = limit;
    TestService limited;
    QString error;
    QVERIFY2(limited.start(settings, &error), qPrintable(error));
    HttpClient client(limited.baseUrl());
    // Valid JSON padded with white space to the exact limit, and one byte more.
    const QByteArray atLimit = validLogBody().leftJustified(limit, ' ');
    const QByteArray overLimit = atLimit + ' ';

    const HttpResponse accepted = client.post(QStringLiteral("/api/v1/log"), atLimit, apiKey("body-limit"));
    const HttpResponse rejected = client.post(QStringLiteral("/api/v1/log"), overLimit,
                                              {{"X-API-Key", "body-limit"}, {"X-Request-Id", "too-large"}});

    QCOMPARE(accepted.status, 201);
    QCOMPARE(rejected.status, 413);
    QCOMPARE(rejected.detail(), QStringLiteral("Request body too large (max 2048 bytes)"));
    QCOMPARE(rejected.header("X-Request-Id"), QByteArray("too-large"));
}

void tst_HttpBasics::firstServiceSurvivesSecond()
{
    // Each raw exchange opens a new connection, and the kernel spreads connections
    // over the worker loops. A dozen of them reach both loops of a service with near
    // certainty, so each loop has prepared its statements before the second service starts.
    constexpr int connections = 12;
    // QtSql replaces a connection when another one is added under the same name, so
    // each service's worker loops need connection names of their own.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("duplicate connection name")));
    const QByteArray request = rawRequest("GET", "/api/v1/logs", apiKey("two-services"));
    const auto statusesOf = [&request](quint16 port) {
        QList<int> statuses;
        for (int i = 0; i < connections; ++i) {
            const RawExchange result = rawExchange(port, request);
            statuses.append(result.responses.isEmpty() ? 0 : result.responses.first().status);
        }
        return statuses;
    };
    const QList<int> allOk(connections, 200);
    // A fresh first service, so that this check does not depend on what earlier tests did.
    m_service.stop();
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    const QList<int> firstBefore = statusesOf(m_service.port());
    TestService second;
    QVERIFY2(second.start(m_database->settings(), &error), qPrintable(error));
    const QList<int> throughSecond = statusesOf(second.port());
    second.stop();

    const QList<int> firstAfter = statusesOf(m_service.port());

    QCOMPARE(firstBefore, allOk);
    QCOMPARE(throughSecond, allOk);
    QCOMPARE(firstAfter, allOk);
}

// Worker sockets share their port through SO_REUSEPORT, which must not let a second
// server join a port that one already serves.
void tst_HttpBasics::secondServerOnSamePortRefused()
{
    Settings settings = m_database->settings();
    settings.port = m_service.port();
    TestService second;
    QString error;

    const bool started = second.start(settings, &error);

    QVERIFY(!started);
    QCOMPARE(error, QStringLiteral("cannot listen on 127.0.0.1:%1: Address already in use; "
                                   "is another llmring-server running?")
                        .arg(settings.port));
    // An earlier test restarts the first service on a new port, so m_client may be stale.
    HttpClient client(m_service.baseUrl());
    QCOMPARE(client.get(QStringLiteral("/health")).status, 200);
}

QTEST_GUILESS_MAIN(tst_HttpBasics)
#include "tst_httpbasics.moc"
