// SPDX-License-Identifier: MIT
// GET /api/v1/logs against the real service and database: order, paging,
// X-Total-Count, filters, query validation, CSV output and isolation between keys.

#include "httpclient.h"
#include "jsonprinting.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace llmring::test;

namespace {

const QByteArray KeyA("usagelogs-key-a");
const QByteArray KeyB("usagelogs-key-b");
const QByteArray UnknownKey("usagelogs-key-unknown");

const QByteArray CsvHeader("id,logged_at,provider,model,alias,profile,origin,id_at_origin,input_tokens,"
                           "output_tokens,cached_input_tokens,cost,latency_ms,metadata,conversation_id");

// The alias of a8, with a comma, double quotes and a line feed that CSV must quote.
const QString CsvQuotedAlias = QStringLiteral("say \"hi\", then\nleave");
const QString CsvQuotedAliasQuery = QStringLiteral("say%20%22hi%22%2C%20then%0Aleave");

// One inserted usage log: the request body, the time it is moved to, and the id the
// service returned for it.
struct FixtureLog
{
    QString label;
    QByteArray key;
    QString loggedAt; // as the service formats it
    QJsonObject body;
    QString id;
};

QJsonObject logBody(const QString &provider, const QString &model, const QJsonValue &alias, const QJsonValue &origin,
                    const QJsonValue &profile, double cost)
{
    QJsonObject body{
        {QStringLiteral("provider"), provider},
        {QStringLiteral("model"), model},
        {QStringLiteral("input_tokens"), 100},
        {QStringLiteral("output_tokens"), 20},
        {QStringLiteral("cost"), cost},
    };
    if (!alias.isNull())
        body.insert(QStringLiteral("alias"), alias);
    if (!origin.isNull())
        body.insert(QStringLiteral("origin"), origin);
    if (!profile.isNull())
        body.insert(QStringLiteral("profile"), profile);
    return body;
}

// Nine rows for key A over five days and two rows for key B. Three rows of key A share
// one instant (a3, a4, a5), and a1 is one microsecond before midnight.
QList<FixtureLog> fixtureLogs()
{
    const QJsonValue none(QJsonValue::Null);
    const QString openai = QStringLiteral("openai");
    const QString anthropic = QStringLiteral("anthropic");
    const QString google = QStringLiteral("google");
    const QString gpt4o = QStringLiteral("gpt-4o");
    const QString claude = QStringLiteral("claude-3-5-sonnet");
    const QString gemini = QStringLiteral("gemini-1.5-pro");
    const QJsonValue summarizer(QStringLiteral("summarizer"));
    const QJsonValue coder(QStringLiteral("coder"));
    const QJsonValue billing(QStringLiteral("billing"));
    const QJsonValue chat(QStringLiteral("chat"));
    const QJsonValue prod(QStringLiteral("prod"));
    const QJsonValue staging(QStringLiteral("staging"));

    QJsonObject quotedRow = logBody(openai, gpt4o, CsvQuotedAlias, chat, prod, 0.000001);
    quotedRow.insert(QStringLiteral("latency_ms"), 900);
    quotedRow.insert(QStringLiteral("id_at_origin"), QStringLiteral("req-8"));
    quotedRow.insert(QStringLiteral("cached_input_tokens"), 40);
    quotedRow.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("note"), QStringLiteral("a, \"b\"\r\nc")},
                                                           {QStringLiteral("n"), 1}});

    QJsonObject mistral = logBody(QStringLiteral("mistral"), QStringLiteral("mistral-large"), none, none, none, 0.02);

    return {
        {"a0", KeyA, "2025-03-01T08:00:00.000000Z", logBody(openai, gpt4o, summarizer, billing, prod, 0.01), {}},
        {"a1", KeyA, "2025-03-01T23:59:59.999999Z",
         logBody(openai, QStringLiteral("gpt-4o-mini"), none, billing, none, 0.0025), {}},
        {"a2", KeyA, "2025-03-02T00:00:00.000000Z", logBody(anthropic, claude, summarizer, chat, prod, 0.3), {}},
        {"a3", KeyA, "2025-03-02T12:00:00.000000Z", logBody(anthropic, claude, coder, none, none, 0), {}},
        {"a4", KeyA, "2025-03-02T12:00:00.000000Z", logBody(google, gemini, coder, chat, staging, 1.5), {}},
        {"a5", KeyA, "2025-03-02T12:00:00.000000Z", logBody(openai, gpt4o, summarizer, chat, prod, 0.04), {}},
        {"a6", KeyA, "2025-03-03T09:30:00.500000Z", logBody(openai, gpt4o, coder, billing, none, 0.125), {}},
        {"a7", KeyA, "2025-03-04T00:00:00.000000Z", logBody(google, gemini, none, billing, staging, 2.75), {}},
        {"a8", KeyA, "2025-03-05T10:00:00.000000Z", quotedRow, {}},
        {"b0", KeyB, "2025-03-02T12:00:00.000000Z", logBody(openai, gpt4o, summarizer, billing, prod, 0.05), {}},
        {"b1", KeyB, "2025-03-03T00:00:00.000000Z", mistral, {}},
    };
}

// The row GET /api/v1/logs should return for `log`.
QJsonObject expectedRow(const FixtureLog &log)
{
    QJsonObject row{
        {QStringLiteral("id"), log.id},
        {QStringLiteral("logged_at"), log.loggedAt},
        {QStringLiteral("alias"), QJsonValue::Null},
        {QStringLiteral("profile"), QStringLiteral("default")},
        {QStringLiteral("origin"), QJsonValue::Null},
        {QStringLiteral("id_at_origin"), QJsonValue::Null},
        {QStringLiteral("cached_input_tokens"), 0},
        {QStringLiteral("latency_ms"), QJsonValue::Null},
        {QStringLiteral("metadata"), QJsonObject()},
        {QStringLiteral("conversation_id"), QJsonValue::Null},
    };
    for (auto it = log.body.constBegin(); it != log.body.constEnd(); ++it)
        row.insert(it.key(), it.value());
    return row;
}

// Splits RFC 4180 text into records of fields. Every record ends with CRLF, and a field
// in double quotes may contain commas, line breaks and doubled quotes. Returns
// std::nullopt for text that breaks these rules.
std::optional<QList<QStringList>> parseCsv(const QByteArray &csv)
{
    const QString text = QString::fromUtf8(csv);
    const qsizetype size = text.size();
    QList<QStringList> records;
    QStringList record;
    qsizetype i = 0;
    while (i < size) {
        QString field;
        if (text.at(i) == u'"') {
            ++i;
            while (true) {
                if (i >= size)
                    return std::nullopt;
                if (text.at(i) == u'"') {
                    if (i + 1 < size && text.at(i + 1) == u'"') {
                        field.append(u'"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field.append(text.at(i));
                ++i;
            }
        } else {
            while (i < size && text.at(i) != u',' && text.at(i) != u'\r' && text.at(i) != u'\n') {
                if (text.at(i) == u'"')
                    return std::nullopt;
                field.append(text.at(i));
                ++i;
            }
        }
        record.append(field);

        if (i < size && text.at(i) == u',') {
            ++i;
            continue;
        }
        if (i + 1 < size && text.at(i) == u'\r' && text.at(i + 1) == u'\n') {
            records.append(record);
            record.clear();
            i += 2;
            continue;
        }
        return std::nullopt;
    }
    if (!record.isEmpty())
        return std::nullopt;
    return records;
}

// A JSON row member as its CSV field. Absent values are empty and numbers are integers.
QString csvText(const QJsonValue &value)
{
    if (value.isNull())
        return QString();
    if (value.isDouble())
        return QString::number(value.toInteger());
    return value.toString();
}

QJsonObject queryError(const QString &parameter, const QString &msg, const QString &type)
{
    return QJsonObject{
        {QStringLiteral("loc"), QJsonArray{QStringLiteral("query"), parameter}},
        {QStringLiteral("msg"), msg},
        {QStringLiteral("type"), type},
    };
}

} // namespace

class tst_UsageLogs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void rowsMatchInsertedValues();
    void defaultOrderNewestFirst();
    void ascendingOrderOldestFirst();
    void totalCountIgnoresPageSize();
    void pagingWalksEveryRow_data();
    void pagingWalksEveryRow();
    void offsetPastEndIsEmpty();
    void filters_data();
    void filters();
    void invalidQueryRejected_data();
    void invalidQueryRejected();

    void csvMatchesJson_data();
    void csvMatchesJson();
    void csvQuotesSpecialCharacters();
    void csvExactBytes();

    void otherKeySeesOwnRowsOnly();
    void csvMetadataIsCompact();
    void textKeepsByteOrderMark();
    void unknownKeySeesNothing_data();
    void unknownKeySeesNothing();

private:
    HttpResponse listLogs(const QByteArray &key, const QString &query, const HeaderList &headers = {});
    // Labels of the fixture rows with these ids, in the same order.
    QStringList labelsOf(const QJsonArray &rows) const;
    // Labels of key's fixture rows, ordered as the service orders them.
    QStringList ordered(const QByteArray &key, const QStringList &labels, bool ascending) const;

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
    QList<FixtureLog> m_logs;
    QStringList m_labelsOfKeyA;
};

void tst_UsageLogs::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("usagelogs"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());

    m_logs = fixtureLogs();
    for (FixtureLog &log : m_logs) {
        const HttpResponse response = m_client->post(
            QStringLiteral("/api/v1/log"), QJsonDocument(log.body).toJson(QJsonDocument::Compact), apiKey(log.key));
        QVERIFY2(response.status == 201, response.body.constData());
        log.id = response.json().toObject().value(QStringLiteral("log_id")).toString();
        m_database->exec(QStringLiteral("UPDATE {{schema}}.usage_logs SET logged_at = CAST(:t AS timestamptz)"
                                        " WHERE id = CAST(:id AS uuid)"),
                         {{QStringLiteral("t"), log.loggedAt}, {QStringLiteral("id"), log.id}});
        if (log.key == KeyA)
            m_labelsOfKeyA.append(log.label);
    }
}

void tst_UsageLogs::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

HttpResponse tst_UsageLogs::listLogs(const QByteArray &key, const QString &query, const HeaderList &headers)
{
    return m_client->get(QStringLiteral("/api/v1/logs?") + query, apiKey(key) + headers);
}

QStringList tst_UsageLogs::labelsOf(const QJsonArray &rows) const
{
    QStringList labels;
    for (const QJsonValue &row : rows) {
        const QString id = row.toObject().value(QStringLiteral("id")).toString();
        const auto log = std::find_if(m_logs.cbegin(), m_logs.cend(),
                                      [&id](const FixtureLog &candidate) { return candidate.id == id; });
        labels.append(log != m_logs.cend() ? log->label : QStringLiteral("unknown id ") + id);
    }
    return labels;
}

QStringList tst_UsageLogs::ordered(const QByteArray &key, const QStringList &labels, bool ascending) const
{
    QList<FixtureLog> selected;
    for (const FixtureLog &log : m_logs) {
        if (log.key == key && labels.contains(log.label))
            selected.append(log);
    }
    // The fixed-width timestamps and lowercase UUIDs sort as text exactly as
    // PostgreSQL sorts the timestamptz and uuid values.
    std::sort(selected.begin(), selected.end(), [ascending](const FixtureLog &left, const FixtureLog &right) {
        const auto leftKey = std::make_pair(left.loggedAt, left.id);
        const auto rightKey = std::make_pair(right.loggedAt, right.id);
        return ascending ? leftKey < rightKey : rightKey < leftKey;
    });
    QStringList result;
    for (const FixtureLog &log : selected)
        result.append(log.label);
    return result;
}

void tst_UsageLogs::rowsMatchInsertedValues()
{
    const HttpResponse response = listLogs(KeyA, QStringLiteral("order=asc"));

    QCOMPARE(response.status, 200);
    const QJsonArray rows = response.json().toArray();
    const QStringList labels = ordered(KeyA, m_labelsOfKeyA, true);
    QCOMPARE(rows.size(), labels.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const auto log = std::find_if(m_logs.cbegin(), m_logs.cend(),
                                      [&](const FixtureLog &candidate) { return candidate.label == labels.at(i); });
        const QJsonObject expected = expectedRow(*log);
        const QJsonObject row = rows.at(i).toObject();
        QCOMPARE(row.keys(), expected.keys());
        for (auto it = expected.constBegin(); it != expected.constEnd(); ++it)
            QCOMPARE(row.value(it.key()), it.value());
    }
}

void tst_UsageLogs::defaultOrderNewestFirst()
{
    const HttpResponse response = listLogs(KeyA, QString());

    QCOMPARE(response.status, 200);
    QCOMPARE(labelsOf(response.json().toArray()), ordered(KeyA, m_labelsOfKeyA, false));
    QCOMPARE(response.header("X-Total-Count"), QByteArray("9"));
}

void tst_UsageLogs::ascendingOrderOldestFirst()
{
    const HttpResponse response = listLogs(KeyA, QStringLiteral("order=asc"));

    QCOMPARE(response.status, 200);
    QCOMPARE(labelsOf(response.json().toArray()), ordered(KeyA, m_labelsOfKeyA, true));
    QCOMPARE(response.header("X-Total-Count"), QByteArray("9"));
}

void tst_UsageLogs::totalCountIgnoresPageSize()
{
    const HttpResponse response = listLogs(KeyA, QStringLiteral("limit=2&provider=openai"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toArray().size(), 2);
    QCOMPARE(response.header("X-Total-Count"), QByteArray("5"));
}

void tst_UsageLogs::pagingWalksEveryRow_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("ascending");

    QTest::newRow("limit 1") << 1 << false;
    QTest::newRow("limit 2") << 2 << false;
    QTest::newRow("limit 4") << 4 << false;
    QTest::newRow("limit 500") << 500 << false;
    QTest::newRow("limit 3 ascending") << 3 << true;
}

void tst_UsageLogs::pagingWalksEveryRow()
{
    QFETCH(int, limit);
    QFETCH(bool, ascending);
    const QStringList expected = ordered(KeyA, m_labelsOfKeyA, ascending);
    const QString order = ascending ? QStringLiteral("asc") : QStringLiteral("desc");

    QStringList walked;
    for (int offset = 0; offset < expected.size(); offset += limit) {
        const HttpResponse page =
            listLogs(KeyA, QStringLiteral("limit=%1&offset=%2&order=%3").arg(limit).arg(offset).arg(order));
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Total-Count"), QByteArray::number(expected.size()));
        const QJsonArray rows = page.json().toArray();
        QCOMPARE(rows.size(), std::min<qsizetype>(limit, expected.size() - offset));
        walked += labelsOf(rows);
    }

    QCOMPARE(walked, expected);
}

void tst_UsageLogs::offsetPastEndIsEmpty()
{
    const HttpResponse response = listLogs(KeyA, QStringLiteral("offset=9"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toArray(), QJsonArray());
    QCOMPARE(response.header("X-Total-Count"), QByteArray("9"));
}

void tst_UsageLogs::filters_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("labels");

    QTest::newRow("provider openai") << KeyA << "provider=openai" << QStringList{"a0", "a1", "a5", "a6", "a8"};
    QTest::newRow("provider anthropic") << KeyA << "provider=anthropic" << QStringList{"a2", "a3"};
    QTest::newRow("provider only key B has") << KeyA << "provider=mistral" << QStringList{};
    QTest::newRow("model") << KeyA << "model=gpt-4o" << QStringList{"a0", "a5", "a6", "a8"};
    QTest::newRow("model is exact, not a prefix") << KeyA << "model=gpt-4" << QStringList{};
    QTest::newRow("alias summarizer") << KeyA << "alias=summarizer" << QStringList{"a0", "a2", "a5"};
    QTest::newRow("alias coder") << KeyA << "alias=coder" << QStringList{"a3", "a4", "a6"};
    QTest::newRow("alias with comma, quotes and newline")
        << KeyA << QStringLiteral("alias=") + CsvQuotedAliasQuery << QStringList{"a8"};
    QTest::newRow("origin chat") << KeyA << "origin=chat" << QStringList{"a2", "a4", "a5", "a8"};
    QTest::newRow("origin billing") << KeyA << "origin=billing" << QStringList{"a0", "a1", "a6", "a7"};
    QTest::newRow("profile prod") << KeyA << "profile=prod" << QStringList{"a0", "a2", "a5", "a8"};
    QTest::newRow("profile default") << KeyA << "profile=default" << QStringList{"a1", "a3", "a6"};
    QTest::newRow("profile staging") << KeyA << "profile=staging" << QStringList{"a4", "a7"};

    QTest::newRow("provider and model") << KeyA << "provider=openai&model=gpt-4o"
                                        << QStringList{"a0", "a5", "a6", "a8"};
    QTest::newRow("provider, alias and origin") << KeyA << "provider=openai&alias=summarizer&origin=chat"
                                                << QStringList{"a5"};
    QTest::newRow("all five filters") << KeyA << "provider=google&model=gemini-1.5-pro&alias=coder&origin=chat"
                                                 "&profile=staging"
                                      << QStringList{"a4"};
    QTest::newRow("filters matching nothing together") << KeyA << "provider=anthropic&profile=staging"
                                                        << QStringList{};

    QTest::newRow("start_date timestamp inclusive") << KeyA << "start_date=2025-03-02T12:00:00Z"
                                                    << QStringList{"a3", "a4", "a5", "a6", "a7", "a8"};
    QTest::newRow("start_date one microsecond later") << KeyA << "start_date=2025-03-02T12:00:00.000001Z"
                                                      << QStringList{"a6", "a7", "a8"};
    QTest::newRow("end_date timestamp inclusive") << KeyA << "end_date=2025-03-02T12:00:00Z"
                                                  << QStringList{"a0", "a1", "a2", "a3", "a4", "a5"};
    QTest::newRow("end_date one microsecond earlier") << KeyA << "end_date=2025-03-02T11:59:59.999999Z"
                                                      << QStringList{"a0", "a1", "a2"};
    QTest::newRow("start_date date from midnight") << KeyA << "start_date=2025-03-02"
                                                   << QStringList{"a2", "a3", "a4", "a5", "a6", "a7", "a8"};
    QTest::newRow("end_date date includes the whole day") << KeyA << "end_date=2025-03-01"
                                                          << QStringList{"a0", "a1"};
    QTest::newRow("one day as dates") << KeyA << "start_date=2025-03-02&end_date=2025-03-02"
                                      << QStringList{"a2", "a3", "a4", "a5"};
    QTest::newRow("start_date with offset") << KeyA << "start_date=2025-03-02T13:00:00%2B01:00"
                                            << QStringList{"a3", "a4", "a5", "a6", "a7", "a8"};
    QTest::newRow("end_date naive timestamp as UTC") << KeyA << "end_date=2025-03-02T00:00:00"
                                                     << QStringList{"a0", "a1", "a2"};
    // 0001-01-01T00:00:00+00:01 is a valid RFC 3339 timestamp one minute before year 1
    // begins in UTC. PostgreSQL stores dates back to 4713 BC, so it is a usable bound.
    QTest::newRow("start_date before year 1 in UTC") << KeyA << "start_date=0001-01-01T00:00:00%2B00:01"
                                                     << m_labelsOfKeyA;
    QTest::newRow("end_date before year 1 in UTC") << KeyA << "end_date=0001-01-01T00:00:00%2B00:01"
                                                   << QStringList{};
    QTest::newRow("dates and provider") << KeyA << "start_date=2025-03-02&end_date=2025-03-03&provider=openai"
                                        << QStringList{"a5", "a6"};

    QTest::newRow("key B, no filter") << KeyB << "" << QStringList{"b0", "b1"};
    QTest::newRow("key B, provider") << KeyB << "provider=openai" << QStringList{"b0"};
    QTest::newRow("key B, model and alias") << KeyB << "model=gpt-4o&alias=summarizer" << QStringList{"b0"};
    QTest::newRow("key B, provider only key A has") << KeyB << "provider=anthropic" << QStringList{};
    QTest::newRow("key B, alias only key A has") << KeyB << "alias=coder" << QStringList{};
    QTest::newRow("key B, dates") << KeyB << "start_date=2025-03-02&end_date=2025-03-02" << QStringList{"b0"};
}

void tst_UsageLogs::filters()
{
    QFETCH(QByteArray, key);
    QFETCH(QString, query);
    QFETCH(QStringList, labels);
    const QStringList expected = ordered(key, labels, false);

    const HttpResponse response = listLogs(key, query);

    QCOMPARE(response.status, 200);
    QCOMPARE(labelsOf(response.json().toArray()), expected);
    QCOMPARE(response.header("X-Total-Count"), QByteArray::number(expected.size()));
}

void tst_UsageLogs::invalidQueryRejected_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QJsonArray>("detail");

    const QString valueError = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    const QString invalidTime = QStringLiteral("must be an RFC 3339 timestamp or a YYYY-MM-DD date");
    const QString containsNull = QStringLiteral("must not contain U+0000");

    QTest::newRow("limit 0") << "limit=0" << QJsonArray{queryError("limit", "must be >= 1", valueError)};
    QTest::newRow("limit 501") << "limit=501" << QJsonArray{queryError("limit", "must be <= 500", valueError)};
    QTest::newRow("limit -1") << "limit=-1" << QJsonArray{queryError("limit", "must be >= 1", valueError)};
    QTest::newRow("limit abc") << "limit=abc" << QJsonArray{queryError("limit", "must be an integer", typeError)};
    QTest::newRow("limit 1.5") << "limit=1.5" << QJsonArray{queryError("limit", "must be an integer", typeError)};
    QTest::newRow("limit empty") << "limit=" << QJsonArray{queryError("limit", "must be an integer", typeError)};
    QTest::newRow("offset -1") << "offset=-1" << QJsonArray{queryError("offset", "must be >= 0", valueError)};
    QTest::newRow("offset abc") << "offset=abc" << QJsonArray{queryError("offset", "must be an integer", typeError)};
    QTest::newRow("offset above 2^31-1") << "offset=2147483648"
                                         << QJsonArray{queryError("offset", "must be <= 2147483647", valueError)};
    QTest::newRow("order sideways") << "order=sideways"
                                    << QJsonArray{queryError("order", "must be one of: asc, desc", valueError)};
    QTest::newRow("start after end") << "start_date=2025-03-05&end_date=2025-03-01"
                                     << QJsonArray{queryError("start_date", "must be before end_date", valueError)};
    QTest::newRow("start equals timestamp end") << "start_date=2025-03-05T00:00:00.000001Z&end_date=2025-03-05T00:00:00Z"
                                                << QJsonArray{queryError("start_date", "must be before end_date",
                                                                         valueError)};
    QTest::newRow("format xml") << "format=xml"
                                << QJsonArray{queryError("format", "must be one of: json, csv", valueError)};
    QTest::newRow("start_date a word") << "start_date=yesterday"
                                       << QJsonArray{queryError("start_date", invalidTime, valueError)};
    QTest::newRow("end_date February 30") << "end_date=2025-02-30"
                                          << QJsonArray{queryError("end_date", invalidTime, valueError)};
    QTest::newRow("provider with U+0000") << "provider=open%00ai"
                                          << QJsonArray{queryError("provider", containsNull, valueError)};
    QTest::newRow("model with U+0000") << "model=%00" << QJsonArray{queryError("model", containsNull, valueError)};
    QTest::newRow("alias with U+0000") << "alias=a%00" << QJsonArray{queryError("alias", containsNull, valueError)};
    QTest::newRow("origin with U+0000") << "origin=%00b" << QJsonArray{queryError("origin", containsNull, valueError)};
    QTest::newRow("profile with U+0000") << "profile=p%00" << QJsonArray{queryError("profile", containsNull, valueError)};
    QTest::newRow("several errors") << "order=sideways&offset=-1&limit=0&provider=%00"
                                    << QJsonArray{queryError("limit", "must be >= 1", valueError),
                                                  queryError("offset", "must be >= 0", valueError),
                                                  queryError("order", "must be one of: asc, desc", valueError),
                                                  queryError("provider", containsNull, valueError)};
}

void tst_UsageLogs::invalidQueryRejected()
{
    QFETCH(QString, query);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = listLogs(KeyA, query);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value(QStringLiteral("detail")).toArray(), detail);
}

void tst_UsageLogs::csvMatchesJson_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<HeaderList>("headers");

    QTest::newRow("format=csv") << QStringLiteral("format=csv") << HeaderList{};
    QTest::newRow("Accept: text/csv") << QString() << HeaderList{{"Accept", "text/csv"}};
}

void tst_UsageLogs::csvMatchesJson()
{
    QFETCH(QString, query);
    QFETCH(HeaderList, headers);
    const QJsonArray rows = listLogs(KeyA, QString()).json().toArray();
    const QStringList columns = QString::fromLatin1(CsvHeader).split(u',');

    const HttpResponse response = listLogs(KeyA, query, headers);

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("text/csv; charset=utf-8"));
    QCOMPARE(response.header("X-Total-Count"), QByteArray("9"));
    QVERIFY(response.body.startsWith(CsvHeader + "\r\n"));
    const auto records = parseCsv(response.body);
    QVERIFY2(records.has_value(), response.body.constData());
    QCOMPARE(records->size(), rows.size() + 1);
    QCOMPARE(records->first(), columns);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QJsonObject row = rows.at(i).toObject();
        const QStringList &record = records->at(i + 1);
        QCOMPARE(record.size(), columns.size());
        for (qsizetype column = 0; column < columns.size(); ++column) {
            const QString &name = columns.at(column);
            if (name == QLatin1String("cost"))
                QCOMPARE(record.at(column).toDouble(), row.value(name).toDouble());
            else if (name == QLatin1String("metadata"))
                QCOMPARE(QJsonDocument::fromJson(record.at(column).toUtf8()).object(), row.value(name).toObject());
            else
                QCOMPARE(record.at(column), csvText(row.value(name)));
        }
    }
}

void tst_UsageLogs::csvQuotesSpecialCharacters()
{
    const QJsonObject metadata{{QStringLiteral("note"), QStringLiteral("a, \"b\"\r\nc")}, {QStringLiteral("n"), 1}};

    const HttpResponse response = listLogs(KeyA, QStringLiteral("format=csv&alias=") + CsvQuotedAliasQuery);

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("X-Total-Count"), QByteArray("1"));
    QVERIFY2(response.body.contains(",\"say \"\"hi\"\", then\nleave\",prod,chat,req-8,"), response.body.constData());
    const auto records = parseCsv(response.body);
    QVERIFY2(records.has_value(), response.body.constData());
    QCOMPARE(records->size(), 2);
    QCOMPARE(records->at(1).size(), 15);
    QCOMPARE(records->at(1).at(4), CsvQuotedAlias);
    QCOMPARE(records->at(1).at(12), QStringLiteral("900"));
    QCOMPARE(QJsonDocument::fromJson(records->at(1).at(13).toUtf8()).object(), metadata);
}

void tst_UsageLogs::csvExactBytes()
{
    const auto mistral = std::find_if(m_logs.cbegin(), m_logs.cend(),
                                      [](const FixtureLog &log) { return log.label == QLatin1String("b1"); });
    const QByteArray expected = CsvHeader + "\r\n" + mistral->id.toLatin1()
        + ",2025-03-03T00:00:00.000000Z,mistral,mistral-large,,default,,,100,20,0,0.02,,{},\r\n";

    const HttpResponse response = listLogs(KeyB, QStringLiteral("format=csv&provider=mistral"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, expected);
}

void tst_UsageLogs::otherKeySeesOwnRowsOnly()
{
    const HttpResponse listA = listLogs(KeyA, QStringLiteral("limit=500"));
    const HttpResponse listB = listLogs(KeyB, QStringLiteral("limit=500"));
    const HttpResponse csvB = listLogs(KeyB, QStringLiteral("format=csv&limit=500"));

    QCOMPARE(labelsOf(listA.json().toArray()), ordered(KeyA, m_labelsOfKeyA, false));
    QCOMPARE(labelsOf(listB.json().toArray()), ordered(KeyB, {"b0", "b1"}, false));
    QCOMPARE(listB.header("X-Total-Count"), QByteArray("2"));
    QCOMPARE(csvB.header("X-Total-Count"), QByteArray("2"));
    QCOMPARE(csvB.body.count("\r\n"), 3);
}

void tst_UsageLogs::unknownKeySeesNothing_data()
{
    QTest::addColumn<QString>("query");

    QTest::newRow("no filter") << QString();
    QTest::newRow("provider key A uses") << QStringLiteral("provider=openai");
    QTest::newRow("date range of the fixture") << QStringLiteral("start_date=2025-03-01&end_date=2025-03-05");
}

void tst_UsageLogs::unknownKeySeesNothing()
{
    QFETCH(QString, query);

    const QString csvQuery = query.isEmpty() ? QStringLiteral("format=csv") : query + QStringLiteral("&format=csv");

    const HttpResponse json = listLogs(UnknownKey, query);
    const HttpResponse csv = listLogs(UnknownKey, csvQuery);

    QCOMPARE(json.status, 200);
    QCOMPARE(json.body, QByteArray("[]"));
    QCOMPARE(json.header("X-Total-Count"), QByteArray("0"));
    QCOMPARE(csv.status, 200);
    QCOMPARE(csv.body, CsvHeader + "\r\n");
    QCOMPARE(csv.header("X-Total-Count"), QByteArray("0"));
}

// PostgreSQL writes jsonb numbers in full, so 1e300 would take 301 characters in CSV.
void tst_UsageLogs::csvMetadataIsCompact()
{
    const QByteArray key("usagelogs-compact-metadata");
    const HttpResponse created = m_client->post(
        QStringLiteral("/api/v1/log"),
        R"({"provider":"p","model":"m","input_tokens":1,"output_tokens":1,"metadata":{"big":1e300,"list":[1,2]}})",
        apiKey(key));

    const HttpResponse csv = m_client->get(QStringLiteral("/api/v1/logs?format=csv"), apiKey(key));

    QCOMPARE(created.status, 201);
    QCOMPARE(csv.status, 200);
    const QList<QByteArray> lines = csv.body.split('\n');
    QCOMPARE(lines.size(), 3); // header, one row, and the empty text after the last CRLF
    QVERIFY2(lines.at(1).contains(R"("{""big"":1e+300,""list"":[1,2]}")"), lines.at(1).constData());
}

// QString::fromUtf8 and QJsonDocument::fromJson, which read database text and jsonb,
// both drop a U+FEFF at the start of a string.
void tst_UsageLogs::textKeepsByteOrderMark()
{
    const QByteArray key("usagelogs-byte-order-mark");
    const QString mark(QChar(0xFEFF));
    const QJsonObject request{{"provider", mark + "p"},     {"model", mark + "m"},
                              {"alias", mark + "a"},        {"profile", mark + "f"},
                              {"origin", mark + "o"},       {"id_at_origin", mark + "i"},
                              {"input_tokens", 1},          {"output_tokens", 1},
                              {"metadata", QJsonObject{{"note", mark + "n"}}}};

    const HttpResponse created = m_client->post(QStringLiteral("/api/v1/log"),
                                                QJsonDocument(request).toJson(QJsonDocument::Compact), apiKey(key));
    const HttpResponse listed = m_client->get(QStringLiteral("/api/v1/logs"), apiKey(key));
    const HttpResponse stats = m_client->get(QStringLiteral("/api/v1/stats"), apiKey(key));

    QCOMPARE(created.status, 201);
    QCOMPARE(listed.status, 200);
    const QJsonObject row = listed.json().toArray().at(0).toObject();
    for (const QString &member : {QStringLiteral("provider"), QStringLiteral("model"), QStringLiteral("alias"),
                                  QStringLiteral("profile"), QStringLiteral("origin"), QStringLiteral("id_at_origin")}) {
        QVERIFY2(row.value(member).toString() == request.value(member).toString(), qPrintable(member));
    }
    QVERIFY(row.value("metadata").toObject().value("note").toString() == mark + "n");
    QCOMPARE(stats.status, 200);
    const QJsonObject figures = stats.json().toObject();
    QCOMPARE(figures.value("by_model").toObject().keys(), QStringList{mark + "m"});
    QCOMPARE(figures.value("by_alias").toObject().keys(), QStringList{mark + "a"});
    QCOMPARE(figures.value("by_origin").toObject().keys(), QStringList{mark + "o"});
    QVERIFY(figures.value("by_day").toArray().at(0).toObject().value("top_model").toString() == mark + "m");
}

QTEST_GUILESS_MAIN(tst_UsageLogs)
#include "tst_usagelogs.moc"
