// SPDX-License-Identifier: MIT
// Registry snapshot: merging provider files, the manifest's version and provider list,
// rejected provider files, the providers and capabilities filters, ETags and model lookup.

#include "registry/registrysnapshot.h"

#include "json/strictjsonparser.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QTest>

using llmring::RegistrySnapshot;

namespace {

const QString GeneratedAt = QStringLiteral("2025-08-26T12:00:00.000000Z");

QByteArray readFixture(const QString &relativePath)
{
    const QString path = QFINDTESTDATA(QStringLiteral("fixtures/") + relativePath);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("failed to open fixture %s", qPrintable(relativePath));
    return file.readAll();
}

// A builder with the openai, anthropic and google fixture files loaded.
RegistrySnapshot::Builder fixtureBuilder()
{
    RegistrySnapshot::Builder builder;
    builder.setVersion(QStringLiteral("2025-08-20"));
    builder.setGeneratedAt(GeneratedAt);
    for (const QString &provider : {QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("google")}) {
        QString error;
        if (!builder.addProviderFile(provider, readFixture(provider + QStringLiteral("/models.json")), &error))
            qFatal("fixture for %s rejected: %s", qPrintable(provider), qPrintable(error));
    }
    return builder;
}

// Parses a toJson() body with the strict parser, which also proves it is valid JSON.
QJsonObject parseBody(const QByteArray &body)
{
    llmring::json::ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(body, &error);
    if (!value || !value->isObject())
        qFatal("body is not a JSON object: %s", qPrintable(error.message));
    return value->toObject();
}

} // namespace

class tst_RegistrySnapshot final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mergeFixtureProviders();
    void providerMetadata();
    void compactDocument();
    void versionFromManifest_data();
    void versionFromManifest();
    void providersFromManifest_data();
    void providersFromManifest();
    void malformedProviderFile_data();
    void malformedProviderFile();
    void reloadReplacesProvider();
    void filters_data();
    void filters();
    void providerFilterUsesProviderMember();
    void etag();
    void modelLookup_data();
    void modelLookup();
    void emptySnapshot();
    void carryOverKeepsLastGoodProvider();
    void documentMatchesToJson();
    void cacheTextRoundTrip();
    void cacheTextRejected_data();
    void cacheTextRejected();
};

void tst_RegistrySnapshot::mergeFixtureProviders()
{
    const RegistrySnapshot snapshot = fixtureBuilder().build();

    QVERIFY(!snapshot.isEmpty());
    QCOMPARE(snapshot.version(), QStringLiteral("2025-08-20"));
    QCOMPARE(snapshot.generatedAt(), GeneratedAt);
    QCOMPARE(snapshot.loadedProviders(),
             QStringList({QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("google")}));

    const QJsonObject document = parseBody(snapshot.toJson());
    QCOMPARE(document.keys(), QStringList({QStringLiteral("generated_at"), QStringLiteral("models"),
                                           QStringLiteral("providers"), QStringLiteral("version")}));
    QCOMPARE(document.value(QStringLiteral("version")), QJsonValue(QStringLiteral("2025-08-20")));
    QCOMPARE(document.value(QStringLiteral("generated_at")), QJsonValue(GeneratedAt));

    const QJsonObject models = document.value(QStringLiteral("models")).toObject();
    QCOMPARE(models.size(), 5);
    QCOMPARE(models.keys(),
             QStringList({QStringLiteral("anthropic:claude-3-5-haiku"), QStringLiteral("google:gemini-1.5-pro"),
                          QStringLiteral("google:gemini-flash-latest"), QStringLiteral("openai:gpt-4o"),
                          QStringLiteral("openai:gpt-4o-mini")}));

    // Fields this service does not know are passed through unchanged, nulls included.
    const QJsonObject gpt4o = models.value(QStringLiteral("openai:gpt-4o")).toObject();
    QCOMPARE(gpt4o.value(QStringLiteral("release_channel")),
             QJsonValue(QJsonObject({{"tier", "general"}, {"regions", QJsonArray({"us", "eu"})}})));
    QVERIFY(gpt4o.contains(QStringLiteral("tool_call_format")));
    QCOMPARE(gpt4o.value(QStringLiteral("tool_call_format")), QJsonValue(QJsonValue::Null));
    QCOMPARE(gpt4o.value(QStringLiteral("max_input_tokens")), QJsonValue(128000));
    QCOMPARE(gpt4o.value(QStringLiteral("dollars_per_million_tokens_cache_read")), QJsonValue(1.25));
    const QJsonObject gemini = models.value(QStringLiteral("google:gemini-1.5-pro")).toObject();
    QCOMPARE(gemini.value(QStringLiteral("context_caching")), QJsonValue(QJsonObject({{"min_tokens", 32768}})));
}

void tst_RegistrySnapshot::providerMetadata()
{
    const QJsonObject providers =
        parseBody(fixtureBuilder().build().toJson()).value(QStringLiteral("providers")).toObject();

    // The openai file has top-level name, base_url and models_endpoint members, and the
    // anthropic file a "provider" object. The google file has neither, so its id is the name.
    QCOMPARE(providers.size(), 3);
    QCOMPARE(providers.value(QStringLiteral("openai")),
             QJsonValue(QJsonObject({{"name", "OpenAI"},
                                     {"base_url", "https://api.openai.com/v1"},
                                     {"models_endpoint", "/models"}})));
    QCOMPARE(providers.value(QStringLiteral("anthropic")),
             QJsonValue(QJsonObject({{"name", "Anthropic"},
                                     {"base_url", "https://api.anthropic.com/v1"},
                                     {"models_endpoint", "/models"}})));
    QCOMPARE(providers.value(QStringLiteral("google")), QJsonValue(QJsonObject({{"name", "google"}})));
}

void tst_RegistrySnapshot::compactDocument()
{
    RegistrySnapshot::Builder builder;
    builder.setVersion(QStringLiteral("v1"));
    builder.setGeneratedAt(GeneratedAt);
    QString error;
    QVERIFY2(builder.addProviderFile(QStringLiteral("openai"),
                                     R"({"models": {"openai:b": {"price": 10.0, "x": null},
                                                    "openai:a": {"price": 2.5, "tokens": 128000}}})",
                                     &error),
             qPrintable(error));

    QCOMPARE(builder.build().toJson(),
             QByteArray(R"({"generated_at":"2025-08-26T12:00:00.000000Z",)"
                        R"("models":{"openai:a":{"price":2.5,"tokens":128000},"openai:b":{"price":10,"x":null}},)"
                        R"("providers":{"openai":{"name":"openai"}},"version":"v1"})"));

    // Without setGeneratedAt the member is null rather than an invented time.
    RegistrySnapshot::Builder undated;
    QVERIFY2(undated.addProviderFile(QStringLiteral("openai"), R"({"models": {}})", &error), qPrintable(error));
    QCOMPARE(undated.build().toJson(),
             QByteArray(R"({"generated_at":null,"models":{},"providers":{"openai":{"name":"openai"}},"version":""})"));
}

void tst_RegistrySnapshot::versionFromManifest_data()
{
    QTest::addColumn<QByteArray>("manifest");
    QTest::addColumn<QString>("expected");

    QTest::newRow("fixture: version wins") << readFixture(QStringLiteral("manifest.json"))
                                           << QStringLiteral("2025-08-20");
    QTest::newRow("schema_version number")
        << QByteArray(R"({"schema_version": 3, "updated_at": "2025-08-01T00:00:00Z"})") << QStringLiteral("3");
    QTest::newRow("schema_version fraction") << QByteArray(R"({"schema_version": 2.5})") << QStringLiteral("2.5");
    QTest::newRow("schema_version string") << QByteArray(R"({"schema_version": "v3"})") << QStringLiteral("v3");
    QTest::newRow("updated_at only") << QByteArray(R"({"updated_at": "2025-08-01T00:00:00Z"})")
                                     << QStringLiteral("2025-08-01T00:00:00Z");
    QTest::newRow("empty version skipped")
        << QByteArray(R"({"version": "", "schema_version": 4})") << QStringLiteral("4");
    QTest::newRow("null and bool skipped")
        << QByteArray(R"({"version": null, "schema_version": true, "updated_at": "u"})") << QStringLiteral("u");
    QTest::newRow("no version members") << QByteArray(R"({"providers": {}})") << QStringLiteral("2026.03.07");
    QTest::newRow("missing manifest") << QByteArray() << QStringLiteral("2026.03.07");
    QTest::newRow("invalid JSON") << QByteArray(R"({"version": "1",})") << QStringLiteral("2026.03.07");
    QTest::newRow("duplicate members") << QByteArray(R"({"version": "1", "version": "2"})")
                                       << QStringLiteral("2026.03.07");
    QTest::newRow("array") << QByteArray(R"(["2025-08-20"])") << QStringLiteral("2026.03.07");
}

void tst_RegistrySnapshot::versionFromManifest()
{
    QFETCH(QByteArray, manifest);
    QFETCH(QString, expected);

    QCOMPARE(RegistrySnapshot::versionFromManifest(manifest, QDate(2026, 3, 7)), expected);
}

void tst_RegistrySnapshot::providersFromManifest_data()
{
    QTest::addColumn<QByteArray>("manifest");
    QTest::addColumn<QStringList>("expected");

    const QStringList defaults = {QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("google")};

    QTest::newRow("fixture: extras sorted") << readFixture(QStringLiteral("manifest.json"))
                                            << defaults + QStringList({"cohere", "mistral"});
    QTest::newRow("missing manifest") << QByteArray() << defaults;
    QTest::newRow("invalid JSON") << QByteArray("{") << defaults;
    QTest::newRow("no providers member") << QByteArray(R"({"version": "1"})") << defaults;
    QTest::newRow("providers is an array") << QByteArray(R"({"providers": ["mistral"]})") << defaults;
    QTest::newRow("defaults not repeated")
        << QByteArray(R"({"providers": {"google": {}, "zhipu": {}, "openai": {}, "deepseek": {}}})")
        << defaults + QStringList({"deepseek", "zhipu"});
    QTest::newRow("unsafe names ignored")
        << QByteArray(R"({"providers": {"../secrets": {}, "a/b": {}, "": {}, "-x": {}, "x-ai": {}, "my_llm": {}}})")
        << defaults + QStringList({"my_llm", "x-ai"});
}

void tst_RegistrySnapshot::providersFromManifest()
{
    QFETCH(QByteArray, manifest);
    QFETCH(QStringList, expected);

    QCOMPARE(RegistrySnapshot::providersFromManifest(manifest), expected);
}

void tst_RegistrySnapshot::malformedProviderFile_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("not JSON") << QByteArray("<html>503</html>")
                              << QStringLiteral("registry file for provider \"mistral\" is not valid JSON: "
                                                "unexpected character '<' at byte 0");
    QTest::newRow("empty") << QByteArray()
                           << QStringLiteral("registry file for provider \"mistral\" is not valid JSON: "
                                             "empty input at byte 0");
    QTest::newRow("duplicate members")
        << QByteArray(R"({"models": {}, "models": {}})")
        << QStringLiteral("registry file for provider \"mistral\" is not valid JSON: "
                          "duplicate member name \"models\" at byte 15");
    QTest::newRow("duplicate model keys")
        << QByteArray(R"({"models": {"mistral:a": {}, "mistral:a": {}}})")
        << QStringLiteral("registry file for provider \"mistral\" is not valid JSON: "
                          "duplicate member name \"mistral:a\" at byte 29");
    QTest::newRow("array") << QByteArray("[]")
                           << QStringLiteral("registry file for provider \"mistral\" is not a JSON object");
    QTest::newRow("models missing")
        << QByteArray(R"({"provider": "mistral"})")
        << QStringLiteral("registry file for provider \"mistral\" has no \"models\" object");
    QTest::newRow("models not an object")
        << QByteArray(R"({"models": [{"model_name": "a"}]})")
        << QStringLiteral("registry file for provider \"mistral\" has no \"models\" object");
    QTest::newRow("entry not an object")
        << QByteArray(R"({"models": {"mistral:a": {"model_name": "a"}, "mistral:b": "b"}})")
        << QStringLiteral("registry file for provider \"mistral\" has a model \"mistral:b\" that is not a JSON object");
    QTest::newRow("entry null") << QByteArray(R"({"models": {"mistral:a": null}})")
                                << QStringLiteral("registry file for provider \"mistral\" has a model \"mistral:a\" "
                                                  "that is not a JSON object");
}

void tst_RegistrySnapshot::malformedProviderFile()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expectedError);

    RegistrySnapshot::Builder builder = fixtureBuilder();
    QString error;

    QVERIFY(!builder.addProviderFile(QStringLiteral("mistral"), text, &error));
    QCOMPARE(error, expectedError);

    const RegistrySnapshot snapshot = builder.build();
    QCOMPARE(snapshot.loadedProviders(),
             QStringList({QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("google")}));
    const QJsonObject document = parseBody(snapshot.toJson());
    QCOMPARE(document.value(QStringLiteral("models")).toObject().size(), 5);
    QVERIFY(!document.value(QStringLiteral("models")).toObject().contains(QStringLiteral("mistral:a")));
    QVERIFY(!document.value(QStringLiteral("providers")).toObject().contains(QStringLiteral("mistral")));

    // A rejected file alone leaves the builder empty.
    RegistrySnapshot::Builder alone;
    QVERIFY(!alone.addProviderFile(QStringLiteral("mistral"), text, nullptr));
    QVERIFY(alone.build().isEmpty());
}

void tst_RegistrySnapshot::reloadReplacesProvider()
{
    RegistrySnapshot::Builder builder = fixtureBuilder();
    QString error;

    const QByteArray olderFile = readFixture(QStringLiteral("openai/v/2025-08-01/models.json"));
    QVERIFY2(builder.addProviderFile(QStringLiteral("openai"), olderFile, &error), qPrintable(error));
    const RegistrySnapshot snapshot = builder.build();

    // The older openai file has one model and no gpt-4o-mini. The load order stays the same.
    QCOMPARE(snapshot.loadedProviders(),
             QStringList({QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("google")}));
    const QJsonObject models = parseBody(snapshot.toJson()).value(QStringLiteral("models")).toObject();
    QCOMPARE(models.size(), 4);
    QVERIFY(!models.contains(QStringLiteral("openai:gpt-4o-mini")));
    QCOMPARE(models.value(QStringLiteral("openai:gpt-4o")).toObject().value(
                 QStringLiteral("dollars_per_million_tokens_input")),
             QJsonValue(5.0));
}

void tst_RegistrySnapshot::filters_data()
{
    QTest::addColumn<QStringList>("providers");
    QTest::addColumn<QStringList>("capabilities");
    QTest::addColumn<QStringList>("expectedModels");
    QTest::addColumn<QStringList>("expectedProviders");

    const QStringList allProviders = {"anthropic", "google", "openai"};

    QTest::newRow("no filter") << QStringList() << QStringList()
                               << QStringList({"anthropic:claude-3-5-haiku", "google:gemini-1.5-pro",
                                               "google:gemini-flash-latest", "openai:gpt-4o", "openai:gpt-4o-mini"})
                               << allProviders;
    QTest::newRow("one provider") << QStringList({"openai"}) << QStringList()
                                  << QStringList({"openai:gpt-4o", "openai:gpt-4o-mini"}) << QStringList({"openai"});
    QTest::newRow("two providers")
        << QStringList({"openai", "google"}) << QStringList()
        << QStringList({"google:gemini-1.5-pro", "google:gemini-flash-latest", "openai:gpt-4o", "openai:gpt-4o-mini"})
        << QStringList({"google", "openai"});
    QTest::newRow("unknown provider") << QStringList({"mistral"}) << QStringList() << QStringList() << QStringList();
    QTest::newRow("provider names are case-sensitive")
        << QStringList({"OpenAI"}) << QStringList() << QStringList() << QStringList();
    // gemini-1.5-pro has "vision": true without the supports_ prefix.
    QTest::newRow("vision") << QStringList() << QStringList({"vision"})
                            << QStringList({"google:gemini-1.5-pro", "openai:gpt-4o", "openai:gpt-4o-mini"})
                            << allProviders;
    QTest::newRow("vision and function_calling")
        << QStringList() << QStringList({"vision", "function_calling"})
        << QStringList({"google:gemini-1.5-pro", "openai:gpt-4o"}) << allProviders;
    QTest::newRow("capability without prefix")
        << QStringList() << QStringList({"is_active"})
        << QStringList({"anthropic:claude-3-5-haiku", "openai:gpt-4o", "openai:gpt-4o-mini"}) << allProviders;
    QTest::newRow("capability not literally true")
        << QStringList() << QStringList({"context_caching"}) << QStringList() << allProviders;
    QTest::newRow("unknown capability") << QStringList() << QStringList({"telepathy"}) << QStringList()
                                        << allProviders;
    QTest::newRow("provider and capability")
        << QStringList({"openai", "anthropic"}) << QStringList({"function_calling"})
        << QStringList({"anthropic:claude-3-5-haiku", "openai:gpt-4o"}) << QStringList({"anthropic", "openai"});
}

void tst_RegistrySnapshot::filters()
{
    QFETCH(QStringList, providers);
    QFETCH(QStringList, capabilities);
    QFETCH(QStringList, expectedModels);
    QFETCH(QStringList, expectedProviders);

    const RegistrySnapshot snapshot = fixtureBuilder().build();

    const QJsonObject document = parseBody(snapshot.toJson(providers, capabilities));

    QCOMPARE(document.value(QStringLiteral("models")).toObject().keys(), expectedModels);
    QCOMPARE(document.value(QStringLiteral("providers")).toObject().keys(), expectedProviders);
    QCOMPARE(document.value(QStringLiteral("version")), QJsonValue(QStringLiteral("2025-08-20")));
    QCOMPARE(document.value(QStringLiteral("generated_at")), QJsonValue(GeneratedAt));
}

void tst_RegistrySnapshot::providerFilterUsesProviderMember()
{
    RegistrySnapshot::Builder builder;
    QString error;
    QVERIFY2(builder.addProviderFile(QStringLiteral("google"),
                                     R"({"models": {"vertex:gemini-2": {"provider": "google"},
                                                    "vertex:claude": {"provider": "anthropic"},
                                                    "gemini-3": {}}})",
                                     &error),
             qPrintable(error));
    const RegistrySnapshot snapshot = builder.build();

    const QJsonObject byMember = parseBody(snapshot.toJson({QStringLiteral("google")}));
    const QJsonObject byPrefix = parseBody(snapshot.toJson({QStringLiteral("vertex")}));
    const QJsonObject byWholeKey = parseBody(snapshot.toJson({QStringLiteral("gemini-3")}));

    QCOMPARE(byMember.value(QStringLiteral("models")).toObject().keys(), QStringList({"vertex:gemini-2"}));
    QCOMPARE(byPrefix.value(QStringLiteral("models")).toObject().keys(),
             QStringList({"vertex:claude", "vertex:gemini-2"}));
    QCOMPARE(byWholeKey.value(QStringLiteral("models")).toObject().keys(), QStringList({"gemini-3"}));
}

void tst_RegistrySnapshot::etag()
{
    const RegistrySnapshot snapshot = fixtureBuilder().build();
    const QByteArray unfiltered = snapshot.toJson();
    const QByteArray filtered = snapshot.toJson({QStringLiteral("openai")});
    const QByteArray expected =
        '"' + QCryptographicHash::hash(unfiltered, QCryptographicHash::Sha256).toHex().left(32) + '"';

    QCOMPARE(RegistrySnapshot::etagFor(unfiltered), expected);
    QCOMPARE(expected.size(), 34);
    QCOMPARE(RegistrySnapshot::etagFor(unfiltered), RegistrySnapshot::etagFor(fixtureBuilder().build().toJson()));
    QVERIFY(RegistrySnapshot::etagFor(filtered) != RegistrySnapshot::etagFor(unfiltered));
    QVERIFY(RegistrySnapshot::etagFor(snapshot.toJson({}, {QStringLiteral("vision")}))
            != RegistrySnapshot::etagFor(unfiltered));
    // SHA-256 of the empty string starts with e3b0c442...
    QCOMPARE(RegistrySnapshot::etagFor(QByteArray()), QByteArray("\"e3b0c44298fc1c149afbf4c8996fb924\""));
}

void tst_RegistrySnapshot::modelLookup_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("expectedModelName"); // empty when no entry matches

    QTest::newRow("bare model name") << "openai" << "gpt-4o" << "gpt-4o";
    QTest::newRow("provider-prefixed model name") << "openai" << "openai:gpt-4o" << "gpt-4o";
    QTest::newRow("prefixed with another provider") << "azure" << "anthropic:claude-3-5-haiku"
                                                    << "claude-3-5-haiku";
    QTest::newRow("bare name under another provider") << "openrouter" << "claude-3-5-haiku" << "";
    QTest::newRow("model_name only, key differs") << "google" << "gemini-1.5-flash" << "";
    QTest::newRow("provider prefix twice") << "openai" << "openai:openai:gpt-4o" << "";
    QTest::newRow("case differs") << "openai" << "GPT-4o" << "";
    QTest::newRow("unknown model") << "openai" << "gpt-5" << "";
    QTest::newRow("known model, prefix only") << "openai" << "gpt" << "";
    QTest::newRow("empty model") << "openai" << "" << "";
}

void tst_RegistrySnapshot::modelLookup()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(QString, expectedModelName);

    const RegistrySnapshot snapshot = fixtureBuilder().build();

    const std::optional<QJsonObject> entry = snapshot.model(provider, model);

    if (expectedModelName.isEmpty()) {
        QVERIFY(!entry);
        return;
    }
    QVERIFY(entry);
    QCOMPARE(entry->value(QStringLiteral("model_name")), QJsonValue(expectedModelName));
}

void tst_RegistrySnapshot::emptySnapshot()
{
    const RegistrySnapshot defaultConstructed;
    QVERIFY(defaultConstructed.isEmpty());
    QVERIFY(defaultConstructed.loadedProviders().isEmpty());
    QVERIFY(!defaultConstructed.model(QStringLiteral("openai"), QStringLiteral("gpt-4o")));

    RegistrySnapshot::Builder builder;
    builder.setVersion(QStringLiteral("2025-08-20"));
    builder.setGeneratedAt(GeneratedAt);
    const RegistrySnapshot snapshot = builder.build();

    QVERIFY(snapshot.isEmpty());
    QCOMPARE(snapshot.version(), QStringLiteral("2025-08-20"));
    QCOMPARE(parseBody(snapshot.toJson()).value(QStringLiteral("models")), QJsonValue(QJsonObject()));

    // A provider file with no models still counts as loaded.
    QVERIFY(builder.addProviderFile(QStringLiteral("openai"), R"({"models": {}})", nullptr));
    QVERIFY(!builder.build().isEmpty());
    QVERIFY(snapshot.isEmpty()); // snapshots already built do not change
}

void tst_RegistrySnapshot::carryOverKeepsLastGoodProvider()
{
    const RegistrySnapshot previous = fixtureBuilder().build();

    RegistrySnapshot::Builder refreshed;
    refreshed.setVersion(QStringLiteral("2025-08-21"));
    QString error;
    QVERIFY2(refreshed.addProviderFile(QStringLiteral("openai"),
                                       R"({"models": {"openai:gpt-5": {"model_name": "gpt-5"}}})", &error),
             qPrintable(error));
    QVERIFY(refreshed.carryOver(previous, QStringLiteral("anthropic")));
    QVERIFY(!refreshed.carryOver(previous, QStringLiteral("cohere"))); // never loaded
    const RegistrySnapshot snapshot = refreshed.build();

    QCOMPARE(snapshot.loadedProviders(), QStringList({"openai", "anthropic"}));
    const QJsonObject models = parseBody(snapshot.toJson()).value(QStringLiteral("models")).toObject();
    QCOMPARE(models.keys(), QStringList({"anthropic:claude-3-5-haiku", "openai:gpt-5"}));
    QCOMPARE(models.value(QStringLiteral("anthropic:claude-3-5-haiku")),
             parseBody(previous.toJson()).value(QStringLiteral("models")).toObject().value(
                 QStringLiteral("anthropic:claude-3-5-haiku")));
    QCOMPARE(parseBody(snapshot.toJson()).value(QStringLiteral("providers")).toObject().value(
                 QStringLiteral("anthropic")),
             parseBody(previous.toJson()).value(QStringLiteral("providers")).toObject().value(
                 QStringLiteral("anthropic")));
}

void tst_RegistrySnapshot::documentMatchesToJson()
{
    const RegistrySnapshot snapshot = fixtureBuilder().build();

    const RegistrySnapshot::Document unfiltered = snapshot.document({}, {});
    QCOMPARE(unfiltered.body, snapshot.toJson());
    QCOMPARE(unfiltered.etag, RegistrySnapshot::etagFor(snapshot.toJson()));

    // More distinct filters than the cache keeps, each asked twice: every answer is
    // still the document of its own filter.
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i <= RegistrySnapshot::MaxCachedDocuments; ++i) {
            const QStringList providers{QStringLiteral("openai"), QStringLiteral("p%1").arg(i)};
            const QStringList capabilities{QStringLiteral("vision")};
            const RegistrySnapshot::Document filtered = snapshot.document(providers, capabilities);
            QCOMPARE(filtered.body, snapshot.toJson(providers, capabilities));
            QCOMPARE(filtered.etag, RegistrySnapshot::etagFor(filtered.body));
        }
    }
    const QJsonObject models =
        parseBody(snapshot.document({QStringLiteral("openai")}, {}).body).value(QStringLiteral("models")).toObject();
    QCOMPARE(models.keys(), QStringList({"openai:gpt-4o", "openai:gpt-4o-mini"}));
}

void tst_RegistrySnapshot::cacheTextRoundTrip()
{
    const RegistrySnapshot original = fixtureBuilder().build();

    const std::optional<RegistrySnapshot> copy = RegistrySnapshot::fromCacheText(original.toCacheText());

    QVERIFY(copy);
    QCOMPARE(copy->toJson(), original.toJson());
    QCOMPARE(copy->etag(), original.etag());
    QCOMPARE(copy->etag(), RegistrySnapshot::etagFor(original.toJson()));
    QCOMPARE(copy->version(), original.version());
    QCOMPARE(copy->generatedAt(), original.generatedAt());
    QCOMPARE(copy->loadedProviders(), original.loadedProviders());
    QCOMPARE(copy->toJson({QStringLiteral("google")}, {QStringLiteral("vision")}),
             original.toJson({QStringLiteral("google")}, {QStringLiteral("vision")}));
}

void tst_RegistrySnapshot::cacheTextRejected_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << QByteArray(R"({"version": "1", "generated_at": "x", "files": [)");
    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("version missing") << QByteArray(R"({"generated_at": "x", "files": []})");
    QTest::newRow("files not an array") << QByteArray(R"({"version": "1", "generated_at": "x", "files": {}})");
    QTest::newRow("file without models")
        << QByteArray(R"({"version": "1", "generated_at": "x", "files": [{"provider": "a", "metadata": {}}]})");
    QTest::newRow("model not an object") << QByteArray(
        R"({"version": "1", "generated_at": "x", "files": [{"provider": "a", "models": {"a:b": 1}, "metadata": {}}]})");
    QTest::newRow("file not an object")
        << QByteArray(R"({"version": "1", "generated_at": "x", "files": [7]})");
}

void tst_RegistrySnapshot::cacheTextRejected()
{
    QFETCH(QByteArray, text);
    QVERIFY(!RegistrySnapshot::fromCacheText(text));
}

QTEST_APPLESS_MAIN(tst_RegistrySnapshot)

#include "tst_registrysnapshot.moc"
