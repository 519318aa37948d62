// SPDX-License-Identifier: MIT
// Usage logs priced from the model registry, against the real service and database:
// the cost formula with and without cached tokens, lookups by prefixed and bare model
// names, prices the service refuses, and `llmring-server reprice`.

#include "httpclient.h"
#include "jsonprinting.h"
#include "registry/registryclient.h"
#include "serverprocess.h"
#include "service.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace llmring::test;

namespace {

using namespace std::chrono_literals;

// A registry of one provider, "acme", whose prices exercise the edge cases. Models
// named in the second file only appear once a test writes it, for reprice.
const QByteArray Manifest = R"({"version": "pricing-1", "providers": {"acme": {}}})";

const QByteArray AcmeModels = R"({
  "models": {
    "acme:standard": {"model_name": "standard", "dollars_per_million_tokens_input": 2.5,
                      "dollars_per_million_tokens_output": 10, "dollars_per_million_tokens_cache_read": 1.25},
    "acme:no-cache-price": {"dollars_per_million_tokens_input": 0.8, "dollars_per_million_tokens_output": 4},
    "acme:null-cache-price": {"dollars_per_million_tokens_input": 3, "dollars_per_million_tokens_output": 15,
                              "dollars_per_million_tokens_cache_read": null},
    "acme:tiny": {"dollars_per_million_tokens_input": 1e-7, "dollars_per_million_tokens_output": 0},
    "acme:free": {"dollars_per_million_tokens_input": 0, "dollars_per_million_tokens_output": 0},
    "acme:ceiling": {"dollars_per_million_tokens_input": 1000000, "dollars_per_million_tokens_output": 1000000,
                     "dollars_per_million_tokens_cache_read": 1000000},
    "acme:almost-ceiling": {"dollars_per_million_tokens_input": 999999.9999999, "dollars_per_million_tokens_output": 0},
    "acme:negative": {"dollars_per_million_tokens_input": -1, "dollars_per_million_tokens_output": 1},
    "acme:text-price": {"dollars_per_million_tokens_input": "2.5", "dollars_per_million_tokens_output": 1},
    "acme:above-ceiling": {"dollars_per_million_tokens_input": 1000001, "dollars_per_million_tokens_output": 1},
    "acme:no-output-price": {"dollars_per_million_tokens_input": 1},
    "acme:bad-cache-price": {"dollars_per_million_tokens_input": 1, "dollars_per_million_tokens_output": 1,
                             "dollars_per_million_tokens_cache_read": "free"},
    "bare-key": {"dollars_per_million_tokens_input": 4, "dollars_per_million_tokens_output": 8}
  }
})";

// AcmeModels plus a model that reprice then finds.
QByteArray acmeModelsWithLater()
{
    QByteArray text = AcmeModels;
    text.replace(R"("bare-key":)", R"("acme:later": {"dollars_per_million_tokens_input": 2, )"
                                   R"("dollars_per_million_tokens_output": 6, )"
                                   R"("dollars_per_million_tokens_cache_read": 0.5},
    "bare-key":)");
    return text;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QByteArray logBody(const QString &provider, const QString &model, qint64 input, qint64 output, qint64 cached)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("provider"), provider},
                                     {QStringLiteral("model"), model},
                                     {QStringLiteral("input_tokens"), input},
                                     {QStringLiteral("output_tokens"), output},
                                     {QStringLiteral("cached_input_tokens"), cached}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class tst_UsagePricing final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void pricedFromRegistry_data();
    void pricedFromRegistry();
    void clientCostWins();
    void unpricedBeforeRegistryLoads();
    void reprice();
    void repriceUsageErrors_data();
    void repriceUsageErrors();
    void repriceWithoutRegistry();

private:
    // Runs llmring-server with the suite's database and schema and the given registry.
    ProcessResult runServer(const QStringList &arguments, const QString &registryUrl);
    QString storedCost(const QString &logId);
    QString storedSource(const QString &logId);

    std::unique_ptr<TestDatabase> m_database;
    QTemporaryDir m_registry;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_UsagePricing::initTestCase()
{
    QVERIFY(m_registry.isValid());
    QVERIFY(writeFile(m_registry.filePath(QStringLiteral("manifest.json")), Manifest));
    QVERIFY(writeFile(m_registry.filePath(QStringLiteral("acme/models.json")), AcmeModels));

    m_database = std::make_unique<TestDatabase>(QStringLiteral("usagepricing"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    llmring::Settings settings = m_database->settings();
    QString error;
    QVERIFY2(settings.setRegistryBaseUrl(m_registry.path(), QStringLiteral("registry"), &error), qPrintable(error));
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    QVERIFY(m_service.service().registry().waitForAttemptsAfter(0, 10s));
    QCOMPARE(m_service.service().registry().current().version(), QStringLiteral("pricing-1"));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_UsagePricing::cleanupTestCase()
{
    m_service.stop();
    if (m_database)
        m_database->dropSchema(m_database->schema());
}

QString tst_UsagePricing::storedCost(const QString &logId)
{
    return m_database
        ->scalar(QStringLiteral("SELECT cost::text FROM {{schema}}.usage_logs WHERE id = CAST(:id AS uuid)"),
                 {{QStringLiteral("id"), logId}})
        .toString();
}

QString tst_UsagePricing::storedSource(const QString &logId)
{
    return m_database
        ->scalar(QStringLiteral("SELECT cost_source FROM {{schema}}.usage_logs WHERE id = CAST(:id AS uuid)"),
                 {{QStringLiteral("id"), logId}})
        .toString();
}

void tst_UsagePricing::pricedFromRegistry_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<qint64>("input");
    QTest::addColumn<qint64>("output");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<QString>("storedCost"); // usage_logs.cost as PostgreSQL prints it
    QTest::addColumn<QString>("source");

    constexpr qint64 Max = 2147483647;
    // (1200 − 200) × 2.5 + 200 × 1.25 + 350 × 10 = 6250 dollars per million tokens
    QTest::newRow("bare name, cached tokens") << "acme" << "standard" << 1200LL << 350LL << 200LL << "0.0062500000"
                                              << "registry";
    QTest::newRow("provider-prefixed name") << "acme" << "acme:standard" << 1200LL << 350LL << 200LL
                                            << "0.0062500000" << "registry";
    // 1000 × 2.5 + 500 × 10 = 7500
    QTest::newRow("no cached tokens") << "acme" << "standard" << 1000LL << 500LL << 0LL << "0.0075000000"
                                      << "registry";
    // Cached tokens cost nothing without a cache-read price: 900 × 0.8 + 500 × 4 = 2720
    QTest::newRow("no cache-read price") << "acme" << "no-cache-price" << 1000LL << 500LL << 100LL
                                         << "0.0027200000" << "registry";
    // 300 × 3 + 20 × 15 = 1200
    QTest::newRow("null cache-read price") << "acme" << "null-cache-price" << 500LL << 20LL << 200LL
                                           << "0.0012000000" << "registry";
    QTest::newRow("all tokens cached") << "acme" << "standard" << 4000LL << 0LL << 4000LL << "0.0050000000"
                                       << "registry";
    // 1000 × 1e-7 = 0.0001 dollars per million tokens: the smallest stored amount
    QTest::newRow("price in exponent form") << "acme" << "tiny" << 1000LL << 0LL << 0LL << "0.0000000001"
                                            << "registry";
    QTest::newRow("rounded to 10 places") << "acme" << "tiny" << 1LL << 0LL << 0LL << "0.0000000000" << "registry";
    QTest::newRow("free model") << "acme" << "free" << 1000LL << 1000LL << 0LL << "0.0000000000" << "registry";
    // (2^31 − 1) × (1.25 + 10) / 10^6, exactly
    QTest::newRow("largest token counts") << "acme" << "standard" << Max << Max << Max << "24159.1910287500"
                                          << "registry";
    // (2^31 − 1) × 2 × 10^6 / 10^6: the highest accepted price stays within the column
    QTest::newRow("highest accepted price") << "acme" << "ceiling" << Max << Max << 0LL << "4294967294.0000000000"
                                            << "registry";
    // (2^31 − 1) × 999999.9999999 / 10^6, exact to the last of the 10 places
    QTest::newRow("large cost stays exact") << "acme" << "almost-ceiling" << Max << 0LL << 0LL
                                            << "2147483646.9997852516" << "registry";
    QTest::newRow("key without a provider prefix") << "other" << "bare-key" << 1000LL << 1000LL << 0LL
                                                   << "0.0120000000" << "registry";
    QTest::newRow("unknown model") << "acme" << "gpt-5" << 1000LL << 1000LL << 0LL << "0.0000000000" << "unpriced";
    QTest::newRow("bare name under another provider") << "openrouter" << "standard" << 1000LL << 1000LL << 0LL
                                                      << "0.0000000000" << "unpriced";
    QTest::newRow("model_name is not a key") << "acme" << "acme:model_name" << 1000LL << 1000LL << 0LL
                                             << "0.0000000000" << "unpriced";
    QTest::newRow("names are case-sensitive") << "acme" << "Standard" << 1000LL << 1000LL << 0LL
                                              << "0.0000000000" << "unpriced";
    QTest::newRow("negative price") << "acme" << "negative" << 1000LL << 1000LL << 0LL << "0.0000000000"
                                    << "unpriced";
    QTest::newRow("price as a string") << "acme" << "text-price" << 1000LL << 1000LL << 0LL << "0.0000000000"
                                       << "unpriced";
    QTest::newRow("price above the ceiling") << "acme" << "above-ceiling" << 1000LL << 1000LL << 0LL
                                             << "0.0000000000" << "unpriced";
    QTest::newRow("output price missing") << "acme" << "no-output-price" << 1000LL << 1000LL << 0LL
                                          << "0.0000000000" << "unpriced";
    QTest::newRow("invalid cache-read price") << "acme" << "bad-cache-price" << 1000LL << 1000LL << 0LL
                                              << "0.0000000000" << "unpriced";
}

void tst_UsagePricing::pricedFromRegistry()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(qint64, input);
    QFETCH(qint64, output);
    QFETCH(qint64, cached);
    QFETCH(QString, storedCost);
    QFETCH(QString, source);

    const HttpResponse response =
        m_client->post(QStringLiteral("/api/v1/log"), logBody(provider, model, input, output, cached),
                       apiKey("pricing-project"));

    QCOMPARE(response.status, 201);
    const QJsonObject body = response.json().toObject();
    QCOMPARE(body.value(QStringLiteral("cost_source")).toString(), source);
    QCOMPARE(body.value(QStringLiteral("cost")).toDouble(), storedCost.toDouble());
    const QString logId = body.value(QStringLiteral("log_id")).toString();
    QCOMPARE(this->storedCost(logId), storedCost);
    QCOMPARE(storedSource(logId), source);
}

void tst_UsagePricing::clientCostWins()
{
    QByteArray body = logBody(QStringLiteral("acme"), QStringLiteral("standard"), 1000, 1000, 0);
    body.chop(1);
    body += R"(,"cost":0.5})";

    const HttpResponse response = m_client->post(QStringLiteral("/api/v1/log"), body, apiKey("pricing-project"));

    QCOMPARE(response.status, 201);
    QCOMPARE(response.json()[QStringLiteral("cost_source")].toString(), QStringLiteral("client"));
    QCOMPARE(response.json()[QStringLiteral("cost")].toDouble(), 0.5);
    QCOMPARE(storedCost(response.json()[QStringLiteral("log_id")].toString()), QStringLiteral("0.5000000000"));
}

void tst_UsagePricing::unpricedBeforeRegistryLoads()
{
    // A registry that cannot load: the log is stored at once, unpriced.
    llmring::Settings settings = m_database->settings();
    QString error;
    QVERIFY(settings.setRegistryBaseUrl(m_registry.filePath(QStringLiteral("missing")), QStringLiteral("registry"),
                                        &error));
    TestService service;
    QVERIFY2(service.start(settings, &error), qPrintable(error));
    QVERIFY(service.service().registry().waitForAttemptsAfter(0, 10s));
    QVERIFY(service.service().registry().current().isEmpty());

    const HttpResponse response = HttpClient(service.baseUrl())
                                      .post(QStringLiteral("/api/v1/log"),
                                            logBody(QStringLiteral("acme"), QStringLiteral("standard"), 10, 5, 0),
                                            apiKey("pricing-project"));

    QCOMPARE(response.status, 201);
    QCOMPARE(response.json()[QStringLiteral("cost_source")].toString(), QStringLiteral("unpriced"));
    QCOMPARE(response.json()[QStringLiteral("cost")].toDouble(), 0.0);
    service.stop();
}

ProcessResult tst_UsagePricing::runServer(const QStringList &arguments, const QString &registryUrl)
{
    QProcess process;
    process.setProcessEnvironment(serverEnvironment({
        {QStringLiteral("LLMRING_DATABASE_URL"), m_database->databaseUrl()},
        {QStringLiteral("LLMRING_DATABASE_SCHEMA"), m_database->schema()},
        {QStringLiteral("LLMRING_REGISTRY_BASE_URL"), registryUrl},
        {QStringLiteral("LLMRING_REGISTRY_TIMEOUT"), QStringLiteral("2")},
    }));
    process.start(qEnvironmentVariable("LLMRING_SERVER_BINARY"), arguments);
    return finishProcess(process, 60'000);
}

void tst_UsagePricing::reprice()
{
    QVERIFY2(!qEnvironmentVariable("LLMRING_SERVER_BINARY").isEmpty(), "run through ctest, or set LLMRING_SERVER_BINARY");
    const QString later = QStringLiteral("later");
    // The suite's schema is its own; rows of the other tests would be re-priced too.
    m_database->exec(QStringLiteral("DELETE FROM {{schema}}.usage_logs"));

    // Three rows of a model the registry does not list yet, in two projects. Then a
    // client-priced row, a row of a model it never lists, and a row before --since.
    QStringList repriced;
    struct Tokens { qint64 input, output, cached; };
    const QList<QPair<QByteArray, Tokens>> rows = {
        {"reprice-a", {1000, 500, 200}}, {"reprice-a", {10, 0, 0}}, {"reprice-b", {2000000, 1000000, 1000000}}};
    for (const auto &[project, tokens] : rows) {
        const HttpResponse response = m_client->post(
            QStringLiteral("/api/v1/log"), logBody(QStringLiteral("acme"), later, tokens.input, tokens.output, tokens.cached),
            apiKey(project));
        QCOMPARE(response.status, 201);
        QCOMPARE(response.json()[QStringLiteral("cost_source")].toString(), QStringLiteral("unpriced"));
        repriced.append(response.json()[QStringLiteral("log_id")].toString());
    }
    QByteArray clientBody = logBody(QStringLiteral("acme"), later, 1000, 1000, 0);
    clientBody.chop(1);
    clientBody += R"(,"cost":0.25})";
    const QString clientRow =
        m_client->post(QStringLiteral("/api/v1/log"), clientBody, apiKey("reprice-a")).json()[QStringLiteral("log_id")].toString();
    const QString neverRow = m_client
                                 ->post(QStringLiteral("/api/v1/log"),
                                        logBody(QStringLiteral("acme"), QStringLiteral("never"), 5, 5, 0),
                                        apiKey("reprice-a"))
                                 .json()[QStringLiteral("log_id")]
                                 .toString();
    const QString oldRow = m_client
                               ->post(QStringLiteral("/api/v1/log"), logBody(QStringLiteral("acme"), later, 7, 7, 0),
                                      apiKey("reprice-a"))
                               .json()[QStringLiteral("log_id")]
                               .toString();
    m_database->exec(QStringLiteral("UPDATE {{schema}}.usage_logs SET logged_at = '2020-06-01T00:00:00Z'"
                                    " WHERE id = CAST(:id AS uuid)"),
                     {{QStringLiteral("id"), oldRow}});
    const qint64 unpricedSince = 4; // three "later" rows and one "never" row
    // The registry now lists the model.
    QTemporaryDir updated;
    QVERIFY(writeFile(updated.filePath(QStringLiteral("manifest.json")), Manifest));
    QVERIFY(writeFile(updated.filePath(QStringLiteral("acme/models.json")), acmeModelsWithLater()));
    const QString registryUrl = QUrl::fromLocalFile(updated.path() + u'/').toString();

    const ProcessResult dryRun = runServer({QStringLiteral("reprice"), QStringLiteral("--since"),
                                            QStringLiteral("2024-01-01"), QStringLiteral("--dry-run")},
                                           registryUrl);
    QVERIFY2(dryRun.finished && dryRun.exitCode == 0, qPrintable(dryRun.standardError));
    QVERIFY2(dryRun.standardOutput.contains(QStringLiteral("  acme:later: 3 row(s) would be priced at $2 input, "
                                                           "$0.5 cached input, $6 output per million tokens\n")),
             qPrintable(dryRun.standardOutput));
    QVERIFY2(dryRun.standardOutput.contains(
                 QStringLiteral("Dry run: 3 of %1 unpriced row(s) since 2024-01-01T00:00:00.000000Z would change.\n")
                     .arg(unpricedSince)),
             qPrintable(dryRun.standardOutput));
    QCOMPARE(storedSource(repriced.at(0)), QStringLiteral("unpriced"));

    const ProcessResult run = runServer(
        {QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("2024-01-01")}, registryUrl);
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(run.standardError));
    QVERIFY2(run.standardOutput.contains(QStringLiteral("Registry version pricing-1 (acme)\n")),
             qPrintable(run.standardOutput));
    QVERIFY2(run.standardOutput.contains(QStringLiteral("  acme:never: 1 row(s) left unpriced (not in the registry)\n")),
             qPrintable(run.standardOutput));
    QVERIFY2(run.standardOutput.contains(
                 QStringLiteral("3 of %1 unpriced row(s) since 2024-01-01T00:00:00.000000Z changed.\n").arg(unpricedSince)),
             qPrintable(run.standardOutput));

    // 800 × 2 + 200 × 0.5 + 500 × 6 = 4700; 10 × 2 = 20; 10^6 × 2 + 10^6 × 0.5 + 10^6 × 6 = 8.5 × 10^6
    const QStringList expected = {QStringLiteral("0.0047000000"), QStringLiteral("0.0000200000"),
                                  QStringLiteral("8.5000000000")};
    for (int i = 0; i < repriced.size(); ++i) {
        QCOMPARE(storedCost(repriced.at(i)), expected.at(i));
        QCOMPARE(storedSource(repriced.at(i)), QStringLiteral("registry"));
    }
    QCOMPARE(storedCost(clientRow), QStringLiteral("0.2500000000"));
    QCOMPARE(storedSource(clientRow), QStringLiteral("client"));
    QCOMPARE(storedSource(neverRow), QStringLiteral("unpriced"));
    QCOMPARE(storedSource(oldRow), QStringLiteral("unpriced")); // before --since
    QCOMPARE(storedCost(oldRow), QStringLiteral("0.0000000000"));

    // The project's statistics include the new costs: 0.0047 + 0.00002 + 0.25 + 0 = 0.25472.
    const HttpResponse stats = m_client->get(QStringLiteral("/api/v1/stats?start_date=2024-01-01"), apiKey("reprice-a"));
    QCOMPARE(stats.status, 200);
    QCOMPARE(stats.json()[QStringLiteral("summary")][QStringLiteral("total_cost")].toDouble(), 0.25472);

    // A second run finds nothing left to price.
    const ProcessResult again = runServer(
        {QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("2024-01-01")}, registryUrl);
    QVERIFY2(again.finished && again.exitCode == 0, qPrintable(again.standardError));
    QVERIFY2(again.standardOutput.contains(
                 QStringLiteral("0 of %1 unpriced row(s) since 2024-01-01T00:00:00.000000Z changed.\n")
                     .arg(unpricedSince - 3)),
             qPrintable(again.standardOutput));
}

void tst_UsagePricing::repriceUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    QTest::newRow("no --since") << QStringList{"reprice"}
                                << "llmring-server: reprice needs --since DATE, such as --since 2025-08-01\n";
    QTest::newRow("not a date") << QStringList{"reprice", "--since", "yesterday"}
                                << "llmring-server: --since \"yesterday\" is not a date; use YYYY-MM-DD or an "
                                   "RFC 3339 time such as 2025-08-01T00:00:00Z\n";
    QTest::newRow("impossible date") << QStringList{"reprice", "--since", "2025-02-30"}
                                     << "llmring-server: --since \"2025-02-30\" is not a date; use YYYY-MM-DD or an "
                                        "RFC 3339 time such as 2025-08-01T00:00:00Z\n";
    QTest::newRow("--since without reprice") << QStringList{"migrate", "--since", "2025-01-01"}
                                             << "llmring-server: --since and --dry-run go with the reprice command\n";
    QTest::newRow("--dry-run without reprice") << QStringList{"serve", "--dry-run"}
                                               << "llmring-server: --since and --dry-run go with the reprice command\n";
    QTest::newRow("invalid registry URL") << QStringList{"reprice", "--since", "2025-01-01", "--registry-url", "ftp://x/"}
                                          << "llmring-server: --registry-url is invalid: the scheme must be http, "
                                             "https or file, not \"ftp\"\n";
}

void tst_UsagePricing::repriceUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const ProcessResult result = runServer(arguments, QUrl::fromLocalFile(m_registry.path() + u'/').toString());

    QVERIFY(result.finished);
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.standardError, message);
}

void tst_UsagePricing::repriceWithoutRegistry()
{
    const QString missing = QUrl::fromLocalFile(m_registry.filePath(QStringLiteral("missing")) + u'/').toString();

    const ProcessResult result =
        runServer({QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("2024-01-01")}, missing);

    QVERIFY(result.finished);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.standardError.contains(QStringLiteral("llmring-server: cannot reprice: Registry unavailable: %1 "
                                                          "(check LLMRING_REGISTRY_BASE_URL; the lines above name "
                                                          "each failed file)\n")
                                               .arg(missing)),
             qPrintable(result.standardError));
}

QTEST_MAIN(tst_UsagePricing)

#include "tst_usagepricing.moc"
