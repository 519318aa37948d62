// SPDX-License-Identifier: MIT
// GET /api/v1/stats against the real service and PostgreSQL: every figure is compared
// with totals the suite computes from its own fixture rows, per day, ISO week and month.

#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QTest>

#include <optional>

using namespace llmring::test;

namespace {

const QByteArray KeyA = QByteArrayLiteral("stats-key-a");
const QByteArray KeyB = QByteArrayLiteral("stats-key-b");
const QByteArray KeyRecent = QByteArrayLiteral("stats-key-recent");

constexpr qint64 MicrosecondsPerDay = 86'400'000'000;
// Money is stored as NUMERIC(20,10), so the model counts it in units of 1e-10 dollars.
constexpr int MoneyScale = 10;

// One usage row of the fixture. `cost` is the JSON number text sent to the service.
struct FixtureRow
{
    QByteArray key;
    QString loggedAt; // yyyy-MM-ddTHH:mm:ss.ffffffZ
    QString model;
    std::optional<QString> origin;
    std::optional<QString> alias;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedInputTokens = 0;
    QString cost;
};

// 2025-03-09 is a Sunday and 2025-03-10 a Monday. The ISO week of 2025-01-01 starts on
// Monday 2024-12-30. Several periods have a tie in request counts on purpose, because
// top_model must then be the smaller model name.
const QList<FixtureRow> &fixtureRows()
{
    static const QList<FixtureRow> rows{
        {KeyA, "2024-12-30T09:00:00.000000Z", "gpt-4o", "billing", "summarizer", 1000, 200, 100, "0.0125"},
        {KeyA, "2024-12-31T23:59:59.999999Z", "claude-3-haiku", {}, {}, 50, 10, 0, "0.000123456789"},
        {KeyA, "2025-01-01T00:00:00.000000Z", "claude-3-haiku", "search", "chat", 70, 30, 0, "0.3"},
        {KeyA, "2025-01-02T08:00:00.000000Z", "gpt-4o-mini", "billing", "chat", 2147483647, 2000000000, 0,
         "12345.6789012345"},
        {KeyA, "2025-01-15T12:00:00.000000Z", "gpt-4o", "search", {}, 10, 5, 0, "0.1"},
        {KeyA, "2025-01-15T13:00:00.000000Z", "gpt-4o", "search", {}, 10, 5, 0, "0.2"},
        // More than ten decimals: NUMERIC(20,10) rounds the first cost up (an exact half)
        // and the second one down.
        {KeyA, "2025-02-28T23:59:59.999999Z", "mistral-large", {}, "summarizer", 300, 400, 0, "0.12345678905"},
        {KeyA, "2025-03-01T00:00:00.000000Z", "mistral-large", "billing", "summarizer", 300, 400, 0,
         "0.123456789049999"},
        {KeyA, "2025-03-01T12:00:00.000000Z", "claude-3-haiku", "billing", {}, 5, 5, 0, "0.00000000005"},
        {KeyA, "2025-03-09T10:00:00.000000Z", "gpt-4o-mini", "search", "summarizer", 100, 100, 0, "0.000000001"},
        {KeyA, "2025-03-09T23:59:59.999999Z", "gpt-4o", "billing", "summarizer", 100, 100, 50, "1.5"},
        {KeyA, "2025-03-10T00:00:00.000000Z", "gpt-4o-mini", "search", "chat", 20, 20, 0, "0.000001"},
        {KeyA, "2025-03-10T06:00:00.000000Z", "gpt-4o-mini", "billing", {}, 3, 4, 0, "0.25"},
        {KeyA, "2025-03-10T12:00:00.000000Z", "gpt-4o", {}, "chat", 1, 1, 0, "0"},
        {KeyA, "2025-03-10T23:59:59.999999Z", "gpt-4o", "billing", {}, 2, 3, 1, "2.9999999999"},
        {KeyA, "2025-03-11T00:00:00.000000Z", "claude-3-haiku", "search", "chat", 7, 8, 0, "0.7"},
        {KeyA, "2025-03-11T00:00:00.000001Z", "claude-3-haiku", {}, {}, 1, 1, 0, "0.0000000003"},
        {KeyA, "2025-03-12T06:00:00.000000Z", "mistral-large", "search", "summarizer", 11, 22, 0, "3"},
        {KeyA, "2025-03-31T23:59:59.999999Z", "gpt-4o-mini", "billing", "chat", 40, 60, 0, "0.04"},
        {KeyA, "2025-04-01T00:00:00.000000Z", "gpt-4o", "billing", "chat", 40, 60, 0, "0.06"},
        // Key B shares model, origin and alias names with key A on purpose.
        {KeyB, "2025-01-02T00:00:00.000000Z", "gpt-4o", {}, "summarizer", 3, 3, 0, "1"},
        {KeyB, "2025-03-10T12:00:00.000000Z", "gpt-4o", "billing", "chat", 500, 500, 0, "9.99"},
        {KeyB, "2025-03-10T13:00:00.000000Z", "b-model", "b-origin", "b-alias", 1, 2, 0, "0.5"},
    };
    return rows;
}

// Microseconds since the epoch of a `yyyy-MM-ddTHH:mm:ss.ffffffZ` instant.
qint64 epochMicroseconds(const QString &instant)
{
    const QDateTime wholeSeconds = QDateTime::fromString(instant.left(19), QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    const QDateTime utc(wholeSeconds.date(), wholeSeconds.time(), Qt::UTC);
    return utc.toMSecsSinceEpoch() * 1000 + instant.mid(20, 6).toLongLong();
}

QDate utcDate(qint64 microseconds)
{
    qint64 days = microseconds / MicrosecondsPerDay;
    if (microseconds % MicrosecondsPerDay < 0)
        --days;
    return QDate(1970, 1, 1).addDays(days);
}

QDate periodStart(const QDate &date, const QString &period)
{
    if (period == QLatin1String("week"))
        return date.addDays(1 - date.dayOfWeek()); // ISO weeks start on Monday
    if (period == QLatin1String("month"))
        return QDate(date.year(), date.month(), 1);
    return date;
}

// A non-negative decimal such as "0.12345678905" in units of 1e-10, rounded half up
// as PostgreSQL rounds NUMERIC(20,10).
qint64 moneyUnits(const QString &decimal)
{
    const qsizetype point = decimal.indexOf(u'.');
    const QString integerPart = point < 0 ? decimal : decimal.left(point);
    const QString fraction = point < 0 ? QString() : decimal.mid(point + 1);
    qint64 units = integerPart.toLongLong();
    for (int i = 0; i < MoneyScale; ++i)
        units = units * 10 + (i < fraction.size() ? fraction.at(i).digitValue() : 0);
    if (fraction.size() > MoneyScale && fraction.at(MoneyScale).digitValue() >= 5)
        ++units;
    return units;
}

// The dollar amount of `units` as a double, parsed from exact decimal text, so it is
// the double nearest to the exact sum, as the service's NUMERIC text gives it.
double dollars(qint64 units)
{
    const qint64 scale = 10'000'000'000;
    const QString text =
        QStringLiteral("%1.%2").arg(units / scale).arg(units % scale, MoneyScale, 10, QLatin1Char('0'));
    return text.toDouble();
}

struct Totals
{
    qint64 requests = 0;
    qint64 costUnits = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;

    void add(const FixtureRow &row)
    {
        ++requests;
        costUnits += moneyUnits(row.cost);
        inputTokens += row.inputTokens;
        outputTokens += row.outputTokens;
    }
};

QJsonObject totalsJson(const Totals &totals, bool withTokens)
{
    QJsonObject object{{QStringLiteral("requests"), totals.requests},
                       {QStringLiteral("cost"), dollars(totals.costUnits)}};
    if (withTokens) {
        object.insert(QStringLiteral("input_tokens"), totals.inputTokens);
        object.insert(QStringLiteral("output_tokens"), totals.outputTokens);
    }
    return object;
}

// The stats response the contract prescribes for `key` over [start, end] (both
// inclusive, microseconds), computed from the fixture rows.
QJsonObject expectedStats(const QByteArray &key, qint64 start, qint64 end, const QString &period)
{
    Totals summary;
    QSet<QString> models;
    QSet<QString> origins;
    QMap<QDate, Totals> periods;
    QMap<QDate, QMap<QString, qint64>> periodModelRequests;
    QMap<QString, Totals> byModel;
    QMap<QString, Totals> byOrigin;
    QMap<QString, Totals> byAlias;

    for (const FixtureRow &row : fixtureRows()) {
        const qint64 at = epochMicroseconds(row.loggedAt);
        if (row.key != key || at < start || at > end)
            continue;
        summary.add(row);
        models.insert(row.model);
        const QDate periodDate = periodStart(utcDate(at), period);
        periods[periodDate].add(row);
        ++periodModelRequests[periodDate][row.model];
        byModel[row.model].add(row);
        if (row.origin) {
            origins.insert(*row.origin);
            byOrigin[*row.origin].add(row);
        }
        if (row.alias)
            byAlias[*row.alias].add(row);
    }

    QJsonArray byDay;
    for (auto it = periods.constEnd(); it != periods.constBegin();) {
        --it;
        // QMap iterates model names in ascending order, so on a tie the first wins.
        QString topModel;
        qint64 topRequests = 0;
        const QMap<QString, qint64> &requestsPerModel = periodModelRequests.value(it.key());
        for (auto model = requestsPerModel.constBegin(); model != requestsPerModel.constEnd(); ++model) {
            if (model.value() > topRequests) {
                topModel = model.key();
                topRequests = model.value();
            }
        }
        byDay.append(QJsonObject{
            {QStringLiteral("date"), it.key().toString(Qt::ISODate)},
            {QStringLiteral("requests"), it->requests},
            {QStringLiteral("cost"), dollars(it->costUnits)},
            {QStringLiteral("tokens"), it->inputTokens + it->outputTokens},
            {QStringLiteral("top_model"), topModel},
        });
    }

    const auto groupJson = [](const QMap<QString, Totals> &groups, bool withTokens) {
        QJsonObject object;
        for (auto it = groups.constBegin(); it != groups.constEnd(); ++it)
            object.insert(it.key(), totalsJson(it.value(), withTokens));
        return object;
    };

    return QJsonObject{
        {QStringLiteral("summary"),
         QJsonObject{
             {QStringLiteral("total_requests"), summary.requests},
             {QStringLiteral("total_cost"), dollars(summary.costUnits)},
             {QStringLiteral("total_tokens"), summary.inputTokens + summary.outputTokens},
             {QStringLiteral("unique_models"), qint64(models.size())},
             {QStringLiteral("unique_origins"), qint64(origins.size())},
         }},
        {QStringLiteral("by_day"), byDay},
        {QStringLiteral("by_model"), groupJson(byModel, true)},
        {QStringLiteral("by_origin"), groupJson(byOrigin, false)},
        {QStringLiteral("by_alias"), groupJson(byAlias, true)},
    };
}

// Compact JSON text after a round trip through the parser, so expected and actual
// values are compared in the same form (whole numbers as integers, doubles exactly).
QString canonicalJson(const QJsonValue &value)
{
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(QJsonDocument::fromJson(text).toJson(QJsonDocument::Compact));
}

QString statsPath(const QString &start, const QString &end, const QString &groupBy)
{
    QStringList parameters;
    if (!start.isEmpty())
        parameters.append(QStringLiteral("start_date=") + QString::fromLatin1(QUrl::toPercentEncoding(start)));
    if (!end.isEmpty())
        parameters.append(QStringLiteral("end_date=") + QString::fromLatin1(QUrl::toPercentEncoding(end)));
    if (!groupBy.isEmpty())
        parameters.append(QStringLiteral("group_by=") + QString::fromLatin1(QUrl::toPercentEncoding(groupBy)));
    return QStringLiteral("/api/v1/stats") + (parameters.isEmpty() ? QString() : u'?' + parameters.join(u'&'));
}

QJsonArray validationDetail(const QString &parameter, const QString &message)
{
    return QJsonArray{QJsonObject{
        {QStringLiteral("loc"), QJsonArray{QStringLiteral("query"), parameter}},
        {QStringLiteral("msg"), message},
        {QStringLiteral("type"), QStringLiteral("value_error")},
    }};
}

} // namespace

class tst_UsageStats final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void stats_data();
    void stats();
    void responseShape();
    void defaultRange();
    void startAfterEnd_data();
    void startAfterEnd();
    void invalidGroupBy_data();
    void invalidGroupBy();
    void invalidDate_data();
    void invalidDate();

private:
    // Logs one row through POST /api/v1/log and returns its id, empty on failure.
    QString logRow(const QByteArray &key, const QString &model, const QString &cost,
                   const QJsonObject &extra = {});
    void compareSection(const QJsonObject &actual, const QJsonObject &expected, const QString &section);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_UsageStats::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("usagestats"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());

    for (const FixtureRow &row : fixtureRows()) {
        QJsonObject extra{{QStringLiteral("input_tokens"), row.inputTokens},
                          {QStringLiteral("output_tokens"), row.outputTokens},
                          {QStringLiteral("cached_input_tokens"), row.cachedInputTokens}};
        if (row.origin)
            extra.insert(QStringLiteral("origin"), *row.origin);
        if (row.alias)
            extra.insert(QStringLiteral("alias"), *row.alias);
        const QString id = logRow(row.key, row.model, row.cost, extra);
        QVERIFY2(!id.isEmpty(), qPrintable(row.loggedAt));
        m_database->exec(QStringLiteral("UPDATE {{schema}}.usage_logs SET logged_at = CAST(:t AS timestamptz)"
                                        " WHERE id = CAST(:id AS uuid)"),
                         {{QStringLiteral("t"), row.loggedAt}, {QStringLiteral("id"), id}});
    }
}

void tst_UsageStats::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

QString tst_UsageStats::logRow(const QByteArray &key, const QString &model, const QString &cost,
                               const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("provider"), QStringLiteral("openai"));
    body.insert(QStringLiteral("model"), model);
    if (!body.contains(QStringLiteral("input_tokens")))
        body.insert(QStringLiteral("input_tokens"), 1);
    if (!body.contains(QStringLiteral("output_tokens")))
        body.insert(QStringLiteral("output_tokens"), 1);
    // The cost is sent as written, so the service parses exactly the decimal that the model sums.
    QByteArray text = QJsonDocument(body).toJson(QJsonDocument::Compact);
    text.chop(1);
    text += ",\"cost\":" + cost.toLatin1() + '}';

    const HttpResponse response = m_client->post(QStringLiteral("/api/v1/log"), text, apiKey(key));
    if (response.status != 201) {
        qWarning().noquote() << "POST /api/v1/log answered" << response.status << response.body;
        return {};
    }
    return response.json().toObject().value(QStringLiteral("log_id")).toString();
}

void tst_UsageStats::compareSection(const QJsonObject &actual, const QJsonObject &expected, const QString &section)
{
    const QJsonValue actualValue = actual.value(section);
    const QJsonValue expectedValue = expected.value(section);
    if (expectedValue.isArray()) {
        QVERIFY2(actualValue.isArray(), qPrintable(section));
        const QJsonArray actualRows = actualValue.toArray();
        const QJsonArray expectedRows = expectedValue.toArray();
        QStringList actualDates;
        QStringList expectedDates;
        for (const QJsonValue &row : actualRows)
            actualDates.append(row.toObject().value(QStringLiteral("date")).toString());
        for (const QJsonValue &row : expectedRows)
            expectedDates.append(row.toObject().value(QStringLiteral("date")).toString());
        QCOMPARE(actualDates.join(u' '), expectedDates.join(u' '));
        for (qsizetype i = 0; i < expectedRows.size(); ++i)
            QCOMPARE(canonicalJson(actualRows.at(i)), canonicalJson(expectedRows.at(i)));
        return;
    }
    QVERIFY2(actualValue.isObject(), qPrintable(section));
    const QJsonObject actualObject = actualValue.toObject();
    const QJsonObject expectedObject = expectedValue.toObject();
    QCOMPARE(actualObject.keys(), expectedObject.keys());
    for (const QString &name : expectedObject.keys()) {
        const QString actualText = name + u'=' + canonicalJson(actualObject.value(name));
        const QString expectedText = name + u'=' + canonicalJson(expectedObject.value(name));
        QCOMPARE(actualText, expectedText);
    }
}

void tst_UsageStats::stats_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("startDate");
    QTest::addColumn<QString>("endDate");
    QTest::addColumn<QString>("groupBy");
    // The range the contract implies for the query, both bounds inclusive.
    QTest::addColumn<QString>("rangeStart");
    QTest::addColumn<QString>("rangeEnd");
    QTest::addColumn<QString>("period");

    const QString wholeStart = QStringLiteral("2024-12-01T00:00:00.000000Z");
    const QString wholeEnd = QStringLiteral("2025-04-30T23:59:59.999999Z");
    QTest::newRow("day whole fixture") << KeyA << "2024-12-01" << "2025-04-30" << "day" << wholeStart << wholeEnd
                                       << "day";
    QTest::newRow("week whole fixture") << KeyA << "2024-12-01" << "2025-04-30" << "week" << wholeStart << wholeEnd
                                        << "week";
    QTest::newRow("month whole fixture") << KeyA << "2024-12-01" << "2025-04-30" << "month" << wholeStart
                                         << wholeEnd << "month";
    QTest::newRow("group_by absent is day") << KeyA << "2024-12-01" << "2025-04-30" << "" << wholeStart << wholeEnd
                                            << "day";
    QTest::newRow("date end includes its day") << KeyA << "2025-03-01" << "2025-03-10" << "day"
                                               << "2025-03-01T00:00:00.000000Z" << "2025-03-10T23:59:59.999999Z"
                                               << "day";
    QTest::newRow("date end week") << KeyA << "2025-03-01" << "2025-03-10" << "week"
                                   << "2025-03-01T00:00:00.000000Z" << "2025-03-10T23:59:59.999999Z" << "week";
    QTest::newRow("timestamp end inclusive") << KeyA << "2025-03-10T00:00:00Z" << "2025-03-11T00:00:00Z" << "week"
                                             << "2025-03-10T00:00:00.000000Z" << "2025-03-11T00:00:00.000000Z"
                                             << "week";
    QTest::newRow("timestamp start inclusive") << KeyA << "2025-03-11T00:00:00.000001Z" << "2025-03-31" << "month"
                                               << "2025-03-11T00:00:00.000001Z" << "2025-03-31T23:59:59.999999Z"
                                               << "month";
    QTest::newRow("start equals end") << KeyA << "2025-03-10T23:59:59.999999Z" << "2025-03-10T23:59:59.999999Z"
                                      << "day" << "2025-03-10T23:59:59.999999Z" << "2025-03-10T23:59:59.999999Z"
                                      << "day";
    QTest::newRow("offsets") << KeyA << "2025-03-01T01:00:00+02:00" << "2025-03-09T19:59:59.999999-04:00" << "week"
                             << "2025-02-28T23:00:00.000000Z" << "2025-03-09T23:59:59.999999Z" << "week";
    QTest::newRow("naive timestamps") << KeyA << "2025-01-01T00:00:00" << "2025-01-15T12:00:00" << "month"
                                      << "2025-01-01T00:00:00.000000Z" << "2025-01-15T12:00:00.000000Z" << "month";
    QTest::newRow("range cuts months") << KeyA << "2025-01-15T12:30:00Z" << "2025-03-01T00:00:00Z" << "month"
                                       << "2025-01-15T12:30:00.000000Z" << "2025-03-01T00:00:00.000000Z" << "month";
    QTest::newRow("week across year") << KeyA << "2024-12-29" << "2025-01-05" << "week"
                                      << "2024-12-29T00:00:00.000000Z" << "2025-01-05T23:59:59.999999Z" << "week";
    // No fixture row lies within a day of 2025-02-09, 30 days before the end.
    QTest::newRow("end only covers 30 days") << KeyA << "" << "2025-03-10" << "day" << "2025-02-09T00:00:00.000000Z"
                                             << "2025-03-10T23:59:59.999999Z" << "day";
    QTest::newRow("start only runs to now") << KeyA << "2025-03-11" << "" << "month" << "2025-03-11T00:00:00.000000Z"
                                            << "2099-12-31T23:59:59.999999Z" << "month";
    QTest::newRow("empty range") << KeyA << "2020-01-01" << "2020-12-31" << "day" << "2020-01-01T00:00:00.000000Z"
                                 << "2020-12-31T23:59:59.999999Z" << "day";
    QTest::newRow("key B day") << KeyB << "2024-12-01" << "2025-04-30" << "day" << wholeStart << wholeEnd << "day";
    QTest::newRow("key B month") << KeyB << "2024-12-01" << "2025-04-30" << "month" << wholeStart << wholeEnd
                                 << "month";
    QTest::newRow("unknown key") << QByteArray("stats-key-unknown") << "2024-12-01" << "2025-04-30" << "day"
                                 << wholeStart << wholeEnd << "day";
    QTest::newRow("key differs in case") << QByteArray("STATS-KEY-A") << "2024-12-01" << "2025-04-30" << "day"
                                         << wholeStart << wholeEnd << "day";
}

void tst_UsageStats::stats()
{
    QFETCH(QByteArray, key);
    QFETCH(QString, startDate);
    QFETCH(QString, endDate);
    QFETCH(QString, groupBy);
    QFETCH(QString, rangeStart);
    QFETCH(QString, rangeEnd);
    QFETCH(QString, period);
    const QJsonObject expected = expectedStats(key, epochMicroseconds(rangeStart), epochMicroseconds(rangeEnd), period);

    const HttpResponse response = m_client->get(statsPath(startDate, endDate, groupBy), apiKey(key));

    QCOMPARE(response.status, 200);
    const QJsonObject actual = response.json().toObject();
    for (const QString &section : {QStringLiteral("summary"), QStringLiteral("by_day"), QStringLiteral("by_model"),
                                  QStringLiteral("by_origin"), QStringLiteral("by_alias")}) {
        compareSection(actual, expected, section);
        if (QTest::currentTestFailed())
            return;
    }
}

void tst_UsageStats::responseShape()
{
    const HttpResponse response = m_client->get(statsPath(QStringLiteral("2025-03-01"), QStringLiteral("2025-03-31"),
                                                          QStringLiteral("week")),
                                                apiKey(KeyA));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject body = response.json().toObject();
    QCOMPARE(body.keys(), QStringList({"by_alias", "by_day", "by_model", "by_origin", "summary"}));
    QCOMPARE(body.value(QStringLiteral("summary")).toObject().keys(),
             QStringList({"total_cost", "total_requests", "total_tokens", "unique_models", "unique_origins"}));
    const QJsonArray periods = body.value(QStringLiteral("by_day")).toArray();
    QVERIFY(!periods.isEmpty());
    for (const QJsonValue &row : periods)
        QCOMPARE(row.toObject().keys(), QStringList({"cost", "date", "requests", "tokens", "top_model"}));
    const QJsonObject origins = body.value(QStringLiteral("by_origin")).toObject();
    QVERIFY(!origins.isEmpty());
    for (const QJsonValue &origin : origins)
        QCOMPARE(origin.toObject().keys(), QStringList({"cost", "requests"}));
}

void tst_UsageStats::defaultRange()
{
    // Inside the last 30 days: now and 29 days ago. Outside: 31 days ago and tomorrow.
    // Distinct powers of two as costs show which rows were counted.
    const QList<std::pair<QString, QString>> rows{
        {QStringLiteral("0 days"), QStringLiteral("1")},
        {QStringLiteral("29 days"), QStringLiteral("2")},
        {QStringLiteral("31 days"), QStringLiteral("4")},
        {QStringLiteral("-1 days"), QStringLiteral("8")},
    };
    for (const auto &[age, cost] : rows) {
        const QString id = logRow(KeyRecent, QStringLiteral("gpt-4o"), cost);
        QVERIFY2(!id.isEmpty(), qPrintable(age));
        m_database->exec(QStringLiteral("UPDATE {{schema}}.usage_logs SET logged_at = now() - CAST(:age AS interval)"
                                        " WHERE id = CAST(:id AS uuid)"),
                         {{QStringLiteral("age"), age}, {QStringLiteral("id"), id}});
    }

    const HttpResponse response = m_client->get(QStringLiteral("/api/v1/stats"), apiKey(KeyRecent));

    QCOMPARE(response.status, 200);
    const QJsonObject summary = response.json().toObject().value(QStringLiteral("summary")).toObject();
    QCOMPARE(summary.value(QStringLiteral("total_requests")).toInteger(), qint64(2));
    QCOMPARE(summary.value(QStringLiteral("total_cost")).toDouble(), 3.0);
    QCOMPARE(summary.value(QStringLiteral("total_tokens")).toInteger(), qint64(4));
    QCOMPARE(response.json().toObject().value(QStringLiteral("by_day")).toArray().size(), qsizetype(2));
}

void tst_UsageStats::startAfterEnd_data()
{
    QTest::addColumn<QString>("startDate");
    QTest::addColumn<QString>("endDate");

    QTest::newRow("dates") << "2025-03-11" << "2025-03-10";
    QTest::newRow("timestamps one microsecond apart") << "2025-03-10T12:00:00.000001Z" << "2025-03-10T12:00:00Z";
    QTest::newRow("start in future without end") << "2999-01-01" << "";
}

void tst_UsageStats::startAfterEnd()
{
    QFETCH(QString, startDate);
    QFETCH(QString, endDate);

    const HttpResponse response = m_client->get(statsPath(startDate, endDate, QString()), apiKey(KeyA));

    // Without end_date, the message names the end the start was compared with.
    const QString message = endDate.isEmpty() ? QStringLiteral("must be before end_date, which defaults to now")
                                              : QStringLiteral("must be before end_date");
    QCOMPARE(response.status, 422);
    QCOMPARE(canonicalJson(response.json().toObject().value(QStringLiteral("detail"))),
             canonicalJson(validationDetail(QStringLiteral("start_date"), message)));
}

void tst_UsageStats::invalidGroupBy_data()
{
    QTest::addColumn<QString>("groupBy");

    QTest::newRow("year") << "year";
    QTest::newRow("uppercase") << "DAY";
    QTest::newRow("plural") << "days";
    QTest::newRow("hour") << "hour";
}

void tst_UsageStats::invalidGroupBy()
{
    QFETCH(QString, groupBy);

    const HttpResponse response =
        m_client->get(statsPath(QStringLiteral("2025-03-01"), QStringLiteral("2025-03-10"), groupBy), apiKey(KeyA));

    QCOMPARE(response.status, 422);
    QCOMPARE(canonicalJson(response.json().toObject().value(QStringLiteral("detail"))),
             canonicalJson(validationDetail(QStringLiteral("group_by"),
                                            QStringLiteral("must be one of: day, week, month"))));
}

void tst_UsageStats::invalidDate_data()
{
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("value");

    QTest::newRow("start February 30") << "start_date" << "2025-02-30";
    QTest::newRow("start word") << "start_date" << "yesterday";
    QTest::newRow("start hour 24") << "start_date" << "2025-03-10T24:00:00Z";
    QTest::newRow("start one-digit month") << "start_date" << "2025-3-10";
    QTest::newRow("start epoch seconds") << "start_date" << "1741564800";
    QTest::newRow("end month 13") << "end_date" << "2025-13-01";
    QTest::newRow("end offset +24:00") << "end_date" << "2025-03-10T12:00:00+24:00";
    QTest::newRow("end trailing garbage") << "end_date" << "2025-03-10Tnoon";
    QTest::newRow("end empty") << "end_date" << "";
}

void tst_UsageStats::invalidDate()
{
    QFETCH(QString, parameter);
    QFETCH(QString, value);
    const QString path =
        QStringLiteral("/api/v1/stats?%1=%2").arg(parameter, QString::fromLatin1(QUrl::toPercentEncoding(value)));

    const HttpResponse response = m_client->get(path, apiKey(KeyA));

    QCOMPARE(response.status, 422);
    QCOMPARE(canonicalJson(response.json().toObject().value(QStringLiteral("detail"))),
             canonicalJson(validationDetail(parameter,
                                            QStringLiteral("must be an RFC 3339 timestamp or a YYYY-MM-DD date"))));
}

QTEST_GUILESS_MAIN(tst_UsageStats)
#include "tst_usagestats.moc"
