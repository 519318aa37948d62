// SPDX-License-Identifier: MIT
// PostgreSQL outages against the real service, on a private cluster: the cluster stopped
// and restarted under load, a database that hangs behind a frozen proxy, and a database
// that is unreachable when `llmring-server serve` starts.

#include "httpclient.h"
#include "logloadgenerator.h"
#include "privatecluster.h"
#include "tcpproxy.h"
#include "testdatabase.h"
#include "testservice.h"

#include "database/databaseconnection.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>
#include <QThread>

#include <functional>

using namespace llmring;
using namespace llmring::test;
using namespace std::chrono_literals;

char *toString(const QJsonObject &object)
{
    return qstrdup(QJsonDocument(object).toJson(QJsonDocument::Compact).constData());
}

namespace {

const QByteArray ApiKey = QByteArrayLiteral("outage-project");
const QString LoadOrigin = QStringLiteral("outage-load");

// The access log writes a line per request, and the load below sends thousands.
constexpr char QuietAccessLog[] = "llmring.http.info=false";

// A generous bound on waits for a refused or timed-out connection. The service's URL sets
// connect_timeout=2, so a request that takes longer than this is hanging.
constexpr qint64 HangBoundMs = 10'000;

QJsonObject unavailableBody()
{
    return QJsonObject{{QStringLiteral("detail"), QStringLiteral("Database unavailable")}};
}

QJsonObject healthyBody()
{
    return QJsonObject{{QStringLiteral("status"), QStringLiteral("healthy")},
                       {QStringLiteral("database"), QStringLiteral("connected")}};
}

QJsonObject unhealthyBody()
{
    return QJsonObject{{QStringLiteral("status"), QStringLiteral("unhealthy")},
                       {QStringLiteral("database"), QStringLiteral("disconnected")}};
}

QJsonObject bodyObject(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray logBody(const QString &idAtOrigin)
{
    return QJsonDocument(QJsonObject{
                             {QStringLiteral("provider"), QStringLiteral("openai")},
                             {QStringLiteral("model"), QStringLiteral("gpt-4o")},
                             {QStringLiteral("input_tokens"), 10},
                             {QStringLiteral("output_tokens"), 5},
                             {QStringLiteral("cost"), 0.001},
                             {QStringLiteral("origin"), QStringLiteral("outage-single")},
                             {QStringLiteral("id_at_origin"), idAtOrigin},
                         })
        .toJson(QJsonDocument::Compact);
}

// Returns a loopback port that nothing listens on, found by binding port 0 and closing the socket.
quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

// Runs `step` (which blocks, such as pg_ctl) on a thread of its own while this thread
// keeps processing events, so the load clients keep sending meanwhile. `step` must
// bound its own duration: this waits for it unconditionally, because it uses the
// caller's variables.
void runWhileProcessingEvents(const std::function<void()> &step)
{
    std::unique_ptr<QThread> thread(QThread::create(step));
    thread->start();
    while (!thread->isFinished())
        QTest::qWait(10);
    thread->wait();
}

} // namespace

class tst_DatabaseOutage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void restartUnderLoad();
    void connectionLossRecovers_data();
    void connectionLossRecovers();
    void fastRestartIsInvisible();
    void hungDatabaseHealth();
    void unreachableAtStart_data();
    void unreachableAtStart();

private:
    // Starts the in-process service (two worker loops) on a fresh schema of `databaseUrl`.
    bool startService(const QString &databaseUrl, QString *error);
    // Rows stored for ApiKey in the current schema, all of them or those with one of `logIds`.
    qint64 storedLogCount();
    qint64 storedLogCount(const QStringList &logIds);

    std::unique_ptr<PrivateCluster> m_cluster;
    std::unique_ptr<TestService> m_service;
    QString m_schema;
};

void tst_DatabaseOutage::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("LLMRING_SERVER_BINARY").isEmpty(),
             "LLMRING_SERVER_BINARY is not set; run the suite through ctest, or set it to the built llmring-server");
    QLoggingCategory::setFilterRules(QString::fromLatin1(QuietAccessLog));
    m_cluster = std::make_unique<PrivateCluster>();
    QString error;
    QVERIFY2(m_cluster->start(&error), qPrintable(error));
}

void tst_DatabaseOutage::cleanup()
{
    m_service.reset();
    // A test that failed while the cluster was down must not take the next one with it.
    if (!m_cluster->isRunning()) {
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
    }
}

void tst_DatabaseOutage::cleanupTestCase()
{
    m_service.reset();
    m_cluster.reset();
}

bool tst_DatabaseOutage::startService(const QString &databaseUrl, QString *error)
{
    m_schema = TestDatabase::uniqueSchemaName(QStringLiteral("databaseoutage"));
    Settings settings;
    if (!settings.setDatabaseUrl(databaseUrl, QStringLiteral("private cluster URL"), error)
        || !settings.setSchema(m_schema, QStringLiteral("schema"), error)) {
        return false;
    }
    settings.host = QHostAddress(QHostAddress::LocalHost);
    settings.port = 0;
    settings.workers = 2;
    m_service = std::make_unique<TestService>();
    return m_service->start(settings, error);
}

qint64 tst_DatabaseOutage::storedLogCount()
{
    QString error;
    const auto config = DatabaseConfig::fromUrl(m_cluster->databaseUrl(), &error);
    DatabaseConnection connection(*config, m_schema, QStringLiteral("tst-databaseoutage-count"));
    QSqlQuery query = connection.prepareOnce(
        QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs WHERE api_key_id = :project"));
    query.bindValue(QStringLiteral(":project"), QString::fromLatin1(ApiKey));
    connection.exec(query, QStringLiteral("count usage logs"));
    return query.next() ? query.value(0).toLongLong() : -1;
}

qint64 tst_DatabaseOutage::storedLogCount(const QStringList &logIds)
{
    QString error;
    const auto config = DatabaseConfig::fromUrl(m_cluster->databaseUrl(), &error);
    DatabaseConnection connection(*config, m_schema, QStringLiteral("tst-databaseoutage-ids"));
    QSqlQuery query = connection.prepareOnce(
        QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs"
                       " WHERE api_key_id = :project AND id = ANY(CAST(:ids AS uuid[]))"));
    query.bindValue(QStringLiteral(":project"), QString::fromLatin1(ApiKey));
    query.bindValue(QStringLiteral(":ids"), u'{' + logIds.join(u',') + u'}');
    connection.exec(query, QStringLiteral("count usage logs by id"));
    return query.next() ? query.value(0).toLongLong() : -1;
}

void tst_DatabaseOutage::restartUnderLoad()
{
    QString error;
    QVERIFY2(startService(m_cluster->databaseUrl(QStringLiteral("?connect_timeout=2")), &error), qPrintable(error));
    LogLoadGenerator::Options options;
    options.clients = 4;
    options.maxRequestsPerClient = 1000;
    options.maxDuration = 30s;
    options.pause = 10ms;
    options.requestTimeout = std::chrono::milliseconds(HangBoundMs);
    LogLoadGenerator load(m_service->baseUrl(), ApiKey, LoadOrigin, options);
    // Every request during the outage logs a warning twice (connect failure, 503).
    QLoggingCategory::setFilterRules(QString::fromLatin1(QuietAccessLog)
                                     + QStringLiteral("\nllmring.http.warning=false\nllmring.db.warning=false"));
    const auto restoreLogging =
        qScopeGuard([] { QLoggingCategory::setFilterRules(QString::fromLatin1(QuietAccessLog)); });

    load.start();
    QTest::qWait(1500);
    const int createdBeforeOutage = load.countStatus(201);
    bool stopped = false;
    runWhileProcessingEvents([this, &stopped, &error] { stopped = m_cluster->stop(&error); });
    QVERIFY2(stopped, qPrintable(error));
    const qint64 downFromMs = load.elapsedMs();
    QTest::qWait(2000);
    const qint64 downUntilMs = load.elapsedMs();
    bool started = false;
    runWhileProcessingEvents([this, &started, &error] { started = m_cluster->start(&error); });
    QVERIFY2(started, qPrintable(error));
    const qint64 upAgainMs = load.elapsedMs();
    QTest::qWait(2000);
    load.stop();
    QTRY_VERIFY_WITH_TIMEOUT(load.isFinished(), HangBoundMs + 5'000);
    // New connections spread over both worker loops, so each of them must have reconnected.
    QStringList logIds;
    for (int i = 0; i < 20; ++i) {
        HttpClient client(m_service->baseUrl());
        const HttpResponse response =
            client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("fresh-%1").arg(i)), apiKey(ApiKey));
        QVERIFY2(response.status == 201, qPrintable(QStringLiteral("request %1 after the restart: status %2, %3 %4")
                                                        .arg(i)
                                                        .arg(response.status)
                                                        .arg(response.networkError, QString::fromUtf8(response.body))));
        logIds.append(bodyObject(response.body).value(QStringLiteral("log_id")).toString());
    }

    const QList<LogAttempt> &attempts = load.attempts();
    int created = 0;
    int unavailable = 0;
    int unavailableWhileDown = 0;
    int createdAfterRestart = 0;
    qint64 slowestMs = 0;
    QList<const LogAttempt *> lastByClient(options.clients, nullptr);
    for (const LogAttempt &attempt : attempts) {
        QVERIFY2(attempt.isFinished(), qPrintable(attempt.describe()));
        QVERIFY2(attempt.networkError == QNetworkReply::NoError, qPrintable(attempt.describe()));
        QVERIFY2(attempt.status == 201 || attempt.status == 503, qPrintable(attempt.describe()));
        slowestMs = std::max(slowestMs, attempt.finishedAtMs - attempt.sentAtMs);
        lastByClient[attempt.client] = &attempt;
        if (attempt.status == 503) {
            QCOMPARE(bodyObject(attempt.body), unavailableBody());
            ++unavailable;
        } else {
            QVERIFY2(!attempt.logId().isEmpty(), qPrintable(attempt.describe()));
            logIds.append(attempt.logId());
            ++created;
        }
        // Sent and completed while the cluster was fully stopped.
        if (attempt.sentAtMs >= downFromMs && attempt.finishedAtMs <= downUntilMs) {
            QVERIFY2(attempt.status == 503, qPrintable(attempt.describe()));
            ++unavailableWhileDown;
        }
        if (attempt.sentAtMs >= upAgainMs && attempt.status == 201)
            ++createdAfterRestart;
    }
    qInfo("%lld requests: %d created, %d unavailable (%d while the cluster was stopped), %d created after the "
          "restart; slowest response %lld ms",
          qint64(attempts.size()), created, unavailable, unavailableWhileDown, createdAfterRestart, slowestMs);
    QVERIFY2(createdBeforeOutage > 0, "no request succeeded before the cluster was stopped");
    QVERIFY2(unavailableWhileDown > 0, "no request completed while the cluster was stopped");
    QVERIFY2(createdAfterRestart > 0, "no request succeeded after the cluster was restarted");
    for (const LogAttempt *last : std::as_const(lastByClient)) {
        QVERIFY(last != nullptr);
        QVERIFY2(last->status == 201, qPrintable(last->describe()));
    }
    QCOMPARE(QSet<QString>(logIds.cbegin(), logIds.cend()).size(), logIds.size());
    QCOMPARE(storedLogCount(), qint64(logIds.size()));
    QCOMPARE(storedLogCount(logIds), qint64(logIds.size()));
}

void tst_DatabaseOutage::connectionLossRecovers_data()
{
    QTest::addColumn<bool>("throughProxy");

    // Neither sends the FATAL error with SQLSTATE 57P01 that a fast shutdown sends, so
    // the service must notice the lost connection from the libpq connection status.
    QTest::newRow("connections closed by the network") << true;
    QTest::newRow("immediate shutdown and restart") << false;
}

// A worker's open connection is lost without an error from PostgreSQL. The request
// that finds it lost gets 503, and the next request reconnects and succeeds.
void tst_DatabaseOutage::connectionLossRecovers()
{
    QFETCH(bool, throughProxy);
    TcpProxy proxy(m_cluster->port());
    QString error;
    QVERIFY2(proxy.start(&error), qPrintable(error));
    const QString databaseUrl =
        throughProxy ? QStringLiteral("postgresql://postgres@127.0.0.1:%1/postgres").arg(proxy.port())
                     : m_cluster->databaseUrl();
    QVERIFY2(startService(databaseUrl, &error), qPrintable(error));
    const auto stopService = qScopeGuard([this] { m_service.reset(); });
    // One client keeps one keep-alive connection, so every request reaches the same worker loop.
    HttpClient client(m_service->baseUrl());
    const HttpResponse before =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("before-loss")), apiKey(ApiKey));
    QCOMPARE(before.status, 201);

    if (throughProxy) {
        proxy.resetConnections();
    } else {
        QVERIFY2(m_cluster->stop(&error, PrivateCluster::ShutdownMode::Immediate), qPrintable(error));
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
    }
    const HttpResponse lost =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("on-lost-connection")), apiKey(ApiKey));
    const HttpResponse reconnected =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("after-reconnect")), apiKey(ApiKey));

    QCOMPARE(lost.status, 503);
    QCOMPARE(bodyObject(lost.body), unavailableBody());
    QCOMPARE(reconnected.status, 201);
    const QStringList logIds{bodyObject(before.body).value(QStringLiteral("log_id")).toString(),
                             bodyObject(reconnected.body).value(QStringLiteral("log_id")).toString()};
    QCOMPARE(storedLogCount(), qint64(2));
    QCOMPARE(storedLogCount(logIds), qint64(2));
}

// A fast shutdown ends each session with SQLSTATE 57P01 before it runs anything, so a
// request that finds its idle connection ended that way runs again on a new one: a
// restart between requests costs no 503, and /health stays 200.
void tst_DatabaseOutage::fastRestartIsInvisible()
{
    QString error;
    QVERIFY2(startService(m_cluster->databaseUrl(), &error), qPrintable(error));
    const auto stopService = qScopeGuard([this] { m_service.reset(); });
    HttpClient client(m_service->baseUrl());
    const HttpResponse before =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("before-restart")), apiKey(ApiKey));
    const HttpResponse healthBefore = client.get(QStringLiteral("/health"));

    QVERIFY2(m_cluster->stop(&error, PrivateCluster::ShutdownMode::Fast), qPrintable(error));
    QVERIFY2(m_cluster->start(&error), qPrintable(error));
    const HttpResponse after =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("after-restart")), apiKey(ApiKey));
    const HttpResponse healthAfter = client.get(QStringLiteral("/health"));

    QCOMPARE(before.status, 201);
    QCOMPARE(healthBefore.status, 200);
    QCOMPARE(after.status, 201);
    QCOMPARE(healthAfter.status, 200);
    const QStringList logIds{bodyObject(before.body).value(QStringLiteral("log_id")).toString(),
                             bodyObject(after.body).value(QStringLiteral("log_id")).toString()};
    QCOMPARE(storedLogCount(), qint64(2));
    QCOMPARE(storedLogCount(logIds), qint64(2));
}

void tst_DatabaseOutage::hungDatabaseHealth()
{
    TcpProxy proxy(m_cluster->port());
    QString error;
    QVERIFY2(proxy.start(&error), qPrintable(error));
    const QString proxyUrl =
        QStringLiteral("postgresql://postgres@127.0.0.1:%1/postgres?connect_timeout=2").arg(proxy.port());
    QVERIFY2(startService(proxyUrl, &error), qPrintable(error));
    // The service's connections go through the proxy, so it stops before the proxy closes them.
    const auto stopService = qScopeGuard([this] { m_service.reset(); });
    HttpClient client(m_service->baseUrl());
    client.setTimeout(int(HangBoundMs) + 10'000);
    // Opens the health check's own connection, so the check below hangs in a query on
    // an open connection rather than failing to connect.
    const HttpResponse before = client.get(QStringLiteral("/health"));
    QCOMPARE(before.status, 200);
    QCOMPARE(bodyObject(before.body), healthyBody());

    proxy.freeze();
    auto resumeProxy = qScopeGuard([&proxy] { proxy.resume(); });
    for (int call = 1; call <= 3; ++call) {
        QElapsedTimer clock;
        clock.start();
        const HttpResponse health = client.get(QStringLiteral("/health"));
        const qint64 elapsedMs = clock.elapsed();

        qInfo("GET /health call %d while the database hangs: status %d after %lld ms", call, health.status, elapsedMs);
        QCOMPARE(health.status, 503);
        QCOMPARE(bodyObject(health.body), unhealthyBody());
        QVERIFY2(elapsedMs < HangBoundMs, qPrintable(QStringLiteral("responded after %1 ms").arg(elapsedMs)));
    }
    // No worker has opened its connection yet, so this request's connection attempt is
    // the one that hangs, and connect_timeout=2 ends it.
    QElapsedTimer clock;
    clock.start();
    const HttpResponse logWhileHung =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("while-hung")), apiKey(ApiKey));
    const qint64 logElapsedMs = clock.elapsed();
    qInfo("POST /api/v1/log while the database hangs: status %d after %lld ms", logWhileHung.status, logElapsedMs);
    QCOMPARE(logWhileHung.status, 503);
    QCOMPARE(bodyObject(logWhileHung.body), unavailableBody());
    QVERIFY2(logElapsedMs < HangBoundMs, qPrintable(QStringLiteral("responded after %1 ms").arg(logElapsedMs)));

    resumeProxy.dismiss();
    proxy.resume();
    QTRY_COMPARE_WITH_TIMEOUT(client.get(QStringLiteral("/health")).status, 200, 15'000);
    const HttpResponse after = client.get(QStringLiteral("/health"));
    const HttpResponse logAfter =
        client.post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("after-resume")), apiKey(ApiKey));

    QCOMPARE(after.status, 200);
    QCOMPARE(bodyObject(after.body), healthyBody());
    QCOMPARE(logAfter.status, 201);
    QCOMPARE(storedLogCount(), qint64(1));
    QCOMPARE(storedLogCount({bodyObject(logAfter.body).value(QStringLiteral("log_id")).toString()}), qint64(1));
}

void tst_DatabaseOutage::unreachableAtStart_data()
{
    QTest::addColumn<bool>("hangs");
    QTest::addColumn<QString>("reason");

    QTest::newRow("connection refused") << false << QStringLiteral("Connection refused");
    QTest::newRow("database hangs") << true << QStringLiteral("timeout expired");
}

void tst_DatabaseOutage::unreachableAtStart()
{
    QFETCH(bool, hangs);
    QFETCH(QString, reason);
    // A frozen proxy accepts the connection and never responds. Nothing listens on a closed port.
    std::unique_ptr<TcpProxy> proxy;
    if (hangs) {
        proxy = std::make_unique<TcpProxy>(m_cluster->port());
        QString error;
        QVERIFY2(proxy->start(&error), qPrintable(error));
        proxy->freeze();
    }
    const quint16 databasePort = hangs ? proxy->port() : closedPort();
    QVERIFY(databasePort != 0);
    const QString databaseUrl = QStringLiteral("postgresql://postgres@127.0.0.1:%1/postgres").arg(databasePort);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.startsWith(QLatin1String("LLMRING_")))
            environment.remove(name);
    }
    environment.insert(QStringLiteral("LLMRING_DATABASE_URL"), databaseUrl + QStringLiteral("?connect_timeout=2"));
    environment.insert(QStringLiteral("LLMRING_PORT"), QString::number(closedPort()));
    QProcess server;
    server.setProcessEnvironment(environment);
    const auto killServer = qScopeGuard([&server] {
        if (server.state() != QProcess::NotRunning) {
            server.kill();
            server.waitForFinished(5'000);
        }
    });
    QElapsedTimer clock;

    clock.start();
    server.start(qEnvironmentVariable("LLMRING_SERVER_BINARY"),
                 {QStringLiteral("serve"), QStringLiteral("--schema"),
                  TestDatabase::uniqueSchemaName(QStringLiteral("databaseoutage"))});
    const bool finished = server.waitForStarted(10'000) && server.waitForFinished(int(HangBoundMs) + 10'000);
    const qint64 elapsedMs = clock.elapsed();
    const QString standardError = QString::fromUtf8(server.readAllStandardError());

    qInfo("llmring-server serve exited after %lld ms", elapsedMs);
    QVERIFY2(finished, qPrintable(standardError));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 1);
    QVERIFY2(standardError.contains(QStringLiteral("llmring-server: cannot migrate %1: ").arg(databaseUrl)),
             qPrintable(standardError));
    QVERIFY2(standardError.contains(reason), qPrintable(standardError));
    QVERIFY2(!standardError.contains(QLatin1String("Serving on")), qPrintable(standardError));
    QVERIFY2(elapsedMs < HangBoundMs, qPrintable(QStringLiteral("exited after %1 ms").arg(elapsedMs)));
}

QTEST_GUILESS_MAIN(tst_DatabaseOutage)
#include "tst_databaseoutage.moc"
