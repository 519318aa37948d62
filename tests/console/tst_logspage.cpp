// SPDX-License-Identifier: MIT
// The Logs page against the real service and PostgreSQL: lazy paging of the log model,
// its filters and order, the page's widgets, and the CSV export compared byte for byte
// with the API's own CSV.

#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "api/apiclient.h"
#include "logs/logcsvexporter.h"
#include "logs/logspage.h"
#include "logs/logtablemodel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QScopeGuard>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

namespace {

const QByteArray KeyA = QByteArrayLiteral("logspage-key-a");
const QByteArray KeyB = QByteArrayLiteral("logspage-key-b");

constexpr int RowsA = 237;
constexpr int RowsB = 13;
// Project B's rows carry input_tokens from this value up, so no filter result of
// project A can contain them unnoticed.
constexpr int FirstInputTokensB = 1000;
constexpr int LoadTimeoutMs = 15000;
// Rows logged while a listing is paged carry input_tokens from this value up.
constexpr int FirstInputTokensLate = 5000;
constexpr int LateRows = 5;

const QStringList Models{QStringLiteral("gpt-4o"), QStringLiteral("claude-3-haiku"), QStringLiteral("mistral-large")};
const QStringList Origins{QStringLiteral("billing"), QStringLiteral("search"), QStringLiteral("batch")};

// Every row is logged at 2025-01-01T00:00Z plus input_tokens hours, so project A's row
// with index i (input_tokens i + 1) is the (i + 1)-th logged row.
const QDateTime TimeOrigin(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC);

// One row of project A as the suite logs it.
struct FixtureRow
{
    int inputTokens = 0;
    QString model;
    std::optional<QString> origin;
    QDateTime loggedAt;
};

FixtureRow fixtureRow(int index)
{
    FixtureRow row;
    row.inputTokens = index + 1;
    row.model = Models.at(index % Models.size());
    if (index % 4 != 3)
        row.origin = Origins.at(index % 4);
    row.loggedAt = TimeOrigin.addSecs(3600LL * row.inputTokens);
    return row;
}

QList<FixtureRow> fixtureRows()
{
    QList<FixtureRow> rows;
    for (int i = 0; i < RowsA; ++i)
        rows.append(fixtureRow(i));
    return rows;
}

// The rows of project A that `query` matches, as the service filters them: both
// bounds of the time range are inclusive.
int expectedCount(const api::LogQuery &query)
{
    int count = 0;
    for (const FixtureRow &row : fixtureRows()) {
        if (!query.model.isEmpty() && row.model != query.model)
            continue;
        if (!query.origin.isEmpty() && row.origin != query.origin)
            continue;
        if (query.start.isValid() && row.loggedAt < query.start)
            continue;
        if (query.end.isValid() && row.loggedAt > query.end)
            continue;
        ++count;
    }
    return count;
}

// The number of RFC 4180 records in `csv`; line breaks inside quotes belong to a field.
int csvRecordCount(const QByteArray &csv)
{
    int records = 0;
    bool quoted = false;
    for (const char c : csv) {
        if (c == '"')
            quoted = !quoted;
        else if (c == '\n' && !quoted)
            ++records;
    }
    return records;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class tst_LogsPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void modelPagesToTotal();
    void modelKeepsOneRequestInFlight();
    void modelPassesItemModelTester();
    void modelFilters_data();
    void modelFilters();
    void modelOldestFirst();
    void modelRowData();
    void setQueryCancelsRequest();
    void modelSkipsRowsLoggedWhilePaging_data();
    void modelSkipsRowsLoggedWhilePaging();
    void pageFiltersAndLabel();
    void pageDetailShowsRowJson();
    void pageEnterAppliesFilters();
    void pageSavesAndRestoresFilters();
    void exportMatchesApiCsv_data();
    void exportMatchesApiCsv();
    void exportSkipsRowsLoggedDuringExport();
    void exportCancelRemovesFile();
    void exportCancelKeepsExistingFile();
    void exportToMissingDirectoryFails();
    void pageExportWritesFile();
    // Stops the service, so it runs last.
    void stoppedServiceReportsErrors();

private:
    QString logRow(const QByteArray &key, const QJsonObject &body);
    // Logs LateRows rows for project A at the current time; false when one failed.
    bool logLateRows();
    void deleteLateRows();
    // Fetches pages until the model has no more; false when a page never arrived.
    bool fetchAll(LogTableModel &model);
    // The API's own CSV of all rows matching `query`, in one request.
    QByteArray apiCsv(const api::LogQuery &query);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<api::ApiClient> m_client;
    std::unique_ptr<QTemporaryDir> m_directory;
};

void tst_LogsPage::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("logspage"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_http = std::make_unique<HttpClient>(m_service.baseUrl());

    for (int i = 0; i < RowsA; ++i) {
        const FixtureRow row = fixtureRow(i);
        QJsonObject body{
            {QStringLiteral("provider"), i % 2 == 0 ? QStringLiteral("openai") : QStringLiteral("anthropic")},
            {QStringLiteral("model"), row.model},
            {QStringLiteral("input_tokens"), row.inputTokens},
            {QStringLiteral("output_tokens"), 2 * i},
            {QStringLiteral("cached_input_tokens"), i % 3},
            {QStringLiteral("cost"), 0.0000123 * (i + 1)},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("index"), i}, {QStringLiteral("note"), QStringLiteral("a, \"quoted\" note")}}},
        };
        if (row.origin) {
            body.insert(QStringLiteral("origin"), *row.origin);
            // Commas, quotes and a line break make the CSV quote these fields.
            const QString id = i % 10 == 0 ? QStringLiteral("req-%1,\"x\"\r\nline two").arg(i)
                                           : QStringLiteral("req-%1").arg(i);
            body.insert(QStringLiteral("id_at_origin"), id);
        }
        if (i % 2 == 1)
            body.insert(QStringLiteral("alias"), QStringLiteral("summarizer"));
        if (i % 5 != 0)
            body.insert(QStringLiteral("latency_ms"), 10 * i);
        QVERIFY2(!logRow(KeyA, body).isEmpty(), qPrintable(QString::number(i)));
    }
    for (int j = 0; j < RowsB; ++j) {
        const QJsonObject body{
            {QStringLiteral("provider"), QStringLiteral("openai")},
            {QStringLiteral("model"), j % 2 == 0 ? Models.first() : QStringLiteral("b-only-model")},
            {QStringLiteral("origin"), Origins.first()},
            {QStringLiteral("input_tokens"), FirstInputTokensB + j},
            {QStringLiteral("output_tokens"), 1},
        };
        QVERIFY(!logRow(KeyB, body).isEmpty());
    }
    m_database->exec(QStringLiteral("UPDATE {{schema}}.usage_logs"
                                    " SET logged_at = CAST(:origin AS timestamptz) + input_tokens * interval '1 hour'"),
                     {{QStringLiteral("origin"), TimeOrigin.toString(Qt::ISODate)}});

    m_client = std::make_unique<api::ApiClient>();
    m_client->setServer(m_service.baseUrl());
    m_client->setApiKey(QString::fromLatin1(KeyA));
    m_client->setTimeout(std::chrono::milliseconds(LoadTimeoutMs));
}

void tst_LogsPage::cleanupTestCase()
{
    m_client.reset();
    m_http.reset();
    m_service.stop();
    m_database.reset();
}

void tst_LogsPage::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
}

QString tst_LogsPage::logRow(const QByteArray &key, const QJsonObject &body)
{
    const HttpResponse response =
        m_http->post(QStringLiteral("/api/v1/log"), QJsonDocument(body).toJson(QJsonDocument::Compact), apiKey(key));
    if (response.status != 201) {
        qWarning().noquote() << "POST /api/v1/log answered" << response.status << response.body;
        return {};
    }
    return response.json().toObject().value(QStringLiteral("log_id")).toString();
}

bool tst_LogsPage::logLateRows()
{
    for (int k = 0; k < LateRows; ++k) {
        const QJsonObject body{
            {QStringLiteral("provider"), QStringLiteral("openai")},
            {QStringLiteral("model"), Models.first()},
            {QStringLiteral("input_tokens"), FirstInputTokensLate + k},
            {QStringLiteral("output_tokens"), 1},
        };
        if (logRow(KeyA, body).isEmpty())
            return false;
    }
    return true;
}

void tst_LogsPage::deleteLateRows()
{
    m_database->exec(QStringLiteral("DELETE FROM {{schema}}.usage_logs WHERE input_tokens >= :first"),
                     {{QStringLiteral("first"), FirstInputTokensLate}});
}

bool tst_LogsPage::fetchAll(LogTableModel &model)
{
    while (model.canFetchMore(QModelIndex())) {
        model.fetchMore(QModelIndex());
        if (!QTest::qWaitFor([&] { return !model.isLoading(); }, LoadTimeoutMs))
            return false;
    }
    return true;
}

QByteArray tst_LogsPage::apiCsv(const api::LogQuery &query)
{
    api::LogQuery all = query;
    all.limit = 500;
    all.offset = 0;
    QUrlQuery urlQuery = all.toUrlQuery();
    urlQuery.addQueryItem(QStringLiteral("format"), QStringLiteral("csv"));
    const HttpResponse response =
        m_http->get(QStringLiteral("/api/v1/logs?") + urlQuery.toString(QUrl::FullyEncoded), apiKey(KeyA));
    if (response.status != 200) {
        qWarning().noquote() << "GET /api/v1/logs answered" << response.status << response.body;
        return {};
    }
    return response.body;
}

// The first page contains PageSize rows, further pages complete the total, and no row of
// the other project appears.
void tst_LogsPage::modelPagesToTotal()
{
    const HttpResponse listing = m_http->get(QStringLiteral("/api/v1/logs?limit=1"), apiKey(KeyA));
    QCOMPARE(listing.status, 200);
    QCOMPARE(listing.header("X-Total-Count"), QByteArray::number(RowsA));

    // No QAbstractItemModelTester here: it calls fetchMore() after every change, which
    // would load all pages at once.
    LogTableModel model(*m_client);
    QSignalSpy pages(&model, &LogTableModel::pageLoaded);
    model.setQuery({});
    QCOMPARE(model.totalCount(), -1);
    QVERIFY(model.canFetchMore(QModelIndex()));

    model.fetchMore(QModelIndex());
    QTRY_COMPARE_WITH_TIMEOUT(pages.size(), 1, LoadTimeoutMs);
    QCOMPARE(model.rowCount(), LogTableModel::PageSize);
    QCOMPARE(model.totalCount(), RowsA);
    QVERIFY(model.canFetchMore(QModelIndex()));

    QVERIFY(fetchAll(model));
    QCOMPARE(model.rowCount(), RowsA);
    QCOMPARE(model.totalCount(), RowsA);
    QCOMPARE(pages.size(), 3);
    QVERIFY(!model.canFetchMore(QModelIndex()));

    QSet<int> inputTokens;
    for (int row = 0; row < model.rowCount(); ++row)
        inputTokens.insert(model.rowJson(row).value(QStringLiteral("input_tokens")).toInt());
    QCOMPARE(inputTokens.size(), RowsA);
    for (int tokens = 1; tokens <= RowsA; ++tokens)
        QVERIFY2(inputTokens.contains(tokens), qPrintable(QString::number(tokens)));
    // Newest first by default.
    QCOMPARE(model.rowJson(0).value(QStringLiteral("input_tokens")).toInt(), RowsA);
}

// A second fetchMore() while a page is in flight requests nothing.
void tst_LogsPage::modelKeepsOneRequestInFlight()
{
    LogTableModel model(*m_client);
    QSignalSpy pages(&model, &LogTableModel::pageLoaded);
    model.setQuery({});
    model.fetchMore(QModelIndex());
    QVERIFY(model.isLoading());
    model.fetchMore(QModelIndex());
    model.fetchMore(QModelIndex());

    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), LoadTimeoutMs);
    QCOMPARE(pages.size(), 1);
    QCOMPARE(model.rowCount(), LogTableModel::PageSize);
}

// QAbstractItemModelTester checks the model after every change. It also calls
// fetchMore() after each one, so it pages through to the end by itself.
void tst_LogsPage::modelPassesItemModelTester()
{
    LogTableModel model(*m_client);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy pages(&model, &LogTableModel::pageLoaded);
    model.setQuery({});

    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), RowsA, LoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), LoadTimeoutMs);
    QCOMPARE(pages.size(), 3);
    QVERIFY(!model.canFetchMore(QModelIndex()));

    api::LogQuery query;
    query.origin = Origins.at(1);
    model.setQuery(query);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), expectedCount(query), LoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), LoadTimeoutMs);
}

void tst_LogsPage::modelFilters_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<QDateTime>("start");
    QTest::addColumn<QDateTime>("end");

    const QDateTime none;
    QTest::newRow("model") << Models.at(1) << QString() << none << none;
    QTest::newRow("origin") << QString() << Origins.at(2) << none << none;
    QTest::newRow("model and origin") << Models.at(0) << Origins.at(0) << none << none;
    QTest::newRow("model of the other project") << QStringLiteral("b-only-model") << QString() << none << none;
    QTest::newRow("date range") << QString() << QString() << TimeOrigin.addDays(2) << TimeOrigin.addDays(3).addSecs(1);
    QTest::newRow("date range and model") << Models.at(2) << QString() << TimeOrigin.addDays(1)
                                          << TimeOrigin.addDays(6);
    QTest::newRow("date range before every row") << QString() << QString() << TimeOrigin.addYears(-1)
                                                 << TimeOrigin.addYears(-1).addDays(1);
}

// Each filter gives the rows the suite counts from its own fixture, every one matching.
void tst_LogsPage::modelFilters()
{
    QFETCH(QString, model);
    QFETCH(QString, origin);
    QFETCH(QDateTime, start);
    QFETCH(QDateTime, end);

    api::LogQuery query;
    query.model = model;
    query.origin = origin;
    query.start = start;
    query.end = end;
    const int expected = expectedCount(query);

    LogTableModel logModel(*m_client);
    QAbstractItemModelTester tester(&logModel, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy errors(&logModel, &LogTableModel::errorOccurred);
    logModel.setQuery(query);
    QVERIFY(fetchAll(logModel));

    QCOMPARE(errors.size(), 0);
    QCOMPARE(logModel.totalCount(), expected);
    QCOMPARE(logModel.rowCount(), expected);
    for (int row = 0; row < logModel.rowCount(); ++row) {
        const QJsonObject json = logModel.rowJson(row);
        QVERIFY(json.value(QStringLiteral("input_tokens")).toInt() <= RowsA);
        if (!model.isEmpty())
            QCOMPARE(json.value(QStringLiteral("model")).toString(), model);
        if (!origin.isEmpty())
            QCOMPARE(json.value(QStringLiteral("origin")).toString(), origin);
    }
}

// Oldest first puts the first logged row on top and the last one at the bottom.
void tst_LogsPage::modelOldestFirst()
{
    LogTableModel model(*m_client);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    api::LogQuery query;
    query.oldestFirst = true;
    model.setQuery(query);
    QVERIFY(fetchAll(model));

    QCOMPARE(model.rowCount(), RowsA);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowJson(row).value(QStringLiteral("input_tokens")).toInt(), row + 1);
}

// Cells show local time with the exact instant as tooltip, dollars, empty optional
// values, and the full row with metadata through RowJsonRole.
void tst_LogsPage::modelRowData()
{
    LogTableModel model(*m_client);
    api::LogQuery query;
    query.oldestFirst = true;
    model.setQuery(query);
    model.fetchMore(QModelIndex());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), LogTableModel::PageSize, LoadTimeoutMs);

    // Row 0 is fixture index 0: no alias, no latency, logged at 01:00 UTC.
    const QDateTime loggedAt = fixtureRow(0).loggedAt;
    QCOMPARE(model.index(0, LogTableModel::TimeColumn).data().toString(),
             loggedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(model.index(0, LogTableModel::TimeColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("2025-01-01T01:00:00.000000Z"));
    QCOMPARE(model.index(0, LogTableModel::ModelColumn).data().toString(), Models.at(0));
    QCOMPARE(model.index(0, LogTableModel::OriginColumn).data().toString(), Origins.at(0));
    QCOMPARE(model.index(0, LogTableModel::ProviderColumn).data().toString(), QStringLiteral("openai"));
    QCOMPARE(model.index(0, LogTableModel::ProfileColumn).data().toString(), QStringLiteral("default"));
    QVERIFY(!model.index(0, LogTableModel::AliasColumn).data().isValid());
    QVERIFY(!model.index(0, LogTableModel::LatencyColumn).data().isValid());
    QCOMPARE(model.index(0, LogTableModel::CostColumn).data().toString(), QStringLiteral("$0.0000123"));
    QCOMPARE(model.index(0, LogTableModel::IdAtOriginColumn).data().toString(),
             QStringLiteral("req-0,\"x\"\r\nline two"));

    // Fixture index 1: alias, latency 10 ms, tokens 2 / 2 / 1.
    QCOMPARE(model.index(1, LogTableModel::AliasColumn).data().toString(), QStringLiteral("summarizer"));
    QCOMPARE(model.index(1, LogTableModel::LatencyColumn).data().toString(), QStringLiteral("10"));
    QCOMPARE(model.index(1, LogTableModel::InputTokensColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.index(1, LogTableModel::OutputTokensColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.index(1, LogTableModel::CachedInputTokensColumn).data().toString(), QStringLiteral("1"));

    const QJsonObject json = model.index(1, LogTableModel::CostColumn).data(LogTableModel::RowJsonRole).toJsonObject();
    QCOMPARE(json, model.rowJson(1));
    QCOMPARE(json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("index")).toInt(), 1);
    QVERIFY(!json.value(QStringLiteral("id")).toString().isEmpty());
    QVERIFY(json.value(QStringLiteral("conversation_id")).isNull());

    QCOMPARE(model.headerData(LogTableModel::CostColumn, Qt::Horizontal).toString(), QStringLiteral("Cost"));
    QVERIFY(!model.index(model.rowCount(), 0).data().isValid());
    QVERIFY(model.rowJson(model.rowCount()).isEmpty());
}

// setQuery() while a page is in flight drops that page; only the new query's rows appear.
void tst_LogsPage::setQueryCancelsRequest()
{
    LogTableModel model(*m_client);
    QSignalSpy errors(&model, &LogTableModel::errorOccurred);
    QSignalSpy pages(&model, &LogTableModel::pageLoaded);
    model.setQuery({});
    model.fetchMore(QModelIndex());
    QVERIFY(model.isLoading());

    api::LogQuery query;
    query.model = Models.at(2);
    model.setQuery(query);
    QVERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(fetchAll(model));

    QCOMPARE(errors.size(), 0);
    QCOMPARE(pages.size(), 1);
    QCOMPARE(model.rowCount(), expectedCount(query));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowJson(row).value(QStringLiteral("model")).toString(), Models.at(2));
}

void tst_LogsPage::modelSkipsRowsLoggedWhilePaging_data()
{
    QTest::addColumn<bool>("oldestFirst");

    QTest::newRow("newest first") << false;
    QTest::newRow("oldest first") << true;
}

// Rows logged after the first page neither repeat rows nor appear: the model keeps to
// the rows that matched when it started.
void tst_LogsPage::modelSkipsRowsLoggedWhilePaging()
{
    QFETCH(bool, oldestFirst);
    const auto cleanup = qScopeGuard([this] { deleteLateRows(); });

    LogTableModel model(*m_client);
    api::LogQuery query;
    query.oldestFirst = oldestFirst;
    model.setQuery(query);
    model.fetchMore(QModelIndex());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), LogTableModel::PageSize, LoadTimeoutMs);

    QVERIFY(logLateRows());
    QVERIFY(fetchAll(model));

    QCOMPARE(model.totalCount(), RowsA);
    QCOMPARE(model.rowCount(), RowsA);
    for (int row = 0; row < model.rowCount(); ++row) {
        const int expectedTokens = oldestFirst ? row + 1 : RowsA - row;
        QCOMPARE(model.rowJson(row).value(QStringLiteral("input_tokens")).toInt(), expectedTokens);
    }
}

// The filter widgets reach the model's query, and the label counts loaded and total rows.
void tst_LogsPage::pageFiltersAndLabel()
{
    LogsPage page(*m_client);
    QCOMPARE(page.title(), QStringLiteral("Logs"));
    auto *label = page.findChild<QLabel *>(QStringLiteral("rowsLabel"));
    QVERIFY(label);
    QVERIFY(!page.findChild<QTableView *>(QStringLiteral("table"))->isSortingEnabled());

    page.refresh();
    QVERIFY(page.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("100 of 237 rows loaded"), LoadTimeoutMs);
    QVERIFY(!page.isBusy());
    QVERIFY(page.lastError().isEmpty());
    QVERIFY(fetchAll(*page.logModel()));
    QCOMPARE(label->text(), QStringLiteral("237 of 237 rows loaded"));

    page.findChild<QLineEdit *>(QStringLiteral("modelFilter"))->setText(Models.at(1));
    page.findChild<QLineEdit *>(QStringLiteral("originFilter"))->setText(Origins.at(1));
    page.findChild<QComboBox *>(QStringLiteral("order"))->setCurrentIndex(1);
    page.refresh();
    api::LogQuery expectedQuery;
    expectedQuery.model = Models.at(1);
    expectedQuery.origin = Origins.at(1);
    const int expected = expectedCount(expectedQuery);
    QVERIFY(expected > 0);
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("%1 of %1 rows loaded").arg(expected), LoadTimeoutMs);
    QVERIFY(page.logModel()->query().oldestFirst);
    // Oldest first: the smallest fixture index with this model and origin is 1.
    QCOMPARE(page.logModel()->rowJson(0).value(QStringLiteral("input_tokens")).toInt(), 2);

    // A date range of whole local days; "To" includes its day.
    page.findChild<QLineEdit *>(QStringLiteral("modelFilter"))->clear();
    page.findChild<QLineEdit *>(QStringLiteral("originFilter"))->clear();
    page.findChild<QCheckBox *>(QStringLiteral("allTime"))->setChecked(false);
    const QDate day = fixtureRow(100).loggedAt.toLocalTime().date();
    page.findChild<QDateEdit *>(QStringLiteral("toDate"))->setDate(day.addDays(1));
    page.findChild<QDateEdit *>(QStringLiteral("fromDate"))->setDate(day);
    page.refresh();
    api::LogQuery rangeQuery;
    rangeQuery.start = day.startOfDay();
    rangeQuery.end = day.addDays(2).startOfDay().addMSecs(-1);
    QCOMPARE(expectedCount(rangeQuery), 48);
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("48 of 48 rows loaded"), LoadTimeoutMs);

    // A range before every row.
    page.findChild<QDateEdit *>(QStringLiteral("fromDate"))->setDate(QDate(2020, 1, 1));
    page.findChild<QDateEdit *>(QStringLiteral("toDate"))->setDate(QDate(2020, 1, 31));
    page.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("0 of 0 rows loaded"), LoadTimeoutMs);
    QCOMPARE(page.logModel()->rowCount(), 0);
    QVERIFY(page.lastError().isEmpty());
}

// Selecting a row shows its full JSON, metadata included.
void tst_LogsPage::pageDetailShowsRowJson()
{
    LogsPage page(*m_client);
    page.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(page.logModel()->rowCount(), LogTableModel::PageSize, LoadTimeoutMs);

    auto *table = page.findChild<QTableView *>(QStringLiteral("table"));
    auto *detail = page.findChild<QPlainTextEdit *>(QStringLiteral("detail"));
    QVERIFY(detail->toPlainText().isEmpty());
    table->setCurrentIndex(page.logModel()->index(3, LogTableModel::ModelColumn));

    const QJsonObject shown = QJsonDocument::fromJson(detail->toPlainText().toUtf8()).object();
    QCOMPARE(shown, page.logModel()->rowJson(3));
    // Newest first: row 3 is fixture index RowsA - 4.
    QCOMPARE(shown.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("index")).toInt(), RowsA - 4);
    QCOMPARE(shown.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("note")).toString(),
             QStringLiteral("a, \"quoted\" note"));

    page.refresh();
    QVERIFY(detail->toPlainText().isEmpty());
}

// Enter in a filter field applies the filters.
void tst_LogsPage::pageEnterAppliesFilters()
{
    LogsPage page(*m_client);
    auto *modelFilter = page.findChild<QLineEdit *>(QStringLiteral("modelFilter"));
    modelFilter->setText(Models.at(0));
    QTest::keyClick(modelFilter, Qt::Key_Return);

    api::LogQuery query;
    query.model = Models.at(0);
    QCOMPARE(page.logModel()->query().model, Models.at(0));
    QTRY_COMPARE_WITH_TIMEOUT(page.logModel()->totalCount(), expectedCount(query), LoadTimeoutMs);
}

// saveState() and restoreState() carry every filter and the order to a new page.
void tst_LogsPage::pageSavesAndRestoresFilters()
{
    QSettings settings(m_directory->filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    {
        LogsPage page(*m_client);
        page.findChild<QLineEdit *>(QStringLiteral("modelFilter"))->setText(QStringLiteral("m"));
        page.findChild<QLineEdit *>(QStringLiteral("aliasFilter"))->setText(QStringLiteral("a"));
        page.findChild<QLineEdit *>(QStringLiteral("originFilter"))->setText(QStringLiteral("o"));
        page.findChild<QLineEdit *>(QStringLiteral("providerFilter"))->setText(QStringLiteral("p"));
        page.findChild<QLineEdit *>(QStringLiteral("profileFilter"))->setText(QStringLiteral("prod"));
        page.findChild<QCheckBox *>(QStringLiteral("allTime"))->setChecked(false);
        page.findChild<QDateEdit *>(QStringLiteral("fromDate"))->setDate(QDate(2024, 3, 1));
        page.findChild<QDateEdit *>(QStringLiteral("toDate"))->setDate(QDate(2024, 3, 15));
        page.findChild<QComboBox *>(QStringLiteral("order"))->setCurrentIndex(1);
        page.saveState(settings);
    }

    LogsPage restored(*m_client);
    restored.restoreState(settings);
    const api::LogQuery query = restored.filterQuery();
    QCOMPARE(query.model, QStringLiteral("m"));
    QCOMPARE(query.alias, QStringLiteral("a"));
    QCOMPARE(query.origin, QStringLiteral("o"));
    QCOMPARE(query.provider, QStringLiteral("p"));
    QCOMPARE(query.profile, QStringLiteral("prod"));
    QCOMPARE(query.start, QDate(2024, 3, 1).startOfDay());
    QCOMPARE(query.end, QDate(2024, 3, 16).startOfDay().addMSecs(-1));
    QVERIFY(query.oldestFirst);
}

void tst_LogsPage::exportMatchesApiCsv_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("oldestFirst");
    QTest::addColumn<int>("pageSize");

    QTest::newRow("all rows, pages of 100") << QString() << false << 100;
    QTest::newRow("all rows, one page") << QString() << false << LogCsvExporter::DefaultPageSize;
    QTest::newRow("model, oldest first, pages of 7") << Models.at(1) << true << 7;
    QTest::newRow("no matching rows") << QStringLiteral("no-such-model") << false << 100;
}

// The exported file equals the API's own CSV for the same filters, byte for byte.
void tst_LogsPage::exportMatchesApiCsv()
{
    QFETCH(QString, model);
    QFETCH(bool, oldestFirst);
    QFETCH(int, pageSize);

    api::LogQuery query;
    query.model = model;
    query.oldestFirst = oldestFirst;
    const int expectedRows = expectedCount(query);
    const QByteArray expected = apiCsv(query);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(csvRecordCount(expected), 1 + expectedRows);

    const QString path = m_directory->filePath(QStringLiteral("logs.csv"));
    LogCsvExporter exporter(*m_client);
    exporter.setPageSize(pageSize);
    QSignalSpy progress(&exporter, &LogCsvExporter::progress);
    QSignalSpy finished(&exporter, &LogCsvExporter::finished);
    exporter.start(path, query);
    QVERIFY(exporter.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, LoadTimeoutMs);

    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("Exported %1 rows to %2.").arg(expectedRows).arg(path));
    QVERIFY(!exporter.isRunning());
    QCOMPARE(exporter.rowsWritten(), expectedRows);
    QCOMPARE(exporter.totalRows(), expectedRows);
    const int pages = expectedRows == 0 ? 1 : (expectedRows + pageSize - 1) / pageSize;
    QCOMPARE(progress.size(), pages);
    QCOMPARE(progress.last().at(0).toLongLong(), expectedRows);
    QCOMPARE(progress.last().at(1).toLongLong(), expectedRows);

    const QByteArray written = readFile(path);
    QCOMPARE(csvRecordCount(written), 1 + expectedRows);
    QCOMPARE(written, expected);
}

// Rows logged during a newest-first export shift its later pages, and the file still
// equals the API's CSV from before they were logged.
void tst_LogsPage::exportSkipsRowsLoggedDuringExport()
{
    const auto cleanup = qScopeGuard([this] { deleteLateRows(); });
    const QByteArray expected = apiCsv({});
    QCOMPARE(csvRecordCount(expected), 1 + RowsA);

    const QString path = m_directory->filePath(QStringLiteral("shifted.csv"));
    LogCsvExporter exporter(*m_client);
    exporter.setPageSize(50);
    QSignalSpy finished(&exporter, &LogCsvExporter::finished);
    bool logged = false;
    connect(&exporter, &LogCsvExporter::progress, this, [&] {
        if (!logged)
            logged = logLateRows();
    });
    exporter.start(path, {});

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, LoadTimeoutMs);
    QVERIFY(logged);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(exporter.rowsWritten(), RowsA);
    QCOMPARE(readFile(path), expected);
}

// Canceling after the first page aborts the export and leaves no file behind.
void tst_LogsPage::exportCancelRemovesFile()
{
    const QString path = m_directory->filePath(QStringLiteral("canceled.csv"));
    LogCsvExporter exporter(*m_client);
    exporter.setPageSize(20);
    QSignalSpy finished(&exporter, &LogCsvExporter::finished);
    connect(&exporter, &LogCsvExporter::progress, &exporter, &LogCsvExporter::cancel);
    exporter.start(path, {});

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, LoadTimeoutMs);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("Export canceled."));
    QVERIFY(exporter.wasCanceled());
    QVERIFY(!exporter.isRunning());
    QCOMPARE(exporter.rowsWritten(), 20);
    QVERIFY(!QFile::exists(path));
    QCOMPARE(QDir(m_directory->path()).entryList(QDir::Files | QDir::Hidden), QStringList());

    // The aborted request must not finish the export a second time.
    QTest::qWait(200);
    QCOMPARE(finished.size(), 1);
}

// A canceled export leaves a file that was already at the path as it was.
void tst_LogsPage::exportCancelKeepsExistingFile()
{
    const QString path = m_directory->filePath(QStringLiteral("existing.csv"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("earlier export\n");
    }

    LogCsvExporter exporter(*m_client);
    QSignalSpy finished(&exporter, &LogCsvExporter::finished);
    exporter.start(path, {});
    QVERIFY(exporter.isRunning());
    exporter.cancel();

    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(readFile(path), QByteArrayLiteral("earlier export\n"));
}

// A file that cannot be created is reported through finished(), after start() returned.
void tst_LogsPage::exportToMissingDirectoryFails()
{
    const QString path = m_directory->filePath(QStringLiteral("missing/logs.csv"));
    LogCsvExporter exporter(*m_client);
    QSignalSpy finished(&exporter, &LogCsvExporter::finished);
    exporter.start(path, {});
    QCOMPARE(finished.size(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, LoadTimeoutMs);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY2(finished.first().at(1).toString().startsWith(QStringLiteral("Cannot create %1: ").arg(path)),
             qPrintable(finished.first().at(1).toString()));
    QVERIFY(!exporter.isRunning());
    QVERIFY(!exporter.wasCanceled());
    QVERIFY(!QFile::exists(path));
}

// The page exports the applied filters with a progress dialog that closes at the end.
void tst_LogsPage::pageExportWritesFile()
{
    LogsPage page(*m_client);
    page.findChild<QLineEdit *>(QStringLiteral("originFilter"))->setText(Origins.at(0));
    page.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(page.logModel()->totalCount() >= 0, LoadTimeoutMs);
    // Filters edited after Apply do not change what the table shows, nor the export.
    page.findChild<QLineEdit *>(QStringLiteral("originFilter"))->setText(Origins.at(1));

    const QString path = m_directory->filePath(QStringLiteral("page.csv"));
    QSignalSpy finished(&page, &LogsPage::exportFinished);
    page.exportCsv(path);
    QVERIFY(page.isExporting());
    QVERIFY(page.findChild<QProgressDialog *>());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, LoadTimeoutMs);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QVERIFY(!page.isExporting());
    QTRY_VERIFY(!page.findChild<QProgressDialog *>());
    QVERIFY(page.lastError().isEmpty());

    api::LogQuery query;
    query.origin = Origins.at(0);
    QCOMPARE(readFile(path), apiCsv(query));
    QCOMPARE(csvRecordCount(readFile(path)), 1 + expectedCount(query));
}

// With the service gone, the model, the page and the exporter report an error, stop
// loading and clear busy.
void tst_LogsPage::stoppedServiceReportsErrors()
{
    m_service.stop();

    LogTableModel model(*m_client);
    QSignalSpy modelErrors(&model, &LogTableModel::errorOccurred);
    model.setQuery({});
    model.fetchMore(QModelIndex());
    QTRY_COMPARE_WITH_TIMEOUT(modelErrors.size(), 1, LoadTimeoutMs);
    QVERIFY(modelErrors.first().at(0).toString().startsWith(QStringLiteral("Cannot reach ")));
    QVERIFY(!model.isLoading());
    QVERIFY(!model.canFetchMore(QModelIndex()));
    QCOMPARE(model.rowCount(), 0);

    LogsPage page(*m_client);
    QSignalSpy pageErrors(&page, &ConsolePage::errorOccurred);
    page.refresh();
    QVERIFY(page.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(pageErrors.size(), 1, LoadTimeoutMs);
    QVERIFY(!page.isBusy());
    QCOMPARE(page.lastError(), modelErrors.first().at(0).toString());

    const QString path = m_directory->filePath(QStringLiteral("unreachable.csv"));
    QSignalSpy exportFinished(&page, &LogsPage::exportFinished);
    page.exportCsv(path);
    QTRY_COMPARE_WITH_TIMEOUT(exportFinished.size(), 1, LoadTimeoutMs);
    QCOMPARE(exportFinished.first().at(0).toBool(), false);
    QCOMPARE(pageErrors.size(), 2);
    QVERIFY(!QFile::exists(path));
}

QTEST_MAIN(tst_LogsPage)
#include "tst_logspage.moc"
