// SPDX-License-Identifier: MIT
// Library mode: the service's routes registered on a host program's own QHttpServer,
// beside a route of the host, with the service's JSON 404 as the missing handler.

#include "httpclient.h"
#include "testdatabase.h"

#include "service.h"

#include <QHttpServer>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>

#include "server/guardedtcpserver.h"
#include <QTest>
#include <QUuid>

using namespace llmring;
using namespace llmring::test;

namespace {

// A host program as the library expects one. The host owns the QHttpServer, its
// listening socket and its own routes. The service is declared first so that it
// outlives the server it registered on.
struct HostProgram
{
    std::unique_ptr<Service> service;
    QHttpServer server;
    quint16 port = 0;

    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }
};

// Creates the service with `options`, registers it beside the host's GET /host/ping
// and listens on a free loopback port. Returns nullptr with *error on failure.
std::unique_ptr<HostProgram> startHost(const ServiceOptions &options, QString *error)
{
    auto host = std::make_unique<HostProgram>();
    host->service = Service::create(options, error);
    if (!host->service)
        return nullptr;

    host->server.route(QStringLiteral("/host/ping"), QHttpServerRequest::Method::Get,
                       [] { return QStringLiteral("pong"); });
    host->service->registerRoutes(host->server);
    host->server.setMissingHandler(Service::missingHandler());

    auto *listener = new QTcpServer(&host->server);
    if (!listener->listen(QHostAddress(QHostAddress::LocalHost), 0)) {
        *error = QStringLiteral("cannot listen on 127.0.0.1: %1").arg(listener->errorString());
        delete listener;
        return nullptr;
    }
    host->port = listener->serverPort();
    host->server.bind(listener);
    return host;
}

QByteArray logBody(const QString &model, int inputTokens, int outputTokens)
{
    return QStringLiteral(R"({"provider":"openai","model":"%1","input_tokens":%2,"output_tokens":%3})")
        .arg(model)
        .arg(inputTokens)
        .arg(outputTokens)
        .toUtf8();
}

bool isGeneratedRequestId(const QByteArray &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{32}$"));
    return pattern.match(QString::fromLatin1(id)).hasMatch();
}

} // namespace

class tst_LibraryMode final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void hostRouteServed();
    void guardProtectsHost();
    void usageLogStored();
    void statsThroughHost();
    void unknownPathIsJson404_data();
    void unknownPathIsJson404();
    void unknownPathEchoesRequestId();
    void wrongMethodIs405_data();
    void wrongMethodIs405();
    void metaRoutesExcluded_data();
    void metaRoutesExcluded();
    void unmigratedSchemaIs500();

    // Runs last, because two services whose connections share a name on one thread
    // can crash the process.
    void twoServicesOnOneThread();

private:
    ServiceOptions defaultOptions() const;

    std::unique_ptr<TestDatabase> m_database;
};

void tst_LibraryMode::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("librarymode"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    // Migrates the suite's schema once, so later hosts can skip migrations.
    QString error;
    QVERIFY2(migrateDatabase(m_database->settings(), &error), qPrintable(error));
}

void tst_LibraryMode::cleanupTestCase()
{
    m_database.reset();
}

ServiceOptions tst_LibraryMode::defaultOptions() const
{
    ServiceOptions options;
    options.settings = m_database->settings();
    return options;
}

void tst_LibraryMode::hostRouteServed()
{
    QString error;
    const auto host = startHost(defaultOptions(), &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("/host/ping"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("pong"));
}

// A host that listens through the service's connection guard gets its limits on every
// route, its own included: an oversized body is refused before it is buffered.
void tst_LibraryMode::guardProtectsHost()
{
    ServiceOptions options;
    options.settings = m_database->settings();
    QString error;
    auto service = Service::create(options, &error);
    QVERIFY2(service, qPrintable(error));
    QHttpServer server;
    server.route(QStringLiteral("/host/ping"), QHttpServerRequest::Method::Get, [] { return QStringLiteral("pong"); });
    service->registerRoutes(server);
    auto *listener = new GuardedTcpServer(options.settings.guardSettings());
    QVERIFY(listener->listen(QHostAddress(QHostAddress::LocalHost), 0));
    const quint16 port = listener->serverPort();
    server.bind(listener);

    // The host serves on this thread, so the clients must not block it.
    HttpClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    const HttpResponse ping = client.get(QStringLiteral("/host/ping"));
    QTcpSocket huge;
    huge.connectToHost(QHostAddress::LocalHost, port);
    huge.write("POST /host/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += huge.readAll()).contains("}"), 10000);

    QCOMPARE(ping.status, 200);
    QCOMPARE(ping.body, QByteArray("pong"));
    QVERIFY2(received.startsWith("HTTP/1.1 413 Payload Too Large\r\n"), received.constData());
    const QByteArray expectedBody = QByteArrayLiteral("{\"detail\":\"Request body too large (max 10485760 bytes)\"}");
    QVERIFY2(received.endsWith(expectedBody), received.constData());
}

void tst_LibraryMode::usageLogStored()
{
    QString error;
    const auto host = startHost(defaultOptions(), &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());

    // The handler runs on this thread, inside the client's local event loop.
    const HttpResponse response =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("gpt-4o-mini"), 120, 30),
                    apiKey("library-log"));

    QCOMPARE(response.status, 201);
    const QString logId = response.json().toObject().value(QStringLiteral("log_id")).toString();
    QVERIFY2(!QUuid::fromString(logId).isNull(), qPrintable(logId));
    const QVariantMap row{{QStringLiteral("id"), logId}, {QStringLiteral("key"), QStringLiteral("library-log")}};
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs "
                                         "WHERE id = CAST(:id AS uuid) AND api_key_id = :key"),
                          row)
                 .toLongLong(),
             1);
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT model || ' ' || input_tokens || ' ' || output_tokens "
                                         "FROM {{schema}}.usage_logs WHERE id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), logId}})
                 .toString(),
             QStringLiteral("gpt-4o-mini 120 30"));
}

void tst_LibraryMode::statsThroughHost()
{
    QString error;
    const auto host = startHost(defaultOptions(), &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());
    const HeaderList key = apiKey("library-stats");
    const HttpResponse first = client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("gpt-4o"), 100, 20), key);
    const HttpResponse second = client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("gpt-4o"), 50, 10), key);
    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);

    const HttpResponse response = client.get(QStringLiteral("/api/v1/stats"), key);

    QCOMPARE(response.status, 200);
    const QJsonObject summary = response.json().toObject().value(QStringLiteral("summary")).toObject();
    QCOMPARE(summary.value(QStringLiteral("total_requests")).toInteger(), 2);
    QCOMPARE(summary.value(QStringLiteral("total_tokens")).toInteger(), 180);
    QCOMPARE(summary.value(QStringLiteral("unique_models")).toInteger(), 1);
}

void tst_LibraryMode::unknownPathIsJson404_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    QTest::newRow("unknown path") << QByteArray("GET") << QStringLiteral("/no/such/route");
    QTest::newRow("under the host's prefix") << QByteArray("GET") << QStringLiteral("/host/unknown");
    QTest::newRow("under the API prefix") << QByteArray("POST") << QStringLiteral("/api/v1/log/extra");
    // QHttpServer 6.4 hands a wrong method on a host route to the missing handler, so
    // the host's own routes get a 404 where the service's routes get a 405.
    QTest::newRow("wrong method on a host route") << QByteArray("POST") << QStringLiteral("/host/ping");
}

void tst_LibraryMode::unknownPathIsJson404()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QString error;
    const auto host = startHost(defaultOptions(), &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());

    const HttpResponse response = client.send(method, path, {});

    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.body, QByteArray(R"({"detail":"Not Found"})"));
    QVERIFY2(isGeneratedRequestId(response.header("X-Request-Id")), response.header("X-Request-Id").constData());
}

void tst_LibraryMode::unknownPathEchoesRequestId()
{
    QString error;
    const auto host = startHost(defaultOptions(), &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());

    const HttpResponse response = client.get(QStringLiteral("/no/such/route"), {{"X-Request-Id", "host-trace-1"}});

    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("X-Request-Id"), QByteArray("host-trace-1"));
}

void tst_LibraryMode::wrongMethodIs405_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allow");

    QTest::newRow("DELETE log") << QByteArray("DELETE") << QStringLiteral("/api/v1/log") << QByteArray("POST");
    QTest::newRow("GET log trailing slash") << QByteArray("GET") << QStringLiteral("/api/v1/log/") << QByteArray("POST");
    QTest::newRow("POST stats") << QByteArray("POST") << QStringLiteral("/api/v1/stats") << QByteArray("GET");
    QTest::newRow("PUT health") << QByteArray("PUT") << QStringLiteral("/health") << QByteArray("GET");
}

void tst_LibraryMode::wrongMethodIs405()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, allow);
    QString error;
    const auto host = startHost(defaultOptions(), &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());

    const HttpResponse response = client.send(method, path, {});

    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("Allow"), allow);
    QCOMPARE(response.detail(), QStringLiteral("Method Not Allowed"));
    QVERIFY2(isGeneratedRequestId(response.header("X-Request-Id")), response.header("X-Request-Id").constData());
}

void tst_LibraryMode::metaRoutesExcluded_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    QTest::newRow("root") << QByteArray("GET") << QStringLiteral("/") << QByteArray() << 404;
    QTest::newRow("health") << QByteArray("GET") << QStringLiteral("/health") << QByteArray() << 404;
    QTest::newRow("openapi") << QByteArray("GET") << QStringLiteral("/openapi.json") << QByteArray() << 200;
    QTest::newRow("host route") << QByteArray("GET") << QStringLiteral("/host/ping") << QByteArray() << 200;
    QTest::newRow("log") << QByteArray("POST") << QStringLiteral("/api/v1/log")
                         << logBody(QStringLiteral("gpt-4o"), 1, 1) << 201;
    QTest::newRow("stats") << QByteArray("GET") << QStringLiteral("/api/v1/stats") << QByteArray() << 200;
}

void tst_LibraryMode::metaRoutesExcluded()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    ServiceOptions options = defaultOptions();
    options.includeMetaRoutes = false;
    options.runMigrations = false; // initTestCase migrated the schema
    QString error;
    const auto host = startHost(options, &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());

    const HttpResponse response = client.send(method, path, body, apiKey("library-bare"));

    QCOMPARE(response.status, status);
    if (status == 404)
        QCOMPARE(response.body, QByteArray(R"({"detail":"Not Found"})"));
}

void tst_LibraryMode::unmigratedSchemaIs500()
{
    Settings settings = m_database->settings();
    const QString schema = TestDatabase::uniqueSchemaName(QStringLiteral("librarymode_bare"));
    QString error;
    QVERIFY2(settings.setSchema(schema, QStringLiteral("schema"), &error), qPrintable(error));
    const auto dropSchema = qScopeGuard([this, &schema] { m_database->dropSchema(schema); });
    ServiceOptions options;
    options.settings = settings;
    options.runMigrations = false;
    const auto host = startHost(options, &error);
    QVERIFY2(host, qPrintable(error));
    HttpClient client(host->baseUrl());
    // Each failed query is logged twice at critical level: by the store with its
    // SQLSTATE (42P01, undefined table), and by the HTTP layer with the request id.
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("SQLSTATE 42P01")));
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^Request unmigrated-log failed: ")));
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("SQLSTATE 42P01")));
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^Request unmigrated-stats failed: ")));

    const HttpResponse log = client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("gpt-4o"), 1, 1),
                                         {{"X-API-Key", "library-unmigrated"}, {"X-Request-Id", "unmigrated-log"}});
    const HttpResponse stats = client.get(QStringLiteral("/api/v1/stats"),
                                          {{"X-API-Key", "library-unmigrated"}, {"X-Request-Id", "unmigrated-stats"}});
    const HttpResponse health = client.get(QStringLiteral("/health"));

    QCOMPARE(log.status, 500);
    QCOMPARE(log.body, QByteArray(R"({"detail":"Internal server error","request_id":"unmigrated-log"})"));
    QCOMPARE(stats.status, 500);
    QCOMPARE(stats.body, QByteArray(R"({"detail":"Internal server error","request_id":"unmigrated-stats"})"));
    // The health check runs SELECT 1, which needs no table.
    QCOMPARE(health.status, 200);
    // Without migrations the service creates nothing, not even the schema.
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :name"),
                          {{QStringLiteral("name"), schema}})
                 .toLongLong(),
             0);
}

void tst_LibraryMode::twoServicesOnOneThread()
{
    // Two services in one host, for example one per schema, both serving from the
    // host's thread. Each needs a database connection of its own on that thread,
    // because QtSql replaces a connection when another one is added under the same name.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("duplicate connection name")));
    QString error;
    const auto first = startHost(defaultOptions(), &error);
    QVERIFY2(first, qPrintable(error));
    ServiceOptions secondOptions = defaultOptions();
    secondOptions.runMigrations = false;
    const auto second = startHost(secondOptions, &error);
    QVERIFY2(second, qPrintable(error));
    HttpClient firstClient(first->baseUrl());
    HttpClient secondClient(second->baseUrl());
    const HeaderList key = apiKey("library-two-services");

    // Alternates, so each service reuses its prepared statements after the other ran.
    const HttpResponse firstLog = firstClient.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("a"), 1, 1), key);
    const HttpResponse secondLog = secondClient.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("b"), 1, 1), key);
    const HttpResponse firstLogAgain =
        firstClient.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("a"), 1, 1), key);
    const HttpResponse secondStats = secondClient.get(QStringLiteral("/api/v1/stats"), key);

    QCOMPARE(firstLog.status, 201);
    QCOMPARE(secondLog.status, 201);
    QCOMPARE(firstLogAgain.status, 201);
    QCOMPARE(secondStats.status, 200);
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs WHERE api_key_id = :key"),
                          {{QStringLiteral("key"), QStringLiteral("library-two-services")}})
                 .toLongLong(),
             3);
}

QTEST_GUILESS_MAIN(tst_LibraryMode)
#include "tst_librarymode.moc"
