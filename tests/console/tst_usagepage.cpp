// SPDX-License-Identifier: MIT
// The Usage page against the real service and PostgreSQL: usage rows logged through
// POST /api/v1/log and moved to chosen days, then the page's labels, models and charts
// compared with totals this suite computes from its own rows.

#include "api/apiclient.h"
#include "cannedhttpserver.h"
#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"
#include "usage/costbarchartview.h"
#include "usage/costbreakdownmodel.h"
#include "common/costformat.h"
#include "usage/costpiechartview.h"
#include "usage/periodchartview.h"
#include "usage/usagepage.h"
#include "usage/usageperiodmodel.h"

#include <QAbstractItemModelTester>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHorizontalBarSeries>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QMap>
#include <QPen>
#include <QPieSeries>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

namespace {

constexpr int LoadTimeoutMs = 15000;
const QByteArray ProjectKey = QByteArrayLiteral("usagepage-key");
const QByteArray ManyModelsKey = QByteArrayLiteral("usagepage-many-models");

// Money is stored as NUMERIC(20,10), so the suite sums costs in units of 1e-10 dollars.
constexpr qint64 UnitsPerDollar = 10'000'000'000;

struct UsageRow
{
    QString model;
    std::optional<QString> origin;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    QString cost;     // the JSON number text sent to the service
    QDateTime loggedAt; // UTC
};

qint64 moneyUnits(const QString &decimal)
{
    const qsizetype point = decimal.indexOf(u'.');
    const QString fraction = (point < 0 ? QString() : decimal.mid(point + 1)).leftJustified(10, u'0');
    return (point < 0 ? decimal : decimal.left(point)).toLongLong() * UnitsPerDollar + fraction.toLongLong();
}

// The double nearest to the exact sum, as the service's NUMERIC text converts.
double dollars(qint64 units)
{
    return QStringLiteral("%1.%2").arg(units / UnitsPerDollar).arg(units % UnitsPerDollar, 10, 10, QLatin1Char('0')).toDouble();
}

QDate firstDayOfPeriod(const QDate &date, UsageGrouping grouping)
{
    switch (grouping) {
    case UsageGrouping::Day:
        return date;
    case UsageGrouping::Week:
        return date.addDays(1 - date.dayOfWeek());
    case UsageGrouping::Month:
        return QDate(date.year(), date.month(), 1);
    }
    return date;
}

struct Totals
{
    qint64 requests = 0;
    qint64 costUnits = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    QMap<QString, qint64> requestsPerModel;

    void add(const UsageRow &row)
    {
        ++requests;
        costUnits += moneyUnits(row.cost);
        inputTokens += row.inputTokens;
        outputTokens += row.outputTokens;
        ++requestsPerModel[row.model];
    }

    // The model with the maximum number of requests, the smaller name on a tie.
    QString topModel() const
    {
        QString top;
        qint64 maxRequests = 0;
        for (auto it = requestsPerModel.constBegin(); it != requestsPerModel.constEnd(); ++it) {
            if (it.value() > maxRequests) {
                top = it.key();
                maxRequests = it.value();
            }
        }
        return top;
    }
};

// What the page should show for `rows` between the UTC days `from` and `to`.
struct Expected
{
    Totals summary;
    QSet<QString> models;
    QSet<QString> origins;
    QMap<QDate, Totals> periods;
    QMap<QString, Totals> byModel;
    QMap<QString, Totals> byOrigin;
};

Expected expectedUsage(const QList<UsageRow> &rows, const QDate &from, const QDate &to, UsageGrouping grouping)
{
    Expected expected;
    for (const UsageRow &row : rows) {
        const QDate day = row.loggedAt.date();
        if (day < from || day > to)
            continue;
        expected.summary.add(row);
        expected.models.insert(row.model);
        expected.periods[firstDayOfPeriod(day, grouping)].add(row);
        expected.byModel[row.model].add(row);
        if (row.origin) {
            expected.origins.insert(*row.origin);
            expected.byOrigin[*row.origin].add(row);
        }
    }
    return expected;
}

// The first day of every period that contains a day from `from` to `to`.
QList<QDate> periodStarts(const QDate &from, const QDate &to, UsageGrouping grouping)
{
    QList<QDate> starts;
    for (QDate day = from; day <= to; day = day.addDays(1)) {
        const QDate start = firstDayOfPeriod(day, grouping);
        if (starts.isEmpty() || starts.constLast() != start)
            starts.append(start);
    }
    return starts;
}

// The chart's x value of the day `date`, as the model mapper computes it.
qreal chartTime(const QDate &date)
{
    return static_cast<qreal>(date.startOfDay().toMSecsSinceEpoch());
}

const char *const SummaryLabels[] = {"requestsValue", "costValue", "tokensValue", "modelsValue", "originsValue"};

QString labelText(const UsagePage &page, const char *name)
{
    const auto *label = page.findChild<QLabel *>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("(no label %1)").arg(QString::fromLatin1(name));
}

} // namespace

class tst_UsagePage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void costFormat_data();
    void costFormat();
    void totalsPerGrouping_data();
    void totalsPerGrouping();
    void summaryLabels_data();
    void summaryLabels();
    void rangeWithoutUsage();
    void emptyDaysFilled();
    void emptyPeriodsOfFixedRange_data();
    void emptyPeriodsOfFixedRange();
    void chartsFollowModels();
    void chartLineStyles();
    void otherModelsSummed();
    void refreshCancelsEarlierLoad();
    void cancelKeepsNoError();
    void autoRefreshLoads();
    void startAfterEnd();
    void stoppedService();
    void failedReloadClearsFigures_data();
    void failedReloadClearsFigures();
    void stateRoundTrip();

private:
    void logRows(const QByteArray &key, const QList<UsageRow> &rows);
    void setRange(const QDate &from, const QDate &to, UsageGrouping grouping);
    void load();
    void verifyCleared();

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_http;
    api::ApiClient m_client;
    std::unique_ptr<UsagePage> m_page;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_modelTesters;
    QDate m_today;
    QList<UsageRow> m_rows;
};

void tst_UsagePage::initTestCase()
{
    // Labels use the default locale, and the C locale writes numbers without grouping.
    QLocale::setDefault(QLocale::c());

    m_database = std::make_unique<TestDatabase>(QStringLiteral("usagepage"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_http = std::make_unique<HttpClient>(m_service.baseUrl());

    m_today = QDateTime::currentDateTimeUtc().date();
    const auto at = [this](int daysAgo, int hour, int minute, int second, int millisecond) {
        return QDateTime(m_today.addDays(-daysAgo), QTime(hour, minute, second, millisecond), Qt::UTC);
    };
    m_rows = {
        {"gpt-4o", "billing", 1000, 200, "0.004", at(2, 10, 0, 0, 0)},
        {"gpt-4o", "search", 500, 100, "0.00225", at(1, 9, 30, 0, 0)},
        {"gpt-4o-mini", "search", 2000, 1000, "1.25", at(1, 12, 0, 0, 0)},
        // The first and the last instant of today, both inside a range ending today.
        {"claude-3-haiku", "billing", 300, 50, "0.0005", at(0, 0, 0, 0, 0)},
        {"gemini-1.5-pro", {}, 10, 5, "0", at(0, 23, 59, 59, 999)},
        // Just outside a range from six days ago to today.
        {"gpt-4o", "edge", 7, 7, "100", at(7, 23, 59, 59, 999)},
        {"gpt-4o", "edge", 7, 7, "200", at(-1, 0, 0, 0, 0)},
        // A month back, in a range of its own.
        {"mistral-large", "archive", 40, 60, "0.00000001", at(35, 12, 0, 0, 0)},
    };
    logRows(ProjectKey, m_rows);

    QList<UsageRow> manyModels;
    for (int i = 1; i <= 13; ++i) {
        manyModels.append({QStringLiteral("model-%1").arg(i, 2, 10, QLatin1Char('0')), {}, i, i,
                           QStringLiteral("0.%1").arg(i, 2, 10, QLatin1Char('0')), at(0, 12, 0, 0, 0)});
    }
    logRows(ManyModelsKey, manyModels);

    m_client.setServer(m_service.baseUrl());
    m_client.setApiKey(QString::fromLatin1(ProjectKey));
    m_page = std::make_unique<UsagePage>(m_client);
    m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(m_page->periodModel()));
    m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(m_page->modelCostModel()));
    m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(m_page->originCostModel()));
    m_page->resize(1280, 800);
    m_page->show();
}

void tst_UsagePage::cleanupTestCase()
{
    m_modelTesters.clear();
    m_page.reset();
    m_http.reset();
    m_service.stop();
    m_database.reset();
}

// Logs each row with the project's key, then moves it to its day, because the API logs
// every row at the current time.
void tst_UsagePage::logRows(const QByteArray &key, const QList<UsageRow> &rows)
{
    for (const UsageRow &row : rows) {
        QJsonObject body{{QStringLiteral("provider"), QStringLiteral("openai")},
                         {QStringLiteral("model"), row.model},
                         {QStringLiteral("input_tokens"), row.inputTokens},
                         {QStringLiteral("output_tokens"), row.outputTokens}};
        if (row.origin)
            body.insert(QStringLiteral("origin"), *row.origin);
        // The cost goes out as written, so the service stores exactly that decimal.
        QByteArray text = QJsonDocument(body).toJson(QJsonDocument::Compact);
        text.chop(1);
        text += ",\"cost\":" + row.cost.toLatin1() + '}';

        const HttpResponse response = m_http->post(QStringLiteral("/api/v1/log"), text, apiKey(key));
        QVERIFY2(response.status == 201, response.body.constData());
        const QString id = response.json().toObject().value(QStringLiteral("log_id")).toString();
        m_database->exec(QStringLiteral("UPDATE {{schema}}.usage_logs SET logged_at = CAST(:t AS timestamptz)"
                                        " WHERE id = CAST(:id AS uuid)"),
                         {{QStringLiteral("t"), row.loggedAt.toString(Qt::ISODateWithMs)}, {QStringLiteral("id"), id}});
    }
}

void tst_UsagePage::setRange(const QDate &from, const QDate &to, UsageGrouping grouping)
{
    m_page->findChild<QDateEdit *>(QStringLiteral("fromEdit"))->setDate(from);
    m_page->findChild<QDateEdit *>(QStringLiteral("toEdit"))->setDate(to);
    m_page->findChild<QComboBox *>(QStringLiteral("groupingBox"))->setCurrentIndex(static_cast<int>(grouping));
}

// Refreshes and waits for the load, which must end without an error.
void tst_UsagePage::load()
{
    QSignalSpy loaded(m_page.get(), &ConsolePage::loaded);
    m_page->refresh();
    QVERIFY(m_page->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, LoadTimeoutMs);
    QCOMPARE(m_page->lastError(), QString());
    QVERIFY(!m_page->isBusy());
}

// Checks that the page shows no figures: dashes in the labels, and empty models and charts.
void tst_UsagePage::verifyCleared()
{
    for (const char *label : SummaryLabels)
        QCOMPARE(labelText(*m_page, label), QStringLiteral("–"));
    QCOMPARE(m_page->periodModel()->rowCount(), 0);
    QCOMPARE(m_page->modelCostModel()->rowCount(), 0);
    QCOMPARE(m_page->originCostModel()->rowCount(), 0);
    QCOMPARE(m_page->periodChart()->costSeries()->count(), 0);
    QCOMPARE(m_page->periodChart()->requestsSeries()->count(), 0);
    const QList<QBarSet *> barSets = m_page->modelChart()->series()->barSets();
    QVERIFY(barSets.isEmpty() || barSets.at(0)->count() == 0);
    QCOMPARE(m_page->originChart()->series()->count(), 0);
}

void tst_UsagePage::costFormat_data()
{
    QTest::addColumn<double>("amount");
    QTest::addColumn<QString>("text");

    QTest::newRow("zero") << 0.0 << "$0.00";
    QTest::newRow("below a cent") << 0.00625 << "$0.00625";
    QTest::newRow("trailing zeros dropped") << 0.004 << "$0.004";
    QTest::newRow("tiny") << 0.00000001 << "$0.00000001";
    QTest::newRow("below a dollar") << 0.5 << "$0.50";
    QTest::newRow("three digits below a dollar") << 0.31255 << "$0.313";
    QTest::newRow("dollars round to cents") << 1.25675 << "$1.26";
    QTest::newRow("large") << 12345.678 << "$12345.68";
    QTest::newRow("negative") << -0.25 << "-$0.25";
}

void tst_UsagePage::costFormat()
{
    QFETCH(double, amount);
    QFETCH(QString, text);

    QCOMPARE(formatDollars(amount, QLocale::c()), text);
}

void tst_UsagePage::totalsPerGrouping_data()
{
    QTest::addColumn<int>("fromDaysAgo");
    QTest::addColumn<int>("toDaysAgo");
    QTest::addColumn<UsageGrouping>("grouping");

    QTest::newRow("seven days by day") << 6 << 0 << UsageGrouping::Day;
    QTest::newRow("seven days by week") << 6 << 0 << UsageGrouping::Week;
    QTest::newRow("seven days by month") << 6 << 0 << UsageGrouping::Month;
    QTest::newRow("fifty days by day") << 50 << 0 << UsageGrouping::Day;
    QTest::newRow("fifty days by week") << 50 << 0 << UsageGrouping::Week;
    QTest::newRow("fifty days by month") << 50 << 0 << UsageGrouping::Month;
    QTest::newRow("yesterday only") << 1 << 1 << UsageGrouping::Day;
}

// Every figure of the three models against the suite's own sums.
void tst_UsagePage::totalsPerGrouping()
{
    QFETCH(int, fromDaysAgo);
    QFETCH(int, toDaysAgo);
    QFETCH(UsageGrouping, grouping);
    const QDate from = m_today.addDays(-fromDaysAgo);
    const QDate to = m_today.addDays(-toDaysAgo);
    const Expected expected = expectedUsage(m_rows, from, to, grouping);

    setRange(from, to, grouping);
    load();

    // Every period of the range has a row, with zeros where nothing was logged.
    const UsagePeriodModel &periods = *m_page->periodModel();
    const QList<QDate> starts = periodStarts(from, to, grouping);
    for (const QDate &start : expected.periods.keys())
        QVERIFY2(starts.contains(start), qPrintable(start.toString(Qt::ISODate)));
    QCOMPARE(periods.grouping(), grouping);
    QCOMPARE(periods.rowCount(), starts.size());
    int row = 0;
    for (; row < periods.rowCount(); ++row) {
        const QDate start = starts.at(row);
        const Totals totals = expected.periods.value(start);
        QCOMPARE(periods.index(row, UsagePeriodModel::Period).data().toDate(), start);
        QCOMPARE(periods.index(row, UsagePeriodModel::Requests).data().toLongLong(), totals.requests);
        QCOMPARE(periods.index(row, UsagePeriodModel::Cost).data().toDouble(), dollars(totals.costUnits));
        QCOMPARE(periods.index(row, UsagePeriodModel::Tokens).data().toLongLong(),
                 totals.inputTokens + totals.outputTokens);
        QCOMPARE(periods.index(row, UsagePeriodModel::TopModel).data().toString(), totals.topModel());
    }

    const CostBreakdownModel &models = *m_page->modelCostModel();
    QCOMPARE(models.rowCount(), expected.byModel.size());
    for (row = 0; row < models.rowCount(); ++row) {
        const QString name = models.index(row, CostBreakdownModel::Name).data().toString();
        QVERIFY2(expected.byModel.contains(name), qPrintable(name));
        const Totals &totals = expected.byModel[name];
        QCOMPARE(models.index(row, CostBreakdownModel::Requests).data().toLongLong(), totals.requests);
        QCOMPARE(models.index(row, CostBreakdownModel::Cost).data().toDouble(), dollars(totals.costUnits));
        QCOMPARE(models.index(row, CostBreakdownModel::InputTokens).data().toLongLong(), totals.inputTokens);
        QCOMPARE(models.index(row, CostBreakdownModel::OutputTokens).data().toLongLong(), totals.outputTokens);
        if (row > 0) {
            QVERIFY(models.index(row - 1, CostBreakdownModel::Cost).data().toDouble()
                    >= models.index(row, CostBreakdownModel::Cost).data().toDouble());
        }
    }

    const CostBreakdownModel &origins = *m_page->originCostModel();
    QCOMPARE(origins.columnCount(), int(CostBreakdownModel::Requests) + 1);
    QCOMPARE(origins.rowCount(), expected.byOrigin.size());
    for (row = 0; row < origins.rowCount(); ++row) {
        const QString name = origins.index(row, CostBreakdownModel::Name).data().toString();
        QVERIFY2(expected.byOrigin.contains(name), qPrintable(name));
        QCOMPARE(origins.index(row, CostBreakdownModel::Requests).data().toLongLong(), expected.byOrigin[name].requests);
        QCOMPARE(origins.index(row, CostBreakdownModel::Cost).data().toDouble(),
                 dollars(expected.byOrigin[name].costUnits));
    }

    QCOMPARE(labelText(*m_page, "requestsValue"), QString::number(expected.summary.requests));
    QCOMPARE(labelText(*m_page, "costValue"), formatDollars(dollars(expected.summary.costUnits)));
    QCOMPARE(labelText(*m_page, "tokensValue"),
             QString::number(expected.summary.inputTokens + expected.summary.outputTokens));
    QCOMPARE(labelText(*m_page, "modelsValue"), QString::number(expected.models.size()));
    QCOMPARE(labelText(*m_page, "originsValue"), QString::number(expected.origins.size()));
}

void tst_UsagePage::summaryLabels_data()
{
    QTest::addColumn<int>("fromDaysAgo");
    QTest::addColumn<int>("toDaysAgo");
    QTest::addColumn<QString>("requests");
    QTest::addColumn<QString>("cost");
    QTest::addColumn<QString>("tokens");
    QTest::addColumn<QString>("models");
    QTest::addColumn<QString>("origins");

    // 0.004 + 0.00225 + 1.25 + 0.0005 + 0, and 1200 + 600 + 3000 + 350 + 15 tokens.
    QTest::newRow("last seven days") << 6 << 0 << "5" << "$1.26" << "5165" << "4" << "2";
    QTest::newRow("two days ago") << 2 << 2 << "1" << "$0.004" << "1200" << "1" << "1";
    QTest::newRow("today") << 0 << 0 << "2" << "$0.0005" << "365" << "2" << "1";
    QTest::newRow("a month back") << 40 << 30 << "1" << "$0.00000001" << "100" << "1" << "1";
}

// The labels as literal text, so the formatting itself is checked as well.
void tst_UsagePage::summaryLabels()
{
    QFETCH(int, fromDaysAgo);
    QFETCH(int, toDaysAgo);
    QFETCH(QString, requests);
    QFETCH(QString, cost);
    QFETCH(QString, tokens);
    QFETCH(QString, models);
    QFETCH(QString, origins);

    setRange(m_today.addDays(-fromDaysAgo), m_today.addDays(-toDaysAgo), UsageGrouping::Day);
    load();

    QCOMPARE(labelText(*m_page, "requestsValue"), requests);
    QCOMPARE(labelText(*m_page, "costValue"), cost);
    QCOMPARE(labelText(*m_page, "tokensValue"), tokens);
    QCOMPARE(labelText(*m_page, "modelsValue"), models);
    QCOMPARE(labelText(*m_page, "originsValue"), origins);
}

// A range without usage still has a row of zeros for each of its weeks.
void tst_UsagePage::rangeWithoutUsage()
{
    const QDate from = m_today.addDays(-29);
    const QDate to = m_today.addDays(-8);
    setRange(from, to, UsageGrouping::Week);
    load();

    QCOMPARE(labelText(*m_page, "requestsValue"), QStringLiteral("0"));
    QCOMPARE(labelText(*m_page, "costValue"), QStringLiteral("$0.00"));
    QCOMPARE(labelText(*m_page, "tokensValue"), QStringLiteral("0"));
    QCOMPARE(labelText(*m_page, "modelsValue"), QStringLiteral("0"));
    QCOMPARE(labelText(*m_page, "originsValue"), QStringLiteral("0"));
    QCOMPARE(m_page->modelCostModel()->rowCount(), 0);
    QCOMPARE(m_page->originCostModel()->rowCount(), 0);

    const UsagePeriodModel &periods = *m_page->periodModel();
    const QDate firstMonday = firstDayOfPeriod(from, UsageGrouping::Week);
    const int weeks = static_cast<int>(firstMonday.daysTo(firstDayOfPeriod(to, UsageGrouping::Week)) / 7) + 1;
    QCOMPARE(periods.rowCount(), weeks);
    for (int row = 0; row < periods.rowCount(); ++row) {
        QCOMPARE(periods.index(row, UsagePeriodModel::Period).data().toDate().dayOfWeek(), int(Qt::Monday));
        QCOMPARE(periods.index(row, UsagePeriodModel::Requests).data().toLongLong(), 0);
        QCOMPARE(periods.index(row, UsagePeriodModel::Cost).data().toDouble(), 0.0);
        QCOMPARE(periods.index(row, UsagePeriodModel::Tokens).data().toLongLong(), 0);
        QCOMPARE(periods.index(row, UsagePeriodModel::TopModel).data().toString(), QString());
    }
    QCOMPARE(m_page->periodChart()->costSeries()->count(), weeks);
    QCOMPARE(m_page->periodChart()->requestsSeries()->count(), weeks);
}

// Seven days, three of them with usage: the four idle days are zero rows and zero
// points, and the time axis spans all seven days.
void tst_UsagePage::emptyDaysFilled()
{
    const QDate from = m_today.addDays(-6);
    setRange(from, m_today, UsageGrouping::Day);
    load();

    const UsagePeriodModel &periods = *m_page->periodModel();
    QCOMPARE(periods.rowCount(), 7);
    for (int row = 0; row < 7; ++row)
        QCOMPARE(periods.index(row, UsagePeriodModel::Period).data().toDate(), from.addDays(row));
    for (int row = 0; row < 4; ++row) {
        QCOMPARE(periods.index(row, UsagePeriodModel::Requests).data().toLongLong(), 0);
        QCOMPARE(periods.index(row, UsagePeriodModel::Cost).data().toDouble(), 0.0);
        QCOMPARE(periods.index(row, UsagePeriodModel::Tokens).data().toLongLong(), 0);
        QCOMPARE(periods.index(row, UsagePeriodModel::TopModel).data().toString(), QString());
    }

    // Two days ago: 0.004 from 1000 + 200 tokens.
    QCOMPARE(periods.index(4, UsagePeriodModel::Requests).data().toLongLong(), 1);
    QCOMPARE(periods.index(4, UsagePeriodModel::Cost).data().toDouble(), 0.004);
    QCOMPARE(periods.index(4, UsagePeriodModel::Tokens).data().toLongLong(), 1200);
    QCOMPARE(periods.index(4, UsagePeriodModel::TopModel).data().toString(), QStringLiteral("gpt-4o"));
    // Yesterday: 0.00225 + 1.25 from 600 + 3000 tokens, one request per model.
    QCOMPARE(periods.index(5, UsagePeriodModel::Requests).data().toLongLong(), 2);
    QCOMPARE(periods.index(5, UsagePeriodModel::Cost).data().toDouble(), 1.25225);
    QCOMPARE(periods.index(5, UsagePeriodModel::Tokens).data().toLongLong(), 3600);
    QCOMPARE(periods.index(5, UsagePeriodModel::TopModel).data().toString(), QStringLiteral("gpt-4o"));
    // Today: 0.0005 + 0 from 350 + 15 tokens.
    QCOMPARE(periods.index(6, UsagePeriodModel::Requests).data().toLongLong(), 2);
    QCOMPARE(periods.index(6, UsagePeriodModel::Cost).data().toDouble(), 0.0005);
    QCOMPARE(periods.index(6, UsagePeriodModel::Tokens).data().toLongLong(), 365);
    QCOMPARE(periods.index(6, UsagePeriodModel::TopModel).data().toString(), QStringLiteral("claude-3-haiku"));

    const PeriodChartView &chart = *m_page->periodChart();
    QCOMPARE(chart.costSeries()->count(), 7);
    QCOMPARE(chart.requestsSeries()->count(), 7);
    for (int row = 0; row < 4; ++row) {
        QCOMPARE(chart.costSeries()->at(row).x(), chartTime(from.addDays(row)));
        QCOMPARE(chart.costSeries()->at(row).y(), 0.0);
        QCOMPARE(chart.requestsSeries()->at(row).y(), 0.0);
    }
    QCOMPARE(chart.requestsSeries()->at(5).y(), 2.0);

    // Half a day of margin before the first day and after the last.
    constexpr qreal HalfDay = 12 * 60 * 60 * 1000;
    QCOMPARE(chart.timeAxis()->min(), chartTime(from) - HalfDay);
    QCOMPARE(chart.timeAxis()->max(), chartTime(m_today) + HalfDay);
}

void tst_UsagePage::emptyPeriodsOfFixedRange_data()
{
    QTest::addColumn<QDate>("from");
    QTest::addColumn<QDate>("to");
    QTest::addColumn<UsageGrouping>("grouping");
    QTest::addColumn<int>("count");
    QTest::addColumn<QDate>("first");
    QTest::addColumn<QDate>("last");

    QTest::newRow("days of a leap February") << QDate(2024, 2, 1) << QDate(2024, 2, 29) << UsageGrouping::Day << 29
                                             << QDate(2024, 2, 1) << QDate(2024, 2, 29);
    QTest::newRow("single day") << QDate(2024, 2, 29) << QDate(2024, 2, 29) << UsageGrouping::Day << 1
                                << QDate(2024, 2, 29) << QDate(2024, 2, 29);
    // 2024-01-03 is a Wednesday, so its week starts on Monday 2024-01-01.
    QTest::newRow("weeks from a Wednesday") << QDate(2024, 1, 3) << QDate(2024, 1, 14) << UsageGrouping::Week << 2
                                            << QDate(2024, 1, 1) << QDate(2024, 1, 8);
    QTest::newRow("weeks across New Year") << QDate(2024, 12, 25) << QDate(2025, 1, 6) << UsageGrouping::Week << 3
                                           << QDate(2024, 12, 23) << QDate(2025, 1, 6);
    QTest::newRow("months from mid January") << QDate(2024, 1, 15) << QDate(2024, 3, 1) << UsageGrouping::Month << 3
                                             << QDate(2024, 1, 1) << QDate(2024, 3, 1);
}

// A past range without usage: one zero row per period, consecutive, and a time axis
// that reaches at least half a day beyond the starts of `from` and `to`.
void tst_UsagePage::emptyPeriodsOfFixedRange()
{
    QFETCH(QDate, from);
    QFETCH(QDate, to);
    QFETCH(UsageGrouping, grouping);
    QFETCH(int, count);
    QFETCH(QDate, first);
    QFETCH(QDate, last);

    setRange(from, to, grouping);
    load();

    const UsagePeriodModel &periods = *m_page->periodModel();
    QCOMPARE(periods.rowCount(), count);
    QCOMPARE(periods.index(0, UsagePeriodModel::Period).data().toDate(), first);
    QCOMPARE(periods.index(count - 1, UsagePeriodModel::Period).data().toDate(), last);
    const QList<QDate> starts = periodStarts(from, to, grouping);
    QCOMPARE(starts.size(), count);
    for (int row = 0; row < count; ++row) {
        QCOMPARE(periods.index(row, UsagePeriodModel::Period).data().toDate(), starts.at(row));
        QCOMPARE(periods.index(row, UsagePeriodModel::Requests).data().toLongLong(), 0);
        QCOMPARE(periods.index(row, UsagePeriodModel::Cost).data().toDouble(), 0.0);
    }

    const PeriodChartView &chart = *m_page->periodChart();
    QCOMPARE(chart.costSeries()->count(), count);
    QCOMPARE(chart.costSeries()->at(0).x(), chartTime(first));
    QCOMPARE(chart.costSeries()->at(count - 1).x(), chartTime(last));
    // At least half a day of margin before `from` and after the start of `to`, as on a
    // chart by day, also where a week or a month starts days before `to`.
    constexpr qreal HalfDay = 12 * 60 * 60 * 1000;
    QVERIFY(chart.timeAxis()->min() < chartTime(first));
    QVERIFY(chart.timeAxis()->min() <= chartTime(from) - HalfDay);
    QVERIFY(chart.timeAxis()->max() > chartTime(last));
    QVERIFY(chart.timeAxis()->max() >= chartTime(to) + HalfDay);
}

// The series hold exactly the models' values after a reload, through the mappers.
void tst_UsagePage::chartsFollowModels()
{
    setRange(m_today.addDays(-6), m_today, UsageGrouping::Day);
    load();

    const UsagePeriodModel &periods = *m_page->periodModel();
    const QLineSeries *cost = m_page->periodChart()->costSeries();
    const QLineSeries *requests = m_page->periodChart()->requestsSeries();
    QCOMPARE(cost->count(), periods.rowCount());
    QCOMPARE(requests->count(), periods.rowCount());
    for (int row = 0; row < periods.rowCount(); ++row) {
        const qreal x = periods.index(row, UsagePeriodModel::Period).data().toDate().startOfDay().toMSecsSinceEpoch();
        QCOMPARE(cost->at(row).x(), x);
        QCOMPARE(cost->at(row).y(), periods.index(row, UsagePeriodModel::Cost).data().toDouble());
        QCOMPARE(requests->at(row).y(), periods.index(row, UsagePeriodModel::Requests).data().toDouble());
    }

    // Horizontal bars go bottom up, so the last row comes first and the costliest is on top.
    const CostBreakdownModel &models = *m_page->modelCostModel();
    const QList<QBarSet *> barSets = m_page->modelChart()->series()->barSets();
    QCOMPARE(barSets.size(), 1);
    QCOMPARE(barSets.at(0)->count(), models.rowCount());
    QStringList names;
    for (int bar = 0; bar < models.rowCount(); ++bar) {
        const int row = models.rowCount() - 1 - bar;
        names.append(models.index(row, CostBreakdownModel::Name).data().toString());
        QCOMPARE(barSets.at(0)->at(bar), models.index(row, CostBreakdownModel::Cost).data().toDouble());
    }
    QCOMPARE(m_page->modelChart()->categoryAxis()->categories(), names);

    const CostBreakdownModel &origins = *m_page->originCostModel();
    const QList<QPieSlice *> slices = m_page->originChart()->series()->slices();
    QCOMPARE(slices.size(), origins.rowCount());
    for (int row = 0; row < origins.rowCount(); ++row) {
        QCOMPARE(slices.at(row)->label(), origins.index(row, CostBreakdownModel::Name).data().toString());
        QCOMPARE(slices.at(row)->value(), origins.index(row, CostBreakdownModel::Cost).data().toDouble());
    }
}

// Both lines are solid, in different colors, and requests are no thicker than cost.
void tst_UsagePage::chartLineStyles()
{
    const QPen cost = m_page->periodChart()->costSeries()->pen();
    const QPen requests = m_page->periodChart()->requestsSeries()->pen();

    QCOMPARE(cost.style(), Qt::SolidLine);
    QCOMPARE(requests.style(), Qt::SolidLine);
    QVERIFY(requests.color() != cost.color());
    QVERIFY(requests.color() != QColor(Qt::black));
    QVERIFY(requests.widthF() >= 2);
    QVERIFY(requests.widthF() <= cost.widthF());
}

// Thirteen models: the ten costliest by name and one row with the other three.
void tst_UsagePage::otherModelsSummed()
{
    m_client.setApiKey(QString::fromLatin1(ManyModelsKey));
    const auto restoreKey = qScopeGuard([this] { m_client.setApiKey(QString::fromLatin1(ProjectKey)); });
    setRange(m_today, m_today, UsageGrouping::Day);
    load();

    const CostBreakdownModel &models = *m_page->modelCostModel();
    QCOMPARE(models.rowCount(), CostBreakdownModel::NamedRowLimit + 1);
    for (int row = 0; row < CostBreakdownModel::NamedRowLimit; ++row) {
        const int number = 13 - row;
        QCOMPARE(models.index(row, CostBreakdownModel::Name).data().toString(),
                 QStringLiteral("model-%1").arg(number, 2, 10, QLatin1Char('0')));
        QCOMPARE(models.index(row, CostBreakdownModel::Cost).data().toDouble(),
                 dollars(moneyUnits(QStringLiteral("0.%1").arg(number, 2, 10, QLatin1Char('0')))));
        QVERIFY(!models.isOtherRow(row));
    }
    const int other = CostBreakdownModel::NamedRowLimit;
    QVERIFY(models.isOtherRow(other));
    QCOMPARE(models.index(other, CostBreakdownModel::Name).data().toString(), QStringLiteral("3 other models"));
    QCOMPARE(models.index(other, CostBreakdownModel::Requests).data().toLongLong(), 3);
    QCOMPARE(models.index(other, CostBreakdownModel::Cost).data().toDouble(), 0.01 + 0.02 + 0.03);
    QCOMPARE(models.index(other, CostBreakdownModel::InputTokens).data().toLongLong(), 6);
    QCOMPARE(labelText(*m_page, "modelsValue"), QStringLiteral("13"));
}

// A second refresh cancels the first, which then reports neither an error nor a load.
void tst_UsagePage::refreshCancelsEarlierLoad()
{
    setRange(m_today.addDays(-6), m_today, UsageGrouping::Day);
    QSignalSpy loaded(m_page.get(), &ConsolePage::loaded);
    QSignalSpy errors(m_page.get(), &ConsolePage::errorOccurred);

    m_page->refresh();
    m_page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, LoadTimeoutMs);

    QCOMPARE(loaded.size(), 1);
    QCOMPARE(errors.size(), 0);
    QVERIFY(!m_page->isBusy());
    QCOMPARE(labelText(*m_page, "requestsValue"), QStringLiteral("5"));
}

void tst_UsagePage::cancelKeepsNoError()
{
    QSignalSpy errors(m_page.get(), &ConsolePage::errorOccurred);
    QSignalSpy busy(m_page.get(), &ConsolePage::busyChanged);

    m_page->refresh();
    m_page->cancel();

    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), LoadTimeoutMs);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(busy.size(), 2);
}

// With "Refresh every" checked, the timer loads the page without a call to refresh().
void tst_UsagePage::autoRefreshLoads()
{
    setRange(m_today.addDays(-6), m_today, UsageGrouping::Day);
    m_page->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), LoadTimeoutMs);
    auto *autoRefresh = m_page->findChild<QCheckBox *>(QStringLiteral("autoRefreshBox"));
    auto *interval = m_page->findChild<QSpinBox *>(QStringLiteral("intervalBox"));
    const auto stop = qScopeGuard([autoRefresh] { autoRefresh->setChecked(false); });
    QVERIFY(!interval->isEnabled());
    QSignalSpy loaded(m_page.get(), &ConsolePage::loaded);

    interval->setValue(interval->minimum());
    autoRefresh->setChecked(true);

    QVERIFY(interval->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() >= 1, LoadTimeoutMs);
    QCOMPARE(m_page->lastError(), QString());
    QCOMPARE(labelText(*m_page, "requestsValue"), QStringLiteral("5"));
}

void tst_UsagePage::startAfterEnd()
{
    const QDate from = m_today;
    const QDate to = m_today.addDays(-1);
    setRange(from, to, UsageGrouping::Day);

    m_page->refresh();

    QVERIFY(!m_page->isBusy());
    QCOMPARE(m_page->lastError(),
             QStringLiteral("The range starts on %1, after its end on %2. Choose a From date on or before the To date.")
                 .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate)));
    // The figures loaded before are for a range that the filters no longer show.
    verifyCleared();
}

// A service that stopped ends the load with an error instead of leaving it busy.
void tst_UsagePage::stoppedService()
{
    TestService stopped;
    QString error;
    QVERIFY2(stopped.start(m_database->settings(), &error), qPrintable(error));
    const QUrl url = stopped.baseUrl();
    stopped.stop();
    api::ApiClient client;
    client.setServer(url);
    client.setApiKey(QString::fromLatin1(ProjectKey));
    UsagePage page(client);
    QSignalSpy errors(&page, &ConsolePage::errorOccurred);

    page.refresh();

    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, LoadTimeoutMs);
    QVERIFY(!page.lastError().isEmpty());
    QCOMPARE(errors.at(0).at(0).toString(), page.lastError());
    QVERIFY(!page.isBusy());
    QCOMPARE(labelText(page, "requestsValue"), QStringLiteral("–"));
}

void tst_UsagePage::failedReloadClearsFigures_data()
{
    QTest::addColumn<bool>("serverStops");
    QTest::addColumn<QString>("error");

    QTest::newRow("service unavailable") << false << "The server answered with HTTP status 503: Database unavailable";
    QTest::newRow("service stopped") << true << "Cannot reach";
}

// A load that fails after a successful one leaves none of the earlier figures on screen.
void tst_UsagePage::failedReloadClearsFigures()
{
    QFETCH(bool, serverStops);
    QFETCH(QString, error);
    setRange(m_today.addDays(-6), m_today, UsageGrouping::Day);
    load();
    QCOMPARE(labelText(*m_page, "requestsValue"), QStringLiteral("5"));
    QCOMPARE(m_page->periodModel()->rowCount(), 7);
    QVERIFY(m_page->modelCostModel()->rowCount() > 0);

    CannedHttpServer server;
    QVERIFY(server.listen());
    if (serverStops)
        server.setStopOn(QStringLiteral("/api/v1/stats"));
    else
        server.setResponse(QStringLiteral("/api/v1/stats"),
                           {503, "application/json", R"({"detail":"Database unavailable"})"});
    m_client.setServer(server.baseUrl());
    const auto restoreServer = qScopeGuard([this] { m_client.setServer(m_service.baseUrl()); });
    QSignalSpy errors(m_page.get(), &ConsolePage::errorOccurred);

    m_page->refresh();

    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, LoadTimeoutMs);
    QVERIFY(!m_page->isBusy());
    QVERIFY2(m_page->lastError().startsWith(error), qPrintable(m_page->lastError()));
    verifyCleared();
}

void tst_UsagePage::stateRoundTrip()
{
    QTemporaryDir folder;
    QVERIFY2(folder.isValid(), qPrintable(folder.errorString()));
    QSettings settings(folder.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);

    UsagePage custom(m_client);
    custom.findChild<QDateEdit *>(QStringLiteral("fromEdit"))->setDate(QDate(2025, 3, 1));
    custom.findChild<QDateEdit *>(QStringLiteral("toEdit"))->setDate(QDate(2025, 3, 31));
    custom.findChild<QComboBox *>(QStringLiteral("groupingBox"))->setCurrentIndex(int(UsageGrouping::Week));
    custom.findChild<QSpinBox *>(QStringLiteral("intervalBox"))->setValue(15);
    custom.findChild<QCheckBox *>(QStringLiteral("autoRefreshBox"))->setChecked(true);
    settings.beginGroup(QStringLiteral("custom"));
    custom.saveState(settings);
    settings.endGroup();

    UsagePage preset(m_client);
    auto *range = preset.findChild<QComboBox *>(QStringLiteral("rangeBox"));
    range->setCurrentIndex(int(UsagePage::RangePreset::Last7Days));
    settings.beginGroup(QStringLiteral("preset"));
    preset.saveState(settings);
    settings.endGroup();

    UsagePage restoredCustom(m_client);
    settings.beginGroup(QStringLiteral("custom"));
    restoredCustom.restoreState(settings);
    settings.endGroup();
    QCOMPARE(restoredCustom.findChild<QComboBox *>(QStringLiteral("rangeBox"))->currentIndex(),
             int(UsagePage::RangePreset::Custom));
    QCOMPARE(restoredCustom.findChild<QDateEdit *>(QStringLiteral("fromEdit"))->date(), QDate(2025, 3, 1));
    QCOMPARE(restoredCustom.findChild<QDateEdit *>(QStringLiteral("toEdit"))->date(), QDate(2025, 3, 31));
    QCOMPARE(restoredCustom.findChild<QComboBox *>(QStringLiteral("groupingBox"))->currentIndex(),
             int(UsageGrouping::Week));
    QCOMPARE(restoredCustom.findChild<QSpinBox *>(QStringLiteral("intervalBox"))->value(), 15);
    QVERIFY(restoredCustom.findChild<QCheckBox *>(QStringLiteral("autoRefreshBox"))->isChecked());

    // A preset is stored by name, so it covers the days before the current date.
    UsagePage restoredPreset(m_client);
    settings.beginGroup(QStringLiteral("preset"));
    restoredPreset.restoreState(settings);
    settings.endGroup();
    QCOMPARE(restoredPreset.findChild<QComboBox *>(QStringLiteral("rangeBox"))->currentIndex(),
             int(UsagePage::RangePreset::Last7Days));
    const QDate today = QDateTime::currentDateTimeUtc().date();
    QCOMPARE(restoredPreset.findChild<QDateEdit *>(QStringLiteral("fromEdit"))->date(), today.addDays(-6));
    QCOMPARE(restoredPreset.findChild<QDateEdit *>(QStringLiteral("toEdit"))->date(), today);
    QVERIFY(!restoredPreset.findChild<QCheckBox *>(QStringLiteral("autoRefreshBox"))->isChecked());
    // Restoring loads nothing by itself, because the window refreshes.
    QVERIFY(!restoredPreset.isBusy());
}

QTEST_MAIN(tst_UsagePage)

#include "tst_usagepage.moc"
