// SPDX-License-Identifier: MIT
// POST /api/v1/log against the real service and database: validation and its exact
// 422 details, boundary values, stored fields, cost rounding and idempotent retries.

#include "httpclient.h"
#include "jsonprinting.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUuid>

#include <algorithm>

using namespace llmring::test;

namespace {

using Members = QList<QPair<QByteArray, QByteArray>>;

// A provider and model that no model registry lists, so a log without `cost` stays unpriced.
constexpr char UnpricedProvider[] = "test-provider";
constexpr char UnpricedModel[] = "no-such-model";

constexpr int ConcurrentRetries = 20;

// A valid request body as JSON text, with `changes` applied in order. Each change sets
// a member to the given JSON text (in place, or appended when new), or removes the
// member when the text is empty.
QByteArray logBody(const Members &changes = {})
{
    Members members{
        {"provider", "\"openai\""},
        {"model", "\"gpt-4o\""},
        {"input_tokens", "10"},
        {"output_tokens", "5"},
    };
    for (const auto &[name, value] : changes) {
        const auto existing = std::find_if(members.begin(), members.end(),
                                           [&name](const auto &member) { return member.first == name; });
        if (value.isEmpty()) {
            if (existing != members.end())
                members.erase(existing);
        } else if (existing != members.end()) {
            existing->second = value;
        } else {
            members.append({name, value});
        }
    }

    QByteArrayList parts;
    for (const auto &[name, value] : members)
        parts.append('"' + name + "\":" + value);
    return '{' + parts.join(',') + '}';
}

// `text` as a JSON string literal, quotes included.
QByteArray jsonString(const QString &text)
{
    return QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

// {"blob": "<filler>"} as JSON text. Its compact serialization is 11 bytes plus the
// UTF-8 size of the filler.
QByteArray metadataWithBlob(const QString &filler)
{
    return "{\"blob\":" + jsonString(filler) + '}';
}

QJsonObject bodyError(const QString &field, const QString &msg, const QString &type)
{
    return QJsonObject{
        {QStringLiteral("loc"), QJsonArray{QStringLiteral("body"), field}},
        {QStringLiteral("msg"), msg},
        {QStringLiteral("type"), type},
    };
}

QJsonObject missing(const QString &field)
{
    return bodyError(field, QStringLiteral("field required"), QStringLiteral("missing"));
}

QJsonObject typeError(const QString &field, const QString &msg)
{
    return bodyError(field, msg, QStringLiteral("type_error"));
}

QJsonObject valueError(const QString &field, const QString &msg)
{
    return bodyError(field, msg, QStringLiteral("value_error"));
}

QString emoji(int count)
{
    return QString::fromUtf8("\xF0\x9F\x98\x80").repeated(count);
}

QString letters(int count)
{
    return QString(count, u'x');
}

} // namespace

class tst_UsageLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void invalidBodyRejected_data();
    void invalidBodyRejected();
    void boundaryValueAccepted_data();
    void boundaryValueAccepted();
    void nullOptionalsUseDefaults();
    void unknownMembersIgnored();
    void llmringPayloadAccepted_data();
    void llmringPayloadAccepted();

    void createdResponseBody();
    void costSource_data();
    void costSource();
    void costRounding_data();
    void costRounding();
    void everyFieldStored();

    void retryReplaysFirstLog();
    void retryWithOtherBodyReplaysFirst();
    void longMultibyteRetryKeys();
    void otherOriginCreatesRow();
    void otherApiKeyCreatesRow();
    void partialPairNotDeduplicated_data();
    void partialPairNotDeduplicated();
    void concurrentRetriesStoreOneRow();

private:
    HttpResponse postLog(const QByteArray &key, const QByteArray &body);
    qint64 rowCount(const QByteArray &key);
    QJsonObject storedLog(const QByteArray &key, const QString &logId);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_UsageLog::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("usagelog"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_UsageLog::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

HttpResponse tst_UsageLog::postLog(const QByteArray &key, const QByteArray &body)
{
    return m_client->post(QStringLiteral("/api/v1/log"), body, apiKey(key));
}

qint64 tst_UsageLog::rowCount(const QByteArray &key)
{
    return m_database
        ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs WHERE api_key_id = :key"),
                 {{QStringLiteral("key"), QString::fromUtf8(key)}})
        .toLongLong();
}

// The row of `logId` as GET /api/v1/logs returns it, or an empty object.
QJsonObject tst_UsageLog::storedLog(const QByteArray &key, const QString &logId)
{
    const HttpResponse response = m_client->get(QStringLiteral("/api/v1/logs?limit=500"), apiKey(key));
    const QJsonArray rows = response.json().toArray();
    for (const QJsonValue &row : rows) {
        if (row.toObject().value(QStringLiteral("id")).toString() == logId)
            return row.toObject();
    }
    return {};
}

void tst_UsageLog::invalidBodyRejected_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("detail");

    QTest::newRow("provider missing") << logBody({{"provider", ""}}) << QJsonArray{missing("provider")};
    QTest::newRow("provider null") << logBody({{"provider", "null"}}) << QJsonArray{missing("provider")};
    QTest::newRow("model missing") << logBody({{"model", ""}}) << QJsonArray{missing("model")};
    QTest::newRow("input_tokens missing") << logBody({{"input_tokens", ""}})
                                          << QJsonArray{missing("input_tokens")};
    QTest::newRow("output_tokens missing") << logBody({{"output_tokens", ""}})
                                           << QJsonArray{missing("output_tokens")};

    QTest::newRow("provider empty") << logBody({{"provider", "\"\""}})
                                    << QJsonArray{valueError("provider", "must be at least 1 character")};
    QTest::newRow("provider 51 characters")
        << logBody({{"provider", jsonString(letters(51))}})
        << QJsonArray{valueError("provider", "must be at most 50 characters")};
    QTest::newRow("provider 51 emoji") << logBody({{"provider", jsonString(emoji(51))}})
                                       << QJsonArray{valueError("provider", "must be at most 50 characters")};
    QTest::newRow("provider number") << logBody({{"provider", "7"}})
                                     << QJsonArray{typeError("provider", "must be a string")};
    QTest::newRow("model empty") << logBody({{"model", "\"\""}})
                                 << QJsonArray{valueError("model", "must be at least 1 character")};
    QTest::newRow("model 256 characters") << logBody({{"model", jsonString(letters(256))}})
                                          << QJsonArray{valueError("model", "must be at most 255 characters")};
    QTest::newRow("alias 129 characters") << logBody({{"alias", jsonString(letters(129))}})
                                          << QJsonArray{valueError("alias", "must be at most 128 characters")};
    QTest::newRow("profile 65 characters") << logBody({{"profile", jsonString(letters(65))}})
                                           << QJsonArray{valueError("profile", "must be at most 64 characters")};
    QTest::newRow("origin 256 characters") << logBody({{"origin", jsonString(letters(256))}})
                                           << QJsonArray{valueError("origin", "must be at most 255 characters")};
    QTest::newRow("id_at_origin 256 characters")
        << logBody({{"id_at_origin", jsonString(letters(256))}})
        << QJsonArray{valueError("id_at_origin", "must be at most 255 characters")};

    QTest::newRow("input_tokens negative") << logBody({{"input_tokens", "-1"}})
                                           << QJsonArray{valueError("input_tokens", "must be >= 0")};
    QTest::newRow("input_tokens 2^31") << logBody({{"input_tokens", "2147483648"}})
                                       << QJsonArray{valueError("input_tokens", "must be <= 2147483647")};
    QTest::newRow("input_tokens 1e300") << logBody({{"input_tokens", "1e300"}})
                                        << QJsonArray{valueError("input_tokens", "must be <= 2147483647")};
    QTest::newRow("input_tokens string") << logBody({{"input_tokens", "\"12\""}})
                                         << QJsonArray{typeError("input_tokens", "must be an integer")};
    QTest::newRow("output_tokens fraction") << logBody({{"output_tokens", "1.5"}})
                                            << QJsonArray{typeError("output_tokens", "must be an integer")};
    QTest::newRow("output_tokens string") << logBody({{"output_tokens", "\"12\""}})
                                          << QJsonArray{typeError("output_tokens", "must be an integer")};
    QTest::newRow("output_tokens boolean") << logBody({{"output_tokens", "true"}})
                                           << QJsonArray{typeError("output_tokens", "must be an integer")};
    QTest::newRow("cached_input_tokens above input_tokens")
        << logBody({{"input_tokens", "10"}, {"cached_input_tokens", "11"}})
        << QJsonArray{valueError("cached_input_tokens", "must be <= input_tokens (10)")};
    QTest::newRow("cached_input_tokens negative")
        << logBody({{"cached_input_tokens", "-1"}}) << QJsonArray{valueError("cached_input_tokens", "must be >= 0")};

    QTest::newRow("cost negative") << logBody({{"cost", "-0.01"}})
                                   << QJsonArray{valueError("cost", "must be >= 0")};
    QTest::newRow("cost 1e10") << logBody({{"cost", "1e10"}})
                               << QJsonArray{valueError("cost", "must be < 10000000000")};
    QTest::newRow("cost string") << logBody({{"cost", "\"0.01\""}})
                                 << QJsonArray{typeError("cost", "must be a number")};
    QTest::newRow("latency_ms negative") << logBody({{"latency_ms", "-1"}})
                                         << QJsonArray{valueError("latency_ms", "must be >= 0")};
    QTest::newRow("latency_ms fraction") << logBody({{"latency_ms", "0.5"}})
                                         << QJsonArray{typeError("latency_ms", "must be an integer")};

    QTest::newRow("metadata array") << logBody({{"metadata", "[]"}})
                                    << QJsonArray{typeError("metadata", "must be an object")};
    QTest::newRow("metadata string") << logBody({{"metadata", "\"{}\""}})
                                     << QJsonArray{typeError("metadata", "must be an object")};
    QTest::newRow("metadata 65537 bytes")
        << logBody({{"metadata", metadataWithBlob(letters(65537 - 11))}})
        << QJsonArray{valueError("metadata", "must be at most 65536 bytes when serialized, got 65537")};
    // 32763 two-byte characters, so the limit is checked in bytes, not in characters.
    QTest::newRow("metadata 65537 bytes of two-byte characters")
        << logBody({{"metadata", metadataWithBlob(QString(32763, QChar(0x00E9)))}})
        << QJsonArray{valueError("metadata", "must be at most 65536 bytes when serialized, got 65537")};

    QTest::newRow("several errors in field order")
        << logBody({{"metadata", "[]"},
                    {"cost", "-1"},
                    {"alias", jsonString(letters(129))},
                    {"output_tokens", "1.5"},
                    {"model", ""},
                    {"provider", "\"\""}})
        << QJsonArray{valueError("provider", "must be at least 1 character"),
                      missing("model"),
                      typeError("output_tokens", "must be an integer"),
                      valueError("alias", "must be at most 128 characters"),
                      valueError("cost", "must be >= 0"),
                      typeError("metadata", "must be an object")};
    QTest::newRow("body an array")
        << QByteArray("[]")
        << QJsonArray{QJsonObject{{QStringLiteral("loc"), QJsonArray{QStringLiteral("body")}},
                                  {QStringLiteral("msg"), QStringLiteral("must be a JSON object")},
                                  {QStringLiteral("type"), QStringLiteral("type_error")}}};
}

void tst_UsageLog::invalidBodyRejected()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, detail);
    const QByteArray key("usagelog-invalid");
    const qint64 rowsBefore = rowCount(key);

    const HttpResponse response = postLog(key, body);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value(QStringLiteral("detail")).toArray(), detail);
    QCOMPARE(rowCount(key), rowsBefore);
}

void tst_UsageLog::boundaryValueAccepted_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("stored");

    QTest::newRow("provider 50 characters") << logBody({{"provider", jsonString(letters(50))}})
                                            << QStringLiteral("provider") << QJsonValue(letters(50));
    QTest::newRow("provider 50 emoji") << logBody({{"provider", jsonString(emoji(50))}})
                                       << QStringLiteral("provider") << QJsonValue(emoji(50));
    QTest::newRow("model 255 characters") << logBody({{"model", jsonString(letters(255))}})
                                          << QStringLiteral("model") << QJsonValue(letters(255));
    QTest::newRow("model 255 emoji") << logBody({{"model", jsonString(emoji(255))}}) << QStringLiteral("model")
                                     << QJsonValue(emoji(255));
    QTest::newRow("alias 128 characters") << logBody({{"alias", jsonString(letters(128))}})
                                          << QStringLiteral("alias") << QJsonValue(letters(128));
    QTest::newRow("profile 64 characters") << logBody({{"profile", jsonString(letters(64))}})
                                           << QStringLiteral("profile") << QJsonValue(letters(64));
    QTest::newRow("origin 255 characters") << logBody({{"origin", jsonString(letters(255))}})
                                           << QStringLiteral("origin") << QJsonValue(letters(255));
    QTest::newRow("id_at_origin 255 characters") << logBody({{"id_at_origin", jsonString(letters(255))}})
                                                 << QStringLiteral("id_at_origin") << QJsonValue(letters(255));

    QTest::newRow("input_tokens 2^31-1") << logBody({{"input_tokens", "2147483647"}})
                                         << QStringLiteral("input_tokens") << QJsonValue(2147483647);
    QTest::newRow("output_tokens 2^31-1") << logBody({{"output_tokens", "2147483647"}})
                                          << QStringLiteral("output_tokens") << QJsonValue(2147483647);
    QTest::newRow("input_tokens zero") << logBody({{"input_tokens", "0"}}) << QStringLiteral("input_tokens")
                                       << QJsonValue(0);
    QTest::newRow("output_tokens 1200.0") << logBody({{"output_tokens", "1200.0"}})
                                          << QStringLiteral("output_tokens") << QJsonValue(1200);
    QTest::newRow("cached_input_tokens equal to input_tokens")
        << logBody({{"input_tokens", "10"}, {"cached_input_tokens", "10"}}) << QStringLiteral("cached_input_tokens")
        << QJsonValue(10);
    QTest::newRow("cost 9999999999.99") << logBody({{"cost", "9999999999.99"}}) << QStringLiteral("cost")
                                        << QJsonValue(9999999999.99);
    QTest::newRow("latency_ms zero") << logBody({{"latency_ms", "0"}}) << QStringLiteral("latency_ms")
                                     << QJsonValue(0);
    QTest::newRow("latency_ms 2^31-1") << logBody({{"latency_ms", "2147483647"}}) << QStringLiteral("latency_ms")
                                       << QJsonValue(2147483647);

    const QString blob = letters(65536 - 11);
    QTest::newRow("metadata 65536 bytes") << logBody({{"metadata", metadataWithBlob(blob)}})
                                          << QStringLiteral("metadata")
                                          << QJsonValue(QJsonObject{{QStringLiteral("blob"), blob}});
}

void tst_UsageLog::boundaryValueAccepted()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    QFETCH(QJsonValue, stored);
    const QByteArray key("usagelog-boundary");

    const HttpResponse response = postLog(key, body);

    QCOMPARE(response.status, 201);
    const QString logId = response.json().toObject().value(QStringLiteral("log_id")).toString();
    QCOMPARE(storedLog(key, logId).value(field), stored);
}

void tst_UsageLog::nullOptionalsUseDefaults()
{
    const QByteArray key("usagelog-nulls");
    const QByteArray body = logBody({{"provider", jsonString(UnpricedProvider)},
                                     {"model", jsonString(UnpricedModel)},
                                     {"cached_input_tokens", "null"},
                                     {"alias", "null"},
                                     {"profile", "null"},
                                     {"cost", "null"},
                                     {"latency_ms", "null"},
                                     {"origin", "null"},
                                     {"id_at_origin", "null"},
                                     {"metadata", "null"}});

    const HttpResponse response = postLog(key, body);

    QCOMPARE(response.status, 201);
    const QJsonObject created = response.json().toObject();
    QCOMPARE(created.value(QStringLiteral("cost")), QJsonValue(0));
    QCOMPARE(created.value(QStringLiteral("cost_source")), QJsonValue(QStringLiteral("unpriced")));
    const QJsonObject row = storedLog(key, created.value(QStringLiteral("log_id")).toString());
    QCOMPARE(row.value(QStringLiteral("profile")), QJsonValue(QStringLiteral("default")));
    QCOMPARE(row.value(QStringLiteral("cached_input_tokens")), QJsonValue(0));
    QCOMPARE(row.value(QStringLiteral("metadata")), QJsonValue(QJsonObject()));
    QCOMPARE(row.value(QStringLiteral("alias")), QJsonValue(QJsonValue::Null));
    QCOMPARE(row.value(QStringLiteral("origin")), QJsonValue(QJsonValue::Null));
    QCOMPARE(row.value(QStringLiteral("id_at_origin")), QJsonValue(QJsonValue::Null));
    QCOMPARE(row.value(QStringLiteral("latency_ms")), QJsonValue(QJsonValue::Null));
    QCOMPARE(row.value(QStringLiteral("cost")), QJsonValue(0));
}

void tst_UsageLog::unknownMembersIgnored()
{
    const QByteArray key("usagelog-unknown-members");
    const QByteArray body = logBody({{"future_field", "{\"nested\":[1,2]}"}, {"request_kind", "\"chat\""}});

    const HttpResponse response = postLog(key, body);

    QCOMPARE(response.status, 201);
    QCOMPARE(rowCount(key), 1);
}

void tst_UsageLog::llmringPayloadAccepted_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonObject>("stored");

    const QString fullId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray full = "{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input_tokens\":12,\"output_tokens\":5,"
                            "\"cached_input_tokens\":0,\"origin\":\"llmring\","
                            "\"metadata\":{\"model_alias\":\"openai:gpt-4o\",\"finish_reason\":\"stop\"},"
                            "\"conversation_id\":\""
        + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()
        + "\",\"alias\":\"summarizer\",\"profile\":\"prod\",\"cost\":0.0001,\"id_at_origin\":\"" + fullId.toLatin1()
        + "\"}";
    QTest::newRow("full payload") << full
                                  << QJsonObject{
                                         {QStringLiteral("provider"), QStringLiteral("openai")},
                                         {QStringLiteral("model"), QStringLiteral("gpt-4o")},
                                         {QStringLiteral("input_tokens"), 12},
                                         {QStringLiteral("output_tokens"), 5},
                                         {QStringLiteral("cached_input_tokens"), 0},
                                         {QStringLiteral("origin"), QStringLiteral("llmring")},
                                         {QStringLiteral("id_at_origin"), fullId},
                                         {QStringLiteral("alias"), QStringLiteral("summarizer")},
                                         {QStringLiteral("profile"), QStringLiteral("prod")},
                                         {QStringLiteral("cost"), 0.0001},
                                         {QStringLiteral("metadata"),
                                          QJsonObject{{QStringLiteral("model_alias"), QStringLiteral("openai:gpt-4o")},
                                                      {QStringLiteral("finish_reason"), QStringLiteral("stop")}}},
                                     };

    // The cost is left unchecked here, because without `cost` the service may price the model.
    const QString shortId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray minimal = "{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input_tokens\":12,\"output_tokens\":5,"
                               "\"cached_input_tokens\":null,\"origin\":\"llmring\","
                               "\"metadata\":{\"model_alias\":\"openai:gpt-4o\",\"finish_reason\":\"stop\"},"
                               "\"conversation_id\":\""
        + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1() + "\",\"id_at_origin\":\""
        + shortId.toLatin1() + "\"}";
    QTest::newRow("null cached tokens, no cost, alias or profile")
        << minimal
        << QJsonObject{
               {QStringLiteral("provider"), QStringLiteral("openai")},
               {QStringLiteral("model"), QStringLiteral("gpt-4o")},
               {QStringLiteral("input_tokens"), 12},
               {QStringLiteral("output_tokens"), 5},
               {QStringLiteral("cached_input_tokens"), 0},
               {QStringLiteral("origin"), QStringLiteral("llmring")},
               {QStringLiteral("id_at_origin"), shortId},
               {QStringLiteral("alias"), QJsonValue::Null},
               {QStringLiteral("profile"), QStringLiteral("default")},
               {QStringLiteral("metadata"),
                QJsonObject{{QStringLiteral("model_alias"), QStringLiteral("openai:gpt-4o")},
                            {QStringLiteral("finish_reason"), QStringLiteral("stop")}}},
           };
}

void tst_UsageLog::llmringPayloadAccepted()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonObject, stored);
    const QByteArray key("usagelog-llmring-client");

    const HttpResponse response = postLog(key, body);

    QCOMPARE(response.status, 201);
    const QJsonObject row = storedLog(key, response.json().toObject().value(QStringLiteral("log_id")).toString());
    for (auto it = stored.constBegin(); it != stored.constEnd(); ++it)
        QCOMPARE(row.value(it.key()), it.value());
}

void tst_UsageLog::createdResponseBody()
{
    const QByteArray key("usagelog-created-body");
    const QRegularExpression uuidPattern(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    const QRegularExpression timestampPattern(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$"));

    const HttpResponse response = postLog(key, logBody({{"cost", "0.006"}}));

    QCOMPARE(response.status, 201);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject created = response.json().toObject();
    QCOMPARE(created.keys(), (QStringList{QStringLiteral("cost"), QStringLiteral("cost_source"),
                                          QStringLiteral("log_id"), QStringLiteral("timestamp")}));
    const QString logId = created.value(QStringLiteral("log_id")).toString();
    const QString timestamp = created.value(QStringLiteral("timestamp")).toString();
    QVERIFY2(uuidPattern.match(logId).hasMatch(), qPrintable(logId));
    QVERIFY2(timestampPattern.match(timestamp).hasMatch(), qPrintable(timestamp));
    QCOMPARE(created.value(QStringLiteral("cost")), QJsonValue(0.006));
    QCOMPARE(created.value(QStringLiteral("cost_source")), QJsonValue(QStringLiteral("client")));
    const QJsonObject row = storedLog(key, logId);
    QCOMPARE(row.value(QStringLiteral("id")), QJsonValue(logId));
    QCOMPARE(row.value(QStringLiteral("logged_at")), QJsonValue(timestamp));
}

void tst_UsageLog::costSource_data()
{
    QTest::addColumn<QByteArray>("cost");
    QTest::addColumn<double>("expectedCost");
    QTest::addColumn<QString>("expectedSource");

    QTest::newRow("cost given") << QByteArray("0.25") << 0.25 << QStringLiteral("client");
    QTest::newRow("cost zero") << QByteArray("0") << 0.0 << QStringLiteral("client");
    QTest::newRow("cost absent") << QByteArray() << 0.0 << QStringLiteral("unpriced");
    QTest::newRow("cost null") << QByteArray("null") << 0.0 << QStringLiteral("unpriced");
}

void tst_UsageLog::costSource()
{
    QFETCH(QByteArray, cost);
    QFETCH(double, expectedCost);
    QFETCH(QString, expectedSource);
    const QByteArray key("usagelog-cost-source");
    const QByteArray body = logBody(
        {{"provider", jsonString(UnpricedProvider)}, {"model", jsonString(UnpricedModel)}, {"cost", cost}});

    const HttpResponse response = postLog(key, body);

    QCOMPARE(response.status, 201);
    const QJsonObject created = response.json().toObject();
    QCOMPARE(created.value(QStringLiteral("cost")), QJsonValue(expectedCost));
    QCOMPARE(created.value(QStringLiteral("cost_source")), QJsonValue(expectedSource));
}

void tst_UsageLog::costRounding_data()
{
    QTest::addColumn<QByteArray>("cost");
    QTest::addColumn<double>("returnedCost");
    QTest::addColumn<QString>("storedText");

    QTest::newRow("ten decimal places kept") << QByteArray("0.0060000001") << 0.0060000001
                                             << QStringLiteral("0.0060000001");
    QTest::newRow("eleventh place rounds down") << QByteArray("0.123456789012345") << 0.123456789
                                                << QStringLiteral("0.1234567890");
    QTest::newRow("eleventh place rounds up") << QByteArray("0.12345678905") << 0.1234567891
                                              << QStringLiteral("0.1234567891");
    QTest::newRow("below the smallest unit") << QByteArray("0.00000000004") << 0.0
                                             << QStringLiteral("0.0000000000");
    QTest::newRow("largest amount") << QByteArray("9999999999.99") << 9999999999.99
                                    << QStringLiteral("9999999999.9900000000");
}

void tst_UsageLog::costRounding()
{
    QFETCH(QByteArray, cost);
    QFETCH(double, returnedCost);
    QFETCH(QString, storedText);
    const QByteArray key("usagelog-cost-rounding");

    const HttpResponse response = postLog(key, logBody({{"cost", cost}}));

    QCOMPARE(response.status, 201);
    const QJsonObject created = response.json().toObject();
    QCOMPARE(created.value(QStringLiteral("cost")), QJsonValue(returnedCost));
    const QString logId = created.value(QStringLiteral("log_id")).toString();
    const QVariant stored =
        m_database->scalar(QStringLiteral("SELECT cost::text FROM {{schema}}.usage_logs WHERE id = CAST(:id AS uuid)"),
                           {{QStringLiteral("id"), logId}});
    QCOMPARE(stored.toString(), storedText);
    QCOMPARE(storedLog(key, logId).value(QStringLiteral("cost")), QJsonValue(returnedCost));
}

void tst_UsageLog::everyFieldStored()
{
    const QByteArray key("usagelog-every-field");
    const QJsonObject metadata{
        {QStringLiteral("finish_reason"), QStringLiteral("stop")},
        {QStringLiteral("note"), QString::fromUtf8("d\xC3\xA9j\xC3\xA0 vu \xE2\x9C\x93")},
        {QStringLiteral("nested"), QJsonObject{{QStringLiteral("list"), QJsonArray{1, 2.5, QStringLiteral("x"),
                                                                                    QJsonValue::Null, true}}}},
    };
    const QJsonObject body{
        {QStringLiteral("provider"), QStringLiteral("openai")},
        {QStringLiteral("model"), QStringLiteral("gpt-4o")},
        {QStringLiteral("input_tokens"), 1200},
        {QStringLiteral("output_tokens"), 350},
        {QStringLiteral("cached_input_tokens"), 200},
        {QStringLiteral("alias"), QStringLiteral("summarizer")},
        {QStringLiteral("profile"), QStringLiteral("prod")},
        {QStringLiteral("cost"), 0.006},
        {QStringLiteral("latency_ms"), 812},
        {QStringLiteral("origin"), QStringLiteral("billing-service")},
        {QStringLiteral("id_at_origin"), QStringLiteral("req-8841")},
        {QStringLiteral("metadata"), metadata},
    };

    const HttpResponse response = postLog(key, QJsonDocument(body).toJson(QJsonDocument::Compact));

    QCOMPARE(response.status, 201);
    const QJsonObject created = response.json().toObject();
    QJsonObject expected = body;
    expected.insert(QStringLiteral("id"), created.value(QStringLiteral("log_id")));
    expected.insert(QStringLiteral("logged_at"), created.value(QStringLiteral("timestamp")));
    expected.insert(QStringLiteral("conversation_id"), QJsonValue::Null);
    const QJsonObject row = storedLog(key, created.value(QStringLiteral("log_id")).toString());
    QCOMPARE(row.keys(), expected.keys());
    for (auto it = expected.constBegin(); it != expected.constEnd(); ++it)
        QCOMPARE(row.value(it.key()), it.value());
}

void tst_UsageLog::retryReplaysFirstLog()
{
    const QByteArray key("usagelog-retry");
    const QByteArray body =
        logBody({{"origin", "\"billing-service\""}, {"id_at_origin", "\"req-1\""}, {"cost", "0.123456789012345"}});

    const HttpResponse first = postLog(key, body);
    const HttpResponse second = postLog(key, body);

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 200);
    QCOMPARE(first.json().toObject().value(QStringLiteral("cost")), QJsonValue(0.123456789));
    QCOMPARE(second.json().toObject(), first.json().toObject());
    QCOMPARE(rowCount(key), 1);
}

void tst_UsageLog::retryWithOtherBodyReplaysFirst()
{
    const QByteArray key("usagelog-retry-other-body");
    const QByteArray firstBody =
        logBody({{"origin", "\"billing-service\""}, {"id_at_origin", "\"req-2\""}, {"cost", "0.5"}});
    const QByteArray secondBody = logBody({{"model", "\"gpt-4o-mini\""},
                                           {"origin", "\"billing-service\""},
                                           {"id_at_origin", "\"req-2\""},
                                           {"cost", "0.75"}});

    const HttpResponse first = postLog(key, firstBody);
    const HttpResponse second = postLog(key, secondBody);

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json().toObject(), first.json().toObject());
    QCOMPARE(rowCount(key), 1);
    const QString logId = first.json().toObject().value(QStringLiteral("log_id")).toString();
    const QJsonObject row = storedLog(key, logId);
    QCOMPARE(row.value(QStringLiteral("model")), QJsonValue(QStringLiteral("gpt-4o")));
    QCOMPARE(row.value(QStringLiteral("cost")), QJsonValue(0.5));
}

// Three values of 255 four-byte characters exceed the largest btree entry unless the
// idempotency index stores digests.
void tst_UsageLog::longMultibyteRetryKeys()
{
    const QString key = QString::fromUcs4(U"\U00020001").repeated(255);
    const QString origin = QString::fromUcs4(U"\U00020002").repeated(255);
    const QString idAtOrigin = QString::fromUcs4(U"\U00020003").repeated(255);
    const QByteArray body = logBody({{"origin", '"' + origin.toUtf8() + '"'},
                                     {"id_at_origin", '"' + idAtOrigin.toUtf8() + '"'}});

    const HttpResponse first = postLog(key.toUtf8(), body);
    const HttpResponse second = postLog(key.toUtf8(), body);

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json().toObject(), first.json().toObject());
    QCOMPARE(rowCount(key.toUtf8()), 1);
}

void tst_UsageLog::otherOriginCreatesRow()
{
    const QByteArray key("usagelog-other-origin");

    const HttpResponse first = postLog(key, logBody({{"origin", "\"service-a\""}, {"id_at_origin", "\"req-3\""}}));
    const HttpResponse second = postLog(key, logBody({{"origin", "\"service-b\""}, {"id_at_origin", "\"req-3\""}}));

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QVERIFY(second.json().toObject().value(QStringLiteral("log_id"))
            != first.json().toObject().value(QStringLiteral("log_id")));
    QCOMPARE(rowCount(key), 2);
}

void tst_UsageLog::otherApiKeyCreatesRow()
{
    const QByteArray firstKey("usagelog-pair-key-a");
    const QByteArray secondKey("usagelog-pair-key-b");
    const QByteArray body = logBody({{"origin", "\"billing-service\""}, {"id_at_origin", "\"req-4\""}});

    const HttpResponse first = postLog(firstKey, body);
    const HttpResponse second = postLog(secondKey, body);
    const HttpResponse secondRetry = postLog(secondKey, body);

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QVERIFY(second.json().toObject().value(QStringLiteral("log_id"))
            != first.json().toObject().value(QStringLiteral("log_id")));
    QCOMPARE(secondRetry.status, 200);
    QCOMPARE(secondRetry.json().toObject(), second.json().toObject());
    QCOMPARE(rowCount(firstKey), 1);
    QCOMPARE(rowCount(secondKey), 1);
}

void tst_UsageLog::partialPairNotDeduplicated_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("origin only") << logBody({{"origin", "\"billing-service\""}});
    QTest::newRow("id_at_origin only") << logBody({{"id_at_origin", "\"req-5\""}});
    QTest::newRow("id_at_origin with null origin") << logBody({{"origin", "null"}, {"id_at_origin", "\"req-6\""}});
}

void tst_UsageLog::partialPairNotDeduplicated()
{
    QFETCH(QByteArray, body);
    const QByteArray key = "usagelog-partial-" + QByteArray(QTest::currentDataTag()).replace(' ', '-');

    const HttpResponse first = postLog(key, body);
    const HttpResponse second = postLog(key, body);

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QVERIFY(second.json().toObject().value(QStringLiteral("log_id"))
            != first.json().toObject().value(QStringLiteral("log_id")));
    QCOMPARE(rowCount(key), 2);
}

void tst_UsageLog::concurrentRetriesStoreOneRow()
{
    const QByteArray key("usagelog-concurrent");
    const QByteArray body = logBody({{"origin", "\"worker\""}, {"id_at_origin", "\"job-7\""}, {"cost", "0.5"}});
    QNetworkAccessManager network;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < ConcurrentRetries; ++i) {
        QNetworkRequest request(QUrl(m_service.baseUrl().toString() + QStringLiteral("/api/v1/log")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-API-Key", key);
        replies.append(network.post(request, body));
    }
    const auto allFinished = [&replies] {
        return std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *reply) { return reply->isFinished(); });
    };

    QTRY_VERIFY_WITH_TIMEOUT(allFinished(), 30000);

    int created = 0;
    int replayed = 0;
    QSet<QString> logIds;
    QSet<QByteArray> bodies;
    for (QNetworkReply *reply : std::as_const(replies)) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        created += status == 201 ? 1 : 0;
        replayed += status == 200 ? 1 : 0;
        const QByteArray responseBody = reply->readAll();
        bodies.insert(responseBody);
        logIds.insert(QJsonDocument::fromJson(responseBody).object().value(QStringLiteral("log_id")).toString());
    }
    QCOMPARE(created, 1);
    QCOMPARE(replayed, ConcurrentRetries - 1);
    QCOMPARE(logIds.size(), 1);
    QCOMPARE(bodies.size(), 1);
    QCOMPARE(rowCount(key), 1);
}

QTEST_GUILESS_MAIN(tst_UsageLog)
#include "tst_usagelog.moc"
