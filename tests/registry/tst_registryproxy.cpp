// SPDX-License-Identifier: MIT
// GET /registry and its versioned form against the real service. The registry comes
// from the file:// fixtures or from a local HTTP mirror that fails on demand. Covers
// headers, ETags, filters, partial and failed refreshes, reads during a refresh, and pricing.

#include "fixturehttpserver.h"
#include "httpclient.h"
#include "rawhttpclient.h"
#include "registryfixtures.h"
#include "testdatabase.h"
#include "testservice.h"

#include "registry/registryclient.h"
#include "service.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

using namespace llmring;
using namespace llmring::test;
using namespace std::chrono_literals;

namespace {

// Bounds every wait for a registry fetch attempt, well above the 1 s fetch timeout
// that the tests of unanswered requests set.
constexpr int AttemptTimeoutMs = 10000;

const QString OpenAiModels = QStringLiteral("openai/models.json");
const QString AnthropicModels = QStringLiteral("anthropic/models.json");
const QString GoogleModels = QStringLiteral("google/models.json");
const QString VersionedOpenAiModels = QStringLiteral("openai/v/2025-08-01/models.json");

// A model the tests add to the mirror's openai file, to see whether a refresh took effect.
const QString AddedModelKey = QStringLiteral("openai:gpt-test-added");

// A POST /api/v1/log body for openai gpt-4o without `cost`, with the given token counts.
QByteArray usageLogBody(int inputTokens, int outputTokens, std::optional<int> cachedInputTokens = std::nullopt)
{
    QJsonObject body{
        {QStringLiteral("provider"), QStringLiteral("openai")},
        {QStringLiteral("model"), QStringLiteral("gpt-4o")},
        {QStringLiteral("input_tokens"), inputTokens},
        {QStringLiteral("output_tokens"), outputTokens},
    };
    if (cachedInputTokens)
        body.insert(QStringLiteral("cached_input_tokens"), *cachedInputTokens);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// The strong ETag expected for `body`: the first 32 hex digits of its SHA-256, in
// double quotes.
QByteArray expectedEtag(const QByteArray &body)
{
    return '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
}

QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The "models" object of a file of the source-tree fixture registry.
QJsonObject fixtureModels(const QString &relativePath)
{
    return readJsonObject(registryFixturePath() + u'/' + relativePath).value(QStringLiteral("models")).toObject();
}

// Every model of the openai, anthropic and google fixture files, keyed "provider:model".
QJsonObject allFixtureModels()
{
    QJsonObject models;
    for (const QString &file : {OpenAiModels, AnthropicModels, GoogleModels}) {
        const QJsonObject fileModels = fixtureModels(file);
        for (auto it = fileModels.begin(); it != fileModels.end(); ++it)
            models.insert(it.key(), it.value());
    }
    return models;
}

QJsonObject modelsOf(const HttpResponse &response)
{
    return response.json().toObject().value(QStringLiteral("models")).toObject();
}

QStringList modelKeysOf(const HttpResponse &response)
{
    return modelsOf(response).keys();
}

QStringList providerKeysOf(const HttpResponse &response)
{
    return response.json().toObject().value(QStringLiteral("providers")).toObject().keys();
}

QString versionOf(const HttpResponse &response)
{
    return response.json().toObject().value(QStringLiteral("version")).toString();
}

// The keys of `models` whose key starts with "<provider>:".
QStringList keysOfProvider(const QJsonObject &models, const QString &provider)
{
    QStringList keys;
    for (const QString &key : models.keys()) {
        if (key.startsWith(provider + u':'))
            keys.append(key);
    }
    return keys;
}

// Retry-After as a number of seconds, or -1 when it is not a non-negative integer.
qint64 retryAfterSeconds(const HttpResponse &response)
{
    bool ok = false;
    const qint64 seconds = response.header("Retry-After").toLongLong(&ok);
    return ok ? seconds : -1;
}

// A copy of the fixture registry in a temporary folder, served over HTTP on 127.0.0.1,
// so that a test can edit files and make paths fail without touching the source tree.
class RegistryMirror
{
public:
    // Copies the fixtures and starts the server. Returns false with *error when either fails.
    bool start(QString *error)
    {
        if (!m_folder.isValid()) {
            *error = QStringLiteral("cannot create a temporary folder: %1").arg(m_folder.errorString());
            return false;
        }
        const QDir source(registryFixturePath());
        QDirIterator files(source.path(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString from = files.next();
            const QString to = filePath(source.relativeFilePath(from));
            if (!QDir().mkpath(QFileInfo(to).path()) || !QFile::copy(from, to)) {
                *error = QStringLiteral("cannot copy %1 to %2").arg(from, to);
                return false;
            }
            QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner);
        }
        m_server = std::make_unique<FixtureHttpServer>(m_folder.path());
        return m_server->start(error);
    }

    QString filePath(const QString &relative) const { return m_folder.filePath(relative); }
    FixtureHttpServer &server() { return *m_server; }

    // Adds AddedModelKey to the copy of the openai file and returns its entry.
    QJsonObject addOpenAiModel()
    {
        const QJsonObject added{
            {QStringLiteral("provider"), QStringLiteral("openai")},
            {QStringLiteral("model_name"), QStringLiteral("gpt-test-added")},
            {QStringLiteral("dollars_per_million_tokens_input"), 1.0},
            {QStringLiteral("dollars_per_million_tokens_output"), 2.0},
        };
        QJsonObject file = readJsonObject(filePath(OpenAiModels));
        QJsonObject models = file.value(QStringLiteral("models")).toObject();
        models.insert(AddedModelKey, added);
        file.insert(QStringLiteral("models"), models);

        QFile out(filePath(OpenAiModels));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        out.write(QJsonDocument(file).toJson());
        return added;
    }

private:
    QTemporaryDir m_folder;
    std::unique_ptr<FixtureHttpServer> m_server;
};

// The service with its registry read from a RegistryMirror, and an HTTP client for the
// service. A test that needs a mirror behaviour from the first fetch on sets it between
// startMirror() and startService().
class MirroredService
{
public:
    bool startMirror(QString *error) { return m_mirror.start(error); }

    // Starts the service on `settings`, with the registry base URL set to the mirror.
    bool startService(Settings settings, QString *error)
    {
        settings.registry.baseUrl = m_mirror.server().baseUrl();
        if (!m_service.start(settings, error))
            return false;
        m_client = std::make_unique<HttpClient>(m_service.baseUrl());
        return true;
    }

    // Starts the mirror, then the service.
    bool start(const Settings &settings, QString *error)
    {
        return startMirror(error) && startService(settings, error);
    }

    RegistryMirror &mirror() { return m_mirror; }
    FixtureHttpServer &server() { return m_mirror.server(); }
    RegistryClient &registry() { return m_service.service().registry(); }
    HttpClient &client() { return *m_client; }
    QUrl baseUrl() const { return m_service.baseUrl(); }
    quint16 port() const { return m_service.port(); }

private:
    RegistryMirror m_mirror;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

struct ConcurrentResponse
{
    int status = 0; // 0 when no response arrived in time
    QByteArray etag;
};

// Sends `count` GET requests at once, spread over `managers` network access managers
// so that they use several connections, and waits for all of them, at most `timeoutMs`.
QList<ConcurrentResponse> getConcurrently(const QUrl &url, int count, int managers, int timeoutMs)
{
    std::vector<std::unique_ptr<QNetworkAccessManager>> networks;
    for (int i = 0; i < managers; ++i)
        networks.push_back(std::make_unique<QNetworkAccessManager>());

    QList<ConcurrentResponse> responses(count);
    QList<QNetworkReply *> replies;
    QEventLoop loop;
    int pending = count;
    for (int i = 0; i < count; ++i) {
        QNetworkReply *reply = networks.at(i % managers)->get(QNetworkRequest(url));
        replies.append(reply);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, i, reply] {
            responses[i].status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            responses[i].etag = reply->rawHeader("ETag");
            if (--pending == 0)
                loop.quit();
        });
    }
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(timeoutMs);
    if (pending > 0)
        loop.exec();

    for (QNetworkReply *reply : std::as_const(replies)) {
        reply->disconnect(&loop);
        reply->abort();
        reply->deleteLater();
    }
    return responses;
}

} // namespace

class tst_RegistryProxy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // Served from the file:// fixture registry.
    void currentRegistryFromFiles();
    void ifNoneMatch_data();
    void ifNoneMatch();
    void filters_data();
    void filters();
    void unknownVersionNotFound();
    void neverLoadedRegistry();
    void unchangedRefreshKeepsEtag();

    // Served from the HTTP mirror.
    void versionedRegistry();
    void versionDownloadsNeverWait();
    void invalidVersionRejected_data();
    void invalidVersionRejected();
    void failedProviderSkipped();
    void failedProviderKeepsCopy();
    void malformedProviderSkipped();
    void malformedManifestUsesDefaults();
    void registryDownKeepsCopy();
    void neverAnsweringRegistry();
    void neverAnsweringProvider();
    void concurrentReadsDuringRefresh();
    void refreshBeforeTtl();
    void pricingFromHttpRegistry();

private:
    // Settings reading the registry from `baseUrl`.
    Settings settingsFor(const QUrl &baseUrl) const;

    std::unique_ptr<TestDatabase> m_database;
};

void tst_RegistryProxy::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("registryproxy"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QVERIFY2(!fixtureModels(OpenAiModels).isEmpty(), qPrintable(registryFixturePath()));
}

void tst_RegistryProxy::cleanupTestCase()
{
    m_database.reset();
}

Settings tst_RegistryProxy::settingsFor(const QUrl &baseUrl) const
{
    Settings settings = m_database->settings();
    settings.registry.baseUrl = baseUrl;
    return settings;
}

void tst_RegistryProxy::currentRegistryFromFiles()
{
    TestService service;
    QString error;
    QVERIFY2(service.start(m_database->settings(), &error), qPrintable(error));
    QVERIFY(service.service().registry().waitForAttemptsAfter(0, 10s));
    HttpClient client(service.baseUrl());
    const QJsonObject expectedModels = allFixtureModels();

    const HttpResponse registry = client.get(QStringLiteral("/registry"));
    const HttpResponse registryJson = client.get(QStringLiteral("/registry.json"));

    QCOMPARE(registry.status, 200);
    QCOMPARE(registryJson.status, 200);
    QCOMPARE(registryJson.body, registry.body);
    QCOMPARE(versionOf(registry), QStringLiteral("2025-08-20"));
    QCOMPARE(modelKeysOf(registry), expectedModels.keys());
    QCOMPARE(providerKeysOf(registry),
             (QStringList{QStringLiteral("anthropic"), QStringLiteral("google"), QStringLiteral("openai")}));
    const QJsonObject gpt4o = modelsOf(registry).value(QStringLiteral("openai:gpt-4o")).toObject();
    QCOMPARE(gpt4o.value(QStringLiteral("release_channel")),
             expectedModels.value(QStringLiteral("openai:gpt-4o")).toObject().value(QStringLiteral("release_channel")));
    QCOMPARE(modelsOf(registry), expectedModels);
    QCOMPARE(registry.header("Cache-Control"), QByteArray("public, max-age=3600"));
    QCOMPARE(registry.header("ETag"), expectedEtag(registry.body));
    QCOMPARE(registryJson.header("Cache-Control"), QByteArray("public, max-age=3600"));
    QCOMPARE(registryJson.header("ETag"), expectedEtag(registry.body));
}

void tst_RegistryProxy::ifNoneMatch_data()
{
    // "{tag}" in the header is replaced by the registry's current ETag.
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("status");

    QTest::newRow("exact tag") << QByteArray("{tag}") << 304;
    QTest::newRow("weak tag") << QByteArray("W/{tag}") << 304;
    QTest::newRow("tag in a list") << QByteArray("\"x\", {tag}") << 304;
    QTest::newRow("weak tag in a list") << QByteArray("\"x\",W/{tag}") << 304;
    QTest::newRow("wildcard") << QByteArray("*") << 304;
    QTest::newRow("other tag") << QByteArray("\"0123456789abcdef0123456789abcdef\"") << 200;
    QTest::newRow("other tags in a list") << QByteArray("\"x\", W/\"y\"") << 200;
}

void tst_RegistryProxy::ifNoneMatch()
{
    QFETCH(QByteArray, header);
    QFETCH(int, status);
    TestService service;
    QString error;
    QVERIFY2(service.start(m_database->settings(), &error), qPrintable(error));
    QVERIFY(service.service().registry().waitForAttemptsAfter(0, 10s));
    HttpClient client(service.baseUrl());
    const HttpResponse full = client.get(QStringLiteral("/registry"));
    QCOMPARE(full.status, 200);
    const QByteArray etag = expectedEtag(full.body);
    QCOMPARE(full.header("ETag"), etag);

    const HttpResponse conditional =
        client.get(QStringLiteral("/registry"), {{"If-None-Match", QByteArray(header).replace("{tag}", etag)}});

    QCOMPARE(conditional.status, status);
    QCOMPARE(conditional.header("ETag"), etag);
    QCOMPARE(conditional.header("Cache-Control"), QByteArray("public, max-age=3600"));
    QCOMPARE(conditional.body, status == 304 ? QByteArray() : full.body);
}

void tst_RegistryProxy::filters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("models");
    QTest::addColumn<QStringList>("providers");

    const QString gpt4o = QStringLiteral("openai:gpt-4o");
    const QString gpt4oMini = QStringLiteral("openai:gpt-4o-mini");
    const QString haiku = QStringLiteral("anthropic:claude-3-5-haiku");
    const QString geminiPro = QStringLiteral("google:gemini-1.5-pro");
    const QString geminiFlash = QStringLiteral("google:gemini-flash-latest");
    const QString anthropic = QStringLiteral("anthropic");
    const QString google = QStringLiteral("google");
    const QString openai = QStringLiteral("openai");

    QTest::newRow("one provider") << QStringLiteral("providers=openai") << QStringList{gpt4o, gpt4oMini}
                                  << QStringList{openai};
    QTest::newRow("two providers") << QStringLiteral("providers=openai,anthropic")
                                   << QStringList{haiku, gpt4o, gpt4oMini} << QStringList{anthropic, openai};
    QTest::newRow("providers with spaces") << QStringLiteral("providers=%20openai%20,%20google%20")
                                           << QStringList{geminiPro, geminiFlash, gpt4o, gpt4oMini}
                                           << QStringList{google, openai};
    // gemini-1.5-pro has "vision": true instead of "supports_vision": true.
    QTest::newRow("vision") << QStringLiteral("capabilities=vision") << QStringList{geminiPro, gpt4o, gpt4oMini}
                            << QStringList{anthropic, google, openai};
    QTest::newRow("vision and function calling") << QStringLiteral("capabilities=vision,function_calling")
                                                 << QStringList{geminiPro, gpt4o}
                                                 << QStringList{anthropic, google, openai};
    QTest::newRow("provider and capability") << QStringLiteral("providers=google,anthropic&capabilities=vision")
                                             << QStringList{geminiPro} << QStringList{anthropic, google};
    QTest::newRow("unknown provider") << QStringLiteral("providers=no-such-provider") << QStringList()
                                      << QStringList();
}

void tst_RegistryProxy::filters()
{
    QFETCH(QString, query);
    QFETCH(QStringList, models);
    QFETCH(QStringList, providers);
    TestService service;
    QString error;
    QVERIFY2(service.start(m_database->settings(), &error), qPrintable(error));
    QVERIFY(service.service().registry().waitForAttemptsAfter(0, 10s));
    HttpClient client(service.baseUrl());
    const HttpResponse unfiltered = client.get(QStringLiteral("/registry"));
    QCOMPARE(unfiltered.status, 200);
    const QJsonObject expectedModels = allFixtureModels();

    const HttpResponse filtered = client.get(QStringLiteral("/registry?") + query);

    QCOMPARE(filtered.status, 200);
    QCOMPARE(modelKeysOf(filtered), models);
    QCOMPARE(providerKeysOf(filtered), providers);
    const QJsonObject filteredModels = modelsOf(filtered);
    for (auto it = filteredModels.begin(); it != filteredModels.end(); ++it)
        QCOMPARE(it.value(), expectedModels.value(it.key()));
    QCOMPARE(versionOf(filtered), QStringLiteral("2025-08-20"));
    QCOMPARE(filtered.header("ETag"), expectedEtag(filtered.body));
    QVERIFY(filtered.header("ETag") != unfiltered.header("ETag"));
    QCOMPARE(filtered.header("Cache-Control"), QByteArray("public, max-age=3600"));
}

void tst_RegistryProxy::unknownVersionNotFound()
{
    TestService service;
    QString error;
    QVERIFY2(service.start(m_database->settings(), &error), qPrintable(error));
    HttpClient client(service.baseUrl());
    const QString path = QStringLiteral("/registry/v/1999-01-01/registry.json");

    const HttpResponse first = client.get(path);
    HttpResponse response = first;
    QTRY_VERIFY_WITH_TIMEOUT((response = client.get(path)).status != 503, 10000);

    QCOMPARE(first.status, 503);
    QCOMPARE(first.detail(), QStringLiteral("Registry version 1999-01-01 is being downloaded; retry in a second"));
    QCOMPARE(first.header("Retry-After"), QByteArray("1"));
    const QJsonObject expected{{QStringLiteral("detail"), QStringLiteral("Registry version not found: 1999-01-01")}};
    QCOMPARE(response.status, 404);
    QCOMPARE(response.json(), QJsonValue(expected));
}

void tst_RegistryProxy::neverLoadedRegistry()
{
    QTemporaryDir folder;
    QVERIFY2(folder.isValid(), qPrintable(folder.errorString()));
    const QUrl missing = QUrl::fromLocalFile(folder.filePath(QStringLiteral("missing")) + u'/');
    TestService service;
    QString error;
    QVERIFY2(service.start(settingsFor(missing), &error), qPrintable(error));
    QVERIFY(service.service().registry().waitForAttemptsAfter(0, 10s));
    HttpClient client(service.baseUrl());

    const HttpResponse registry = client.get(QStringLiteral("/registry"));
    const HttpResponse log = client.post(QStringLiteral("/api/v1/log"), usageLogBody(10, 5),
                                         apiKey("registryproxy-never-loaded"));

    QCOMPARE(registry.status, 503);
    QCOMPARE(registry.detail(), QStringLiteral("Registry unavailable: ") + missing.toDisplayString());
    QVERIFY2(retryAfterSeconds(registry) > 0, registry.header("Retry-After").constData());
    QCOMPARE(log.status, 201);
    const QJsonObject created = log.json().toObject();
    QCOMPARE(created.value(QStringLiteral("cost_source")), QJsonValue(QStringLiteral("unpriced")));
    QCOMPARE(created.value(QStringLiteral("cost")), QJsonValue(0.0));
}

void tst_RegistryProxy::unchangedRefreshKeepsEtag()
{
    TestService service;
    QString error;
    QVERIFY2(service.start(m_database->settings(), &error), qPrintable(error));
    RegistryClient &registry = service.service().registry();
    QVERIFY(registry.waitForAttemptsAfter(0, 10s));
    HttpClient client(service.baseUrl());
    const HttpResponse before = client.get(QStringLiteral("/registry"));

    registry.refreshNow();
    QVERIFY(registry.waitForAttemptsAfter(1, 10s));
    const HttpResponse after = client.get(QStringLiteral("/registry"), {{"If-None-Match", before.header("ETag")}});

    QCOMPARE(before.status, 200);
    QCOMPARE(after.status, 304);
    QCOMPARE(after.header("ETag"), before.header("ETag"));
}

void tst_RegistryProxy::versionedRegistry()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    const QString path = QStringLiteral("/registry/v/2025-08-01/registry.json");

    // The first request starts the download and does not wait for it.
    const HttpResponse downloading = mirrored.client().get(path);
    HttpResponse first = downloading;
    QTRY_VERIFY_WITH_TIMEOUT((first = mirrored.client().get(path)).status != 503, 10000);

    QCOMPARE(downloading.status, 503);
    QCOMPARE(downloading.header("Retry-After"), QByteArray("1"));
    QCOMPARE(first.status, 200);
    QCOMPARE(versionOf(first), QStringLiteral("2025-08-01"));
    QCOMPARE(modelsOf(first), fixtureModels(VersionedOpenAiModels));
    QCOMPARE(first.header("Cache-Control"), QByteArray("public, max-age=31536000, immutable"));
    QCOMPARE(first.header("ETag"), expectedEtag(first.body));
    QCOMPARE(mirrored.server().requestCount(u'/' + VersionedOpenAiModels), 1);

    const int requestsBefore = mirrored.server().totalRequests();
    const HttpResponse second = mirrored.client().get(path);
    const HttpResponse conditional = mirrored.client().get(path, {{"If-None-Match", first.header("ETag")}});

    QCOMPARE(second.status, 200);
    QCOMPARE(second.body, first.body);
    QCOMPARE(conditional.status, 304);
    QCOMPARE(conditional.body, QByteArray());
    QCOMPARE(conditional.header("ETag"), first.header("ETag"));
    QCOMPARE(conditional.header("Cache-Control"), QByteArray("public, max-age=31536000, immutable"));
    QCOMPARE(conditional.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(mirrored.server().totalRequests(), requestsBefore);
    QCOMPARE(mirrored.server().requestCount(u'/' + VersionedOpenAiModels), 1);
}

void tst_RegistryProxy::versionDownloadsNeverWait()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!mirrored.registry().current().isEmpty(), 10000);
    // Every later download hangs until released: made-up versions must not tie up workers.
    mirrored.server().setDefaultBehaviour(FixtureHttpServer::Behaviour::Hold);

    QList<HttpResponse> versions;
    for (int i = 1; i <= 6; ++i)
        versions.append(mirrored.client().get(QStringLiteral("/registry/v/made-up-%1/registry.json").arg(i)));
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.server().heldCount() >= 1, 10000);
    const HttpResponse registry = mirrored.client().get(QStringLiteral("/registry"));
    const HttpResponse log = mirrored.client().post(QStringLiteral("/api/v1/log"), usageLogBody(10, 5),
                                                    apiKey("registryproxy-version-downloads"));

    // Four downloads run at once; requests for more versions are turned away.
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(versions.at(i).status, 503);
        QCOMPARE(versions.at(i).detail(),
                 QStringLiteral("Registry version made-up-%1 is being downloaded; retry in a second").arg(i + 1));
    }
    for (int i = 4; i < 6; ++i) {
        QCOMPARE(versions.at(i).status, 503);
        QCOMPARE(versions.at(i).header("Retry-After"), QByteArray("5"));
    }
    QCOMPARE(registry.status, 200);
    QCOMPARE(log.status, 201);
    QVERIFY(mirrored.server().heldCount() >= 1); // none of the answers waited for the downloads

    mirrored.server().setDefaultBehaviour(FixtureHttpServer::Behaviour::Serve);
    mirrored.server().release();
    const QString path = QStringLiteral("/registry/v/made-up-1/registry.json");
    HttpResponse settled;
    QTRY_VERIFY_WITH_TIMEOUT((settled = mirrored.client().get(path)).status == 404, 10000);
    QCOMPARE(settled.detail(), QStringLiteral("Registry version not found: made-up-1"));
}

void tst_RegistryProxy::invalidVersionRejected_data()
{
    // Sent as raw bytes, so that no client library normalizes the path first.
    QTest::addColumn<QByteArray>("encodedVersion");
    QTest::addColumn<QString>("version");

    QTest::newRow("dot dot") << QByteArray("..") << QStringLiteral("..");
    QTest::newRow("encoded dot dot") << QByteArray("%2E%2E") << QStringLiteral("..");
    QTest::newRow("space") << QByteArray("a%20b") << QStringLiteral("a b");
    QTest::newRow("encoded slash") << QByteArray("a%2Fb") << QStringLiteral("a/b");
    QTest::newRow("leading dot") << QByteArray(".hidden") << QStringLiteral(".hidden");
    QTest::newRow("65 characters") << QByteArray(65, 'a') << QString(65, u'a');
}

void tst_RegistryProxy::invalidVersionRejected()
{
    QFETCH(QByteArray, encodedVersion);
    QFETCH(QString, version);
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const int requestsBefore = mirrored.server().totalRequests();

    const RawExchange exchange = rawExchange(mirrored.port(), "GET /registry/v/" + encodedVersion
                                                                  + "/registry.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                                    "Connection: close\r\n\r\n");

    QCOMPARE(exchange.responses.size(), 1);
    const HttpResponse &response = exchange.responses.constFirst();
    QCOMPARE(response.status, 404);
    QCOMPARE(response.detail(), QStringLiteral("Registry version not found: ") + version);
    QCOMPARE(mirrored.server().totalRequests(), requestsBefore);
}

void tst_RegistryProxy::failedProviderSkipped()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.startMirror(&error), qPrintable(error));
    mirrored.server().setBehaviour(AnthropicModels, FixtureHttpServer::Behaviour::ServerError);
    QVERIFY2(mirrored.startService(m_database->settings(), &error), qPrintable(error));
    const QJsonObject expectedModels = allFixtureModels();

    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse partial = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(partial.status, 200);
    QCOMPARE(keysOfProvider(modelsOf(partial), QStringLiteral("anthropic")), QStringList());
    QCOMPARE(keysOfProvider(modelsOf(partial), QStringLiteral("openai")),
             keysOfProvider(expectedModels, QStringLiteral("openai")));
    QCOMPARE(keysOfProvider(modelsOf(partial), QStringLiteral("google")),
             keysOfProvider(expectedModels, QStringLiteral("google")));
    QCOMPARE(providerKeysOf(partial), (QStringList{QStringLiteral("google"), QStringLiteral("openai")}));

    mirrored.server().setBehaviour(AnthropicModels, FixtureHttpServer::Behaviour::Serve);
    const quint64 attempts = mirrored.registry().finishedAttempts();
    mirrored.registry().refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > attempts, AttemptTimeoutMs);
    const HttpResponse complete = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(complete.status, 200);
    QCOMPARE(modelKeysOf(complete), expectedModels.keys());
    QCOMPARE(complete.header("ETag"), expectedEtag(complete.body));
    QVERIFY(complete.header("ETag") != partial.header("ETag"));
}

void tst_RegistryProxy::failedProviderKeepsCopy()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse before = mirrored.client().get(QStringLiteral("/registry"));
    QCOMPARE(before.status, 200);
    QCOMPARE(modelKeysOf(before), allFixtureModels().keys());

    // The openai change shows that the refresh took effect while anthropic failed.
    mirrored.server().setBehaviour(AnthropicModels, FixtureHttpServer::Behaviour::ServerError);
    const QJsonObject added = mirrored.mirror().addOpenAiModel();
    QVERIFY(!added.isEmpty());
    const quint64 attempts = mirrored.registry().finishedAttempts();
    mirrored.registry().refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > attempts, AttemptTimeoutMs);
    const HttpResponse after = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(mirrored.server().requestCount(u'/' + AnthropicModels), 2);
    QCOMPARE(after.status, 200);
    QCOMPARE(modelsOf(after).value(AddedModelKey), QJsonValue(added));
    const QJsonObject anthropicBefore = fixtureModels(AnthropicModels);
    for (auto it = anthropicBefore.begin(); it != anthropicBefore.end(); ++it)
        QCOMPARE(modelsOf(after).value(it.key()), it.value());
    QVERIFY(providerKeysOf(after).contains(QStringLiteral("anthropic")));
    QCOMPARE(after.header("ETag"), expectedEtag(after.body));
}

void tst_RegistryProxy::malformedProviderSkipped()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.startMirror(&error), qPrintable(error));
    mirrored.server().setBehaviour(GoogleModels, FixtureHttpServer::Behaviour::Malformed);
    QVERIFY2(mirrored.startService(m_database->settings(), &error), qPrintable(error));
    const QJsonObject expectedModels = allFixtureModels();

    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse response = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(response.status, 200);
    QCOMPARE(versionOf(response), QStringLiteral("2025-08-20"));
    QCOMPARE(keysOfProvider(modelsOf(response), QStringLiteral("google")), QStringList());
    QCOMPARE(modelKeysOf(response), keysOfProvider(expectedModels, QStringLiteral("anthropic"))
                                        + keysOfProvider(expectedModels, QStringLiteral("openai")));
    QCOMPARE(providerKeysOf(response), (QStringList{QStringLiteral("anthropic"), QStringLiteral("openai")}));
}

void tst_RegistryProxy::malformedManifestUsesDefaults()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.startMirror(&error), qPrintable(error));
    mirrored.server().setBehaviour(QStringLiteral("manifest.json"), FixtureHttpServer::Behaviour::Malformed);
    // Two dates, in case the test runs across midnight UTC.
    const QString dayBefore = QDateTime::currentDateTimeUtc().date().toString(QStringLiteral("yyyy.MM.dd"));
    QVERIFY2(mirrored.startService(m_database->settings(), &error), qPrintable(error));

    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse response = mirrored.client().get(QStringLiteral("/registry"));
    const QString dayAfter = QDateTime::currentDateTimeUtc().date().toString(QStringLiteral("yyyy.MM.dd"));

    QCOMPARE(response.status, 200);
    QVERIFY2(versionOf(response) == dayBefore || versionOf(response) == dayAfter, qPrintable(versionOf(response)));
    QCOMPARE(modelKeysOf(response), allFixtureModels().keys());
    QCOMPARE(providerKeysOf(response),
             (QStringList{QStringLiteral("anthropic"), QStringLiteral("google"), QStringLiteral("openai")}));
    // Only the manifest lists mistral, so without a manifest its file is never requested.
    QCOMPARE(mirrored.server().requestCount(QStringLiteral("/mistral/models.json")), 0);
}

void tst_RegistryProxy::registryDownKeepsCopy()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse before = mirrored.client().get(QStringLiteral("/registry"));
    QCOMPARE(before.status, 200);

    mirrored.server().stop();
    const QJsonObject added = mirrored.mirror().addOpenAiModel();
    QVERIFY(!added.isEmpty());
    quint64 attempts = mirrored.registry().finishedAttempts();
    mirrored.registry().refreshNow();
    QVERIFY(mirrored.registry().waitForAttemptsAfter(attempts, 10s));
    const HttpResponse whileDown = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(whileDown.status, 200);
    QCOMPARE(whileDown.body, before.body);
    QCOMPARE(whileDown.header("ETag"), before.header("ETag"));

    QVERIFY2(mirrored.server().start(&error), qPrintable(error));
    attempts = mirrored.registry().finishedAttempts();
    mirrored.registry().refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > attempts, AttemptTimeoutMs);
    const HttpResponse afterRestart = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(afterRestart.status, 200);
    QCOMPARE(modelsOf(afterRestart).value(AddedModelKey), QJsonValue(added));
    QCOMPARE(afterRestart.header("ETag"), expectedEtag(afterRestart.body));
    QVERIFY(afterRestart.header("ETag") != before.header("ETag"));
}

void tst_RegistryProxy::neverAnsweringRegistry()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.startMirror(&error), qPrintable(error));
    mirrored.server().setDefaultBehaviour(FixtureHttpServer::Behaviour::NeverAnswer);
    Settings settings = m_database->settings();
    // Long enough that the first request arrives while the fetch still runs.
    settings.registry.fetchTimeout = 3s;
    QVERIFY2(mirrored.startService(settings, &error), qPrintable(error));
    const QString unavailable = QStringLiteral("Registry unavailable: ") + mirrored.server().baseUrl().toDisplayString();

    const HttpResponse duringFetch = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(duringFetch.status, 503);
    QCOMPARE(mirrored.registry().finishedAttempts(), quint64(0));
    QCOMPARE(duringFetch.detail(), unavailable);
    QVERIFY2(retryAfterSeconds(duringFetch) > 0, duringFetch.header("Retry-After").constData());

    QVERIFY(mirrored.registry().waitForAttemptsAfter(0, 10s));
    const HttpResponse afterFetch = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(afterFetch.status, 503);
    QCOMPARE(afterFetch.detail(), unavailable);
    QVERIFY2(retryAfterSeconds(afterFetch) > 0, afterFetch.header("Retry-After").constData());
}

void tst_RegistryProxy::neverAnsweringProvider()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.startMirror(&error), qPrintable(error));
    mirrored.server().setBehaviour(OpenAiModels, FixtureHttpServer::Behaviour::NeverAnswer);
    Settings settings = m_database->settings();
    settings.registry.fetchTimeout = 1s;
    QVERIFY2(mirrored.startService(settings, &error), qPrintable(error));
    const QJsonObject expectedModels = allFixtureModels();

    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse response = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(mirrored.server().requestCount(u'/' + OpenAiModels), 1);
    QCOMPARE(response.status, 200);
    QCOMPARE(keysOfProvider(modelsOf(response), QStringLiteral("openai")), QStringList());
    QCOMPARE(modelKeysOf(response), keysOfProvider(expectedModels, QStringLiteral("anthropic"))
                                        + keysOfProvider(expectedModels, QStringLiteral("google")));
    QCOMPARE(providerKeysOf(response), (QStringList{QStringLiteral("anthropic"), QStringLiteral("google")}));
}

void tst_RegistryProxy::concurrentReadsDuringRefresh()
{
    constexpr int Requests = 50;
    constexpr int Managers = 5;
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);
    const HttpResponse before = mirrored.client().get(QStringLiteral("/registry"));
    QCOMPARE(before.status, 200);
    const QByteArray oldEtag = before.header("ETag");

    const QJsonObject added = mirrored.mirror().addOpenAiModel();
    QVERIFY(!added.isEmpty());
    mirrored.server().setDefaultBehaviour(FixtureHttpServer::Behaviour::Hold);
    const quint64 attempts = mirrored.registry().finishedAttempts();
    mirrored.registry().refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.server().heldCount() >= 1, AttemptTimeoutMs);

    const QList<ConcurrentResponse> responses =
        getConcurrently(QUrl(mirrored.baseUrl().toString() + QStringLiteral("/registry")), Requests, Managers, 30000);

    for (qsizetype i = 0; i < responses.size(); ++i) {
        QVERIFY2(responses.at(i).status == 200, qPrintable(QStringLiteral("request %1 got status %2")
                                                               .arg(i)
                                                               .arg(responses.at(i).status)));
        QCOMPARE(responses.at(i).etag, oldEtag);
    }
    // The fetch is still held, so no request waited for it.
    QVERIFY(mirrored.server().heldCount() >= 1);
    QCOMPARE(mirrored.registry().finishedAttempts(), attempts);

    mirrored.server().setDefaultBehaviour(FixtureHttpServer::Behaviour::Serve);
    mirrored.server().release();
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > attempts, AttemptTimeoutMs);
    const HttpResponse after = mirrored.client().get(QStringLiteral("/registry"));

    QCOMPARE(after.status, 200);
    QCOMPARE(modelsOf(after).value(AddedModelKey), QJsonValue(added));
    QCOMPARE(after.header("ETag"), expectedEtag(after.body));
    QVERIFY(after.header("ETag") != oldEtag);
}

void tst_RegistryProxy::refreshBeforeTtl()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.startMirror(&error), qPrintable(error));
    Settings settings = m_database->settings();
    settings.registry.cacheTtl = 2s;
    QVERIFY2(mirrored.startService(settings, &error), qPrintable(error));

    // Three manifest requests are the first fetch and at least two refreshes.
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.server().requestCount(QStringLiteral("/manifest.json")) >= 3, 15000);

    const HttpResponse response = mirrored.client().get(QStringLiteral("/registry"));
    QCOMPARE(response.status, 200);
    QCOMPARE(modelKeysOf(response), allFixtureModels().keys());
}

void tst_RegistryProxy::pricingFromHttpRegistry()
{
    MirroredService mirrored;
    QString error;
    QVERIFY2(mirrored.start(m_database->settings(), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(mirrored.registry().finishedAttempts() > 0, AttemptTimeoutMs);

    const QJsonObject gpt4o = fixtureModels(OpenAiModels).value(QStringLiteral("openai:gpt-4o")).toObject();
    const double inputPrice = gpt4o.value(QStringLiteral("dollars_per_million_tokens_input")).toDouble();
    const double outputPrice = gpt4o.value(QStringLiteral("dollars_per_million_tokens_output")).toDouble();
    const double cacheReadPrice = gpt4o.value(QStringLiteral("dollars_per_million_tokens_cache_read")).toDouble();
    QVERIFY(inputPrice > 0 && outputPrice > 0 && cacheReadPrice > 0);
    const double expectedCost = ((1200 - 200) * inputPrice + 200 * cacheReadPrice + 350 * outputPrice) / 1e6;
    const QByteArray body = usageLogBody(1200, 350, 200);
    const HeaderList key = apiKey("registryproxy-pricing");

    const HttpResponse fresh = mirrored.client().post(QStringLiteral("/api/v1/log"), body, key);

    QCOMPARE(fresh.status, 201);
    const QJsonObject freshLog = fresh.json().toObject();
    QCOMPARE(freshLog.value(QStringLiteral("cost_source")), QJsonValue(QStringLiteral("registry")));
    QCOMPARE(freshLog.value(QStringLiteral("cost")), QJsonValue(expectedCost));

    mirrored.server().stop();
    const quint64 attempts = mirrored.registry().finishedAttempts();
    mirrored.registry().refreshNow();
    QVERIFY(mirrored.registry().waitForAttemptsAfter(attempts, 10s));
    const HttpResponse cached = mirrored.client().post(QStringLiteral("/api/v1/log"), body, key);

    QCOMPARE(cached.status, 201);
    const QJsonObject cachedLog = cached.json().toObject();
    QVERIFY(cachedLog.value(QStringLiteral("log_id")) != freshLog.value(QStringLiteral("log_id")));
    QCOMPARE(cachedLog.value(QStringLiteral("cost_source")), QJsonValue(QStringLiteral("registry")));
    QCOMPARE(cachedLog.value(QStringLiteral("cost")), QJsonValue(expectedCost));
}

QTEST_GUILESS_MAIN(tst_RegistryProxy)

#include "tst_registryproxy.moc"
