// SPDX-License-Identifier: MIT
// The registry copy that service instances share through Redis. Real services, a real
// redis-server and a file server in place of the public registry check that the copy
// one instance stores serves and prices for the next instance. Redis outages,
// unreadable copies and versioned registries are covered too.

#include "fixturehttpserver.h"
#include "httpclient.h"
#include "redisprocess.h"
#include "registry/rediscache.h"
#include "registry/registryclient.h"
#include "registry/registrysnapshot.h"
#include "registryfixtures.h"
#include "service.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using llmring::RedisCache;
using llmring::RedisConfig;
using llmring::RegistryClient;
using llmring::RegistrySnapshot;
using llmring::Settings;
using namespace llmring::test;
using namespace std::chrono_literals;

namespace {

// Bounds for waiting on an effect, never asserted as durations.
constexpr int LoadTimeoutMs = 15'000;
// A service's RedisCache connects again only 5 s after a failure, so a recovery needs
// more than that.
constexpr int RecoveryTimeoutMs = 20'000;

// Long enough that no instance refreshes on its own while a test runs, so every fetch
// of the current registry comes from a start or from refreshNow().
constexpr std::chrono::seconds CacheTtl = 600s;

// The "version" of tests/registry/fixtures/manifest.json.
const QString FixtureVersion = QStringLiteral("2025-08-20");
// A version that only the openai provider of the fixture registry publishes.
const QString FixtureArchivedVersion = QStringLiteral("2025-08-01");

// A usage log without a cost, so the service prices it from its registry copy.
const QByteArray UnpricedLogBody =
    QByteArrayLiteral(R"({"provider":"openai","model":"gpt-4o","input_tokens":1000,"output_tokens":100})");
// openai:gpt-4o in the fixture costs $2.5 per million input and $10 per million output tokens.
constexpr double ExpectedLogCost = (1000 * 2.5 + 100 * 10.0) / 1e6;

bool copyFolder(const QString &source, const QString &target)
{
    const QDir sourceDir(source);
    QDirIterator files(source, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString file = files.next();
        const QString destination = target + u'/' + sourceDir.relativeFilePath(file);
        if (!QDir().mkpath(QFileInfo(destination).absolutePath()) || !QFile::copy(file, destination))
            return false;
    }
    return true;
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

// The model keys of every <provider>/models.json under `root`, sorted.
QStringList fixtureModelKeys(const QString &root)
{
    QStringList keys;
    const QStringList providers = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &provider : providers) {
        QFile file(root + u'/' + provider + QStringLiteral("/models.json"));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        keys += QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("models")).toObject().keys();
    }
    keys.sort();
    return keys;
}

// The registry document of a response body without "generated_at", which every fetch
// sets anew, so that two fetches of the same files compare equal.
QJsonObject registryContent(const QByteArray &body)
{
    QJsonObject document = QJsonDocument::fromJson(body).object();
    document.remove(QStringLiteral("generated_at"));
    return document;
}

// The registry document that a shared copy ("<fetched-at ms>\n<snapshot cache text>")
// contains, or an empty array when the copy is not readable.
QByteArray documentOfSharedCopy(const QByteArray &copy)
{
    const qsizetype newline = copy.indexOf('\n');
    if (newline <= 0)
        return {};
    const std::optional<RegistrySnapshot> snapshot = RegistrySnapshot::fromCacheText(copy.mid(newline + 1));
    return snapshot ? snapshot->toJson() : QByteArray();
}

// The fetch time in front of a shared copy, or std::nullopt when it is not a number.
std::optional<qint64> fetchTimeOfSharedCopy(const QByteArray &copy)
{
    bool ok = false;
    const qint64 fetchedAtMs = copy.left(copy.indexOf('\n')).toLongLong(&ok);
    return ok ? std::optional<qint64>(fetchedAtMs) : std::nullopt;
}

// Starts a refresh and runs the event loop (which serves the file server) until that
// attempt or a later one has finished. Returns false after `timeoutMs`.
bool refreshAndWait(RegistryClient &registry, int timeoutMs = LoadTimeoutMs)
{
    const quint64 before = registry.finishedAttempts();
    registry.refreshNow();
    const QDeadlineTimer deadline(timeoutMs);
    while (registry.finishedAttempts() <= before) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(20);
    }
    return true;
}

} // namespace

class tst_RegistrySharedCache final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    // A loaded instance stores a copy that reproduces the body it serves.
    void sharedCopyMatchesServedBody();
    // With the registry unreachable, a new instance serves and prices from the copy.
    void instanceStartsFromSharedCopy();
    // An instance started within the TTL takes the copy instead of fetching.
    void secondInstanceDoesNotFetch();
    void redisDownAtStart();
    void redisOutageWhileRunning();
    void unreadableCopyReplaced_data();
    void unreadableCopyReplaced();
    void versionSharedThroughRedis();

private:
    // Database settings with this test's registry server, Redis and CacheTtl.
    Settings serviceSettings() const;
    // The Redis key of the current registry copy ("current") or of a version ("v:<version>").
    QByteArray redisKey(const QString &suffix) const;
    std::optional<QByteArray> readRedis(const QByteArray &key) const;
    bool writeRedis(const QByteArray &key, const QByteArray &value) const;

    std::unique_ptr<TestDatabase> m_database;
    // A new Redis server and registry server for every test function, so that no copy
    // stored by one function is found by the next.
    std::unique_ptr<RedisProcess> m_redis;
    std::optional<RedisConfig> m_redisConfig;
    std::unique_ptr<QTemporaryDir> m_registryFolder;
    std::unique_ptr<FixtureHttpServer> m_registryServer;
};

void tst_RegistrySharedCache::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("registrysharedcache"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
}

void tst_RegistrySharedCache::cleanupTestCase()
{
    m_database.reset();
}

void tst_RegistrySharedCache::init()
{
    QString error;
    m_redis = std::make_unique<RedisProcess>();
    QVERIFY2(m_redis->start(&error), qPrintable(error));
    m_redisConfig = RedisConfig::fromUrl(m_redis->url(), &error);
    QVERIFY2(m_redisConfig.has_value(), qPrintable(error));

    // A copy of the fixture registry, so that a test can change the files it serves.
    m_registryFolder = std::make_unique<QTemporaryDir>();
    QVERIFY(m_registryFolder->isValid());
    QVERIFY(copyFolder(registryFixturePath(), m_registryFolder->path()));
    m_registryServer = std::make_unique<FixtureHttpServer>(m_registryFolder->path());
    QVERIFY2(m_registryServer->start(&error), qPrintable(error));
}

void tst_RegistrySharedCache::cleanup()
{
    m_registryServer.reset();
    m_registryFolder.reset();
    m_redisConfig.reset();
    m_redis.reset();
}

Settings tst_RegistrySharedCache::serviceSettings() const
{
    Settings settings = m_database->settings();
    settings.registry.baseUrl = m_registryServer->baseUrl();
    settings.registry.cacheTtl = CacheTtl;
    settings.registry.redis = m_redisConfig;
    return settings;
}

QByteArray tst_RegistrySharedCache::redisKey(const QString &suffix) const
{
    // The same key as the service: the first 16 hex digits of the SHA-256 of the base URL.
    const QByteArray source =
        QCryptographicHash::hash(m_registryServer->baseUrl().toEncoded(), QCryptographicHash::Sha256)
            .toHex()
            .left(16);
    return "llmring:registry:" + source + ':' + suffix.toUtf8();
}

std::optional<QByteArray> tst_RegistrySharedCache::readRedis(const QByteArray &key) const
{
    // A retry interval of 0, so that a read right after Redis restarts connects at once.
    RedisCache cache(*m_redisConfig, 500ms, 0ms);
    return cache.get(key);
}

bool tst_RegistrySharedCache::writeRedis(const QByteArray &key, const QByteArray &value) const
{
    RedisCache cache(*m_redisConfig, 500ms, 0ms);
    return cache.set(key, value, 0s);
}

void tst_RegistrySharedCache::sharedCopyMatchesServedBody()
{
    TestService service;
    QString error;
    QVERIFY2(service.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(service.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    HttpClient client(service.baseUrl());

    const HttpResponse registry = client.get(QStringLiteral("/registry"));
    const std::optional<QByteArray> copy = readRedis(redisKey(QStringLiteral("current")));

    QCOMPARE(registry.status, 200);
    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/manifest.json")), 1);
    QVERIFY(copy.has_value());
    const std::optional<qint64> fetchedAtMs = fetchTimeOfSharedCopy(*copy);
    QVERIFY2(fetchedAtMs.has_value(), copy->left(40).constData());
    QVERIFY(*fetchedAtMs <= QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(documentOfSharedCopy(*copy), registry.body);
}

void tst_RegistrySharedCache::instanceStartsFromSharedCopy()
{
    QString error;
    TestService first;
    QVERIFY2(first.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(first.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    const HttpResponse firstRegistry = HttpClient(first.baseUrl()).get(QStringLiteral("/registry"));
    QCOMPARE(firstRegistry.status, 200);
    QVERIFY(!firstRegistry.header("ETag").isEmpty());
    const int requestsBefore = m_registryServer->totalRequests();
    const int connectionsBefore = m_registryServer->connectionCount();

    m_registryServer->stop();
    TestService second;
    QVERIFY2(second.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(second.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    HttpClient client(second.baseUrl());
    const HttpResponse registry = client.get(QStringLiteral("/registry"));
    const HttpResponse created = client.post(QStringLiteral("/api/v1/log"), UnpricedLogBody,
                                             apiKey("registrysharedcache-shared-copy"));

    QCOMPARE(registry.status, 200);
    QCOMPARE(registry.body, firstRegistry.body);
    QCOMPARE(registry.header("ETag"), firstRegistry.header("ETag"));
    QCOMPARE(m_registryServer->totalRequests(), requestsBefore);
    QCOMPARE(m_registryServer->connectionCount(), connectionsBefore);
    QCOMPARE(created.status, 201);
    const QJsonObject log = created.json().toObject();
    QCOMPARE(log.value(QStringLiteral("cost_source")).toString(), QStringLiteral("registry"));
    QCOMPARE(log.value(QStringLiteral("cost")).toDouble(), ExpectedLogCost);
}

void tst_RegistrySharedCache::secondInstanceDoesNotFetch()
{
    QString error;
    TestService first;
    QVERIFY2(first.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(first.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    const HttpResponse firstRegistry = HttpClient(first.baseUrl()).get(QStringLiteral("/registry"));
    QCOMPARE(firstRegistry.status, 200);
    const int manifestRequests = m_registryServer->requestCount(QStringLiteral("/manifest.json"));
    QCOMPARE(manifestRequests, 1);
    // The registry moves on, so a fetch by the second instance would show in its body.
    QVERIFY(writeFile(m_registryFolder->path() + QStringLiteral("/manifest.json"),
                      QByteArrayLiteral(R"({"version": "2025-09-01"})")));

    TestService second;
    QVERIFY2(second.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(second.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    const HttpResponse registry = HttpClient(second.baseUrl()).get(QStringLiteral("/registry"));

    QCOMPARE(registry.status, 200);
    QCOMPARE(registry.body, firstRegistry.body);
    QCOMPARE(registry.header("ETag"), firstRegistry.header("ETag"));
    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/manifest.json")), manifestRequests);
    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/openai/models.json")), 1);
}

void tst_RegistrySharedCache::redisDownAtStart()
{
    m_redis->stop();
    TestService service;
    QString error;
    QVERIFY2(service.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(service.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    HttpClient client(service.baseUrl());

    const HttpResponse registry = client.get(QStringLiteral("/registry"));
    const HttpResponse created =
        client.post(QStringLiteral("/api/v1/log"), UnpricedLogBody, apiKey("registrysharedcache-redis-down"));
    const HttpResponse health = client.get(QStringLiteral("/health"));

    QCOMPARE(registry.status, 200);
    const QJsonObject document = registryContent(registry.body);
    QCOMPARE(document.value(QStringLiteral("version")).toString(), FixtureVersion);
    QCOMPARE(document.value(QStringLiteral("models")).toObject().keys(),
             fixtureModelKeys(m_registryFolder->path()));
    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/manifest.json")), 1);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().toObject().value(QStringLiteral("cost_source")).toString(), QStringLiteral("registry"));
    QCOMPARE(created.json().toObject().value(QStringLiteral("cost")).toDouble(), ExpectedLogCost);
    QCOMPARE(health.status, 200);
}

void tst_RegistrySharedCache::redisOutageWhileRunning()
{
    TestService service;
    QString error;
    QVERIFY2(service.start(serviceSettings(), &error), qPrintable(error));
    RegistryClient &registryClient = service.service().registry();
    QTRY_VERIFY_WITH_TIMEOUT(registryClient.finishedAttempts() >= 1, LoadTimeoutMs);
    HttpClient client(service.baseUrl());
    const HttpResponse before = client.get(QStringLiteral("/registry"));
    QCOMPARE(before.status, 200);
    QVERIFY(readRedis(redisKey(QStringLiteral("current"))).has_value());

    m_redis->stop();
    const int manifestRequests = m_registryServer->requestCount(QStringLiteral("/manifest.json"));
    QVERIFY(refreshAndWait(registryClient));
    const HttpResponse during = client.get(QStringLiteral("/registry"));
    const HttpResponse created =
        client.post(QStringLiteral("/api/v1/log"), UnpricedLogBody, apiKey("registrysharedcache-redis-outage"));

    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/manifest.json")), manifestRequests + 1);
    QCOMPARE(during.status, 200);
    QCOMPARE(registryContent(during.body), registryContent(before.body));
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().toObject().value(QStringLiteral("cost_source")).toString(), QStringLiteral("registry"));
    QCOMPARE(created.json().toObject().value(QStringLiteral("cost")).toDouble(), ExpectedLogCost);

    // The restarted server lost its data. The service stores a copy again at the first
    // refresh after its RedisCache has reconnected, which the retry interval delays.
    QVERIFY2(m_redis->start(&error), qPrintable(error));
    const QByteArray key = redisKey(QStringLiteral("current"));
    QCOMPARE(readRedis(key), std::nullopt);
    const QDeadlineTimer recovery(RecoveryTimeoutMs);
    std::optional<QByteArray> stored;
    while (!stored && !recovery.hasExpired()) {
        QVERIFY(refreshAndWait(registryClient));
        stored = readRedis(key);
        if (!stored)
            QTest::qWait(500);
    }
    const HttpResponse after = client.get(QStringLiteral("/registry"));

    QVERIFY2(stored.has_value(), "no registry copy in Redis after Redis restarted");
    QCOMPARE(after.status, 200);
    QCOMPARE(registryContent(after.body), registryContent(before.body));
    QCOMPARE(documentOfSharedCopy(*stored), after.body);
}

void tst_RegistrySharedCache::unreadableCopyReplaced_data()
{
    QTest::addColumn<QByteArray>("copy");

    RegistrySnapshot::Builder builder;
    builder.setVersion(FixtureVersion);
    builder.setGeneratedAt(QStringLiteral("2025-08-20T09:00:00.000000Z"));
    QVERIFY(builder.addProviderFile(QStringLiteral("openai"), QByteArrayLiteral(R"({"models": {"openai:gpt-4o": {}}})"),
                                    nullptr));
    const QByteArray readableText = builder.build().toCacheText();
    const QByteArray now = QByteArray::number(QDateTime::currentMSecsSinceEpoch());

    QTest::newRow("text not JSON") << QByteArrayLiteral("123\nnot json");
    QTest::newRow("no fetch time") << readableText;
    QTest::newRow("fetch time not a number") << QByteArray("soon\n" + readableText);
    QTest::newRow("no provider loaded") << QByteArray(now + '\n' + RegistrySnapshot().toCacheText());
}

void tst_RegistrySharedCache::unreadableCopyReplaced()
{
    QFETCH(QByteArray, copy);
    const QByteArray key = redisKey(QStringLiteral("current"));
    QVERIFY(writeRedis(key, copy));

    TestService service;
    QString error;
    QVERIFY2(service.start(serviceSettings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(service.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    const HttpResponse registry = HttpClient(service.baseUrl()).get(QStringLiteral("/registry"));
    const std::optional<QByteArray> stored = readRedis(key);

    QCOMPARE(registry.status, 200);
    QCOMPARE(registryContent(registry.body).value(QStringLiteral("version")).toString(), FixtureVersion);
    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/manifest.json")), 1);
    QVERIFY(stored.has_value());
    QVERIFY(*stored != copy);
    QVERIFY(fetchTimeOfSharedCopy(*stored).has_value());
    QCOMPARE(documentOfSharedCopy(*stored), registry.body);
}

void tst_RegistrySharedCache::versionSharedThroughRedis()
{
    const QString path = QStringLiteral("/registry/v/%1/registry.json").arg(FixtureArchivedVersion);
    QString error;
    TestService first;
    QVERIFY2(first.start(serviceSettings(), &error), qPrintable(error));
    HttpClient firstClient(first.baseUrl());
    HttpResponse firstVersion;
    QTRY_VERIFY_WITH_TIMEOUT((firstVersion = firstClient.get(path)).status != 503, LoadTimeoutMs);
    QCOMPARE(firstVersion.status, 200);
    QCOMPARE(QJsonDocument::fromJson(firstVersion.body).object().value(QStringLiteral("version")).toString(),
             FixtureArchivedVersion);
    QCOMPARE(m_registryServer->requestCount(QStringLiteral("/openai/v/%1/models.json").arg(FixtureArchivedVersion)),
             1);
    const std::optional<QByteArray> copy = readRedis(redisKey(QStringLiteral("v:") + FixtureArchivedVersion));
    QVERIFY(copy.has_value());
    const std::optional<RegistrySnapshot> snapshot = RegistrySnapshot::fromCacheText(*copy);
    QVERIFY(snapshot.has_value());
    QCOMPARE(snapshot->toJson(), firstVersion.body);
    // Stopping the server must not cut off the first instance's fetch of the current
    // registry, so the test waits for it.
    QTRY_VERIFY_WITH_TIMEOUT(first.service().registry().finishedAttempts() >= 1, LoadTimeoutMs);
    const int requestsBefore = m_registryServer->totalRequests();

    m_registryServer->stop();
    TestService second;
    QVERIFY2(second.start(serviceSettings(), &error), qPrintable(error));
    HttpClient secondClient(second.baseUrl());
    HttpResponse version;
    QTRY_VERIFY_WITH_TIMEOUT((version = secondClient.get(path)).status != 503, LoadTimeoutMs);

    QCOMPARE(version.status, 200);
    QCOMPARE(version.body, firstVersion.body);
    QCOMPARE(version.header("ETag"), firstVersion.header("ETag"));
    QCOMPARE(version.header("Cache-Control"), QByteArray("public, max-age=31536000, immutable"));
    QCOMPARE(m_registryServer->totalRequests(), requestsBefore);
}

QTEST_GUILESS_MAIN(tst_RegistrySharedCache)
#include "tst_registrysharedcache.moc"
