// SPDX-License-Identifier: MIT
// The MCP page against the real service: the servers and tools lists (secrets never
// shown), the execution audit trail with lazy paging, its server, tool and date filters,
// the execution detail, project isolation, and a server that stopped.

#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "api/apiclient.h"
#include "mcp/mcpexecutionmodel.h"
#include "mcp/mcppage.h"
#include "mcp/mcpservermodel.h"
#include "mcp/mcptoolmodel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QDateEdit>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <functional>
#include <memory>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

namespace {

const QByteArray Project = "mcppage";
const QByteArray OtherProject = "mcppage-other";
const QString Secret = QStringLiteral("s3cr3t-token-mcppage");
constexpr int ExecutionCount = 130;
constexpr int OtherExecutionCount = 3;
// The oldest executions are moved to this local day, so a date range can pick them.
const QDate MovedDay(2024, 3, 10);
constexpr int MovedCount = 3;
constexpr int TimeoutMs = 15000;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

struct Execution
{
    QString id;
    QString toolId;
    QString toolName;
    QString serverId;
    QString serverName;
    QJsonObject input;
    QJsonValue output;
    QString error;
};

QStringList idsOf(const McpExecutionModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.execution(row).value(QStringLiteral("id")).toString());
    return ids;
}

// Every text any role of any cell or header of `model` holds.
QStringList allTexts(const QAbstractItemModel &model)
{
    QStringList texts;
    for (int column = 0; column < model.columnCount(); ++column) {
        for (int role = 0; role <= Qt::UserRole + 8; ++role)
            texts.append(model.headerData(column, Qt::Horizontal, role).toString());
    }
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column = 0; column < model.columnCount(); ++column) {
            for (int role = 0; role <= Qt::UserRole + 8; ++role)
                texts.append(model.data(model.index(row, column), role).toString());
        }
    }
    return texts;
}

QStringList column(const QAbstractItemModel &model, int column)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(model.index(row, column).data().toString());
    return values;
}

} // namespace

class tst_McpPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void serversListedWithoutSecrets();
    void toolsOfSelectedServer();
    void executionsNewestFirst();
    void executionsPageLazily();
    void filterByServerAndTool();
    void filterByDateRange();
    void detailShowsSelectedExecution();
    void refreshKeepsSelections();
    void reloadClearsSelections();

    // Stops the service, so it runs last.
    void stoppedServerReportsError();

private:
    QJsonObject createServer(const QByteArray &project, const QString &name, const QJsonObject &authConfig);
    QJsonArray refreshTools(const QByteArray &project, const QString &serverId, const QStringList &tools);
    Execution execute(const QByteArray &project, const QJsonObject &tool, const QString &serverName, int index);
    std::unique_ptr<McpPage> loadedPage();
    static QTableView *table(const McpPage &page, const QString &name);
    QStringList expectedIds(const std::function<bool(const Execution &)> &keep) const;
    // The tool named `name` of server `serverIndex` in m_servers.
    QJsonObject tool(int serverIndex, const QString &name) const;

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_http;
    api::ApiClient m_client;
    // Project's servers in creation order, and their tools by server id.
    QList<QJsonObject> m_servers;
    QHash<QString, QJsonArray> m_tools;
    // The project's executions, oldest first.
    QList<Execution> m_executions;
    QStringList m_otherIds;
};

QJsonObject tst_McpPage::createServer(const QByteArray &project, const QString &name, const QJsonObject &authConfig)
{
    const QJsonObject body{{"name", name},
                           {"url", QStringLiteral("https://%1.example/mcp").arg(name)},
                           {"transport_type", "http"},
                           {"auth_config", authConfig}};
    const HttpResponse response = m_http->post(QStringLiteral("/api/v1/mcp/servers"), compact(body), apiKey(project));
    if (response.status != 201)
        qFatal("creating the server %s returned %d: %s", qPrintable(name), response.status, response.body.constData());
    return response.json().toObject();
}

QJsonArray tst_McpPage::refreshTools(const QByteArray &project, const QString &serverId, const QStringList &tools)
{
    QJsonArray items;
    for (const QString &tool : tools) {
        items.append(QJsonObject{{"name", tool},
                                 {"description", QStringLiteral("Tool %1").arg(tool)},
                                 {"inputSchema", QJsonObject{{"type", "object"}}}});
    }
    const HttpResponse response =
        m_http->post(QStringLiteral("/api/v1/mcp/servers/%1/refresh").arg(serverId), compact({{"tools", items}}),
                     apiKey(project));
    if (response.status != 200)
        qFatal("refreshing returned %d: %s", response.status, response.body.constData());
    return response.json().toObject().value("tools").toArray();
}

Execution tst_McpPage::execute(const QByteArray &project, const QJsonObject &tool, const QString &serverName,
                               int index)
{
    Execution execution;
    execution.toolId = tool.value("id").toString();
    execution.toolName = tool.value("name").toString();
    execution.serverId = tool.value("server_id").toString();
    execution.serverName = serverName;
    execution.input = QJsonObject{{"query", QStringLiteral("question %1").arg(index)}, {"index", index}};
    QJsonObject body{{"input", execution.input}, {"duration_ms", 10 + index}};
    if (index % 3 == 0) {
        execution.output = QJsonObject{{"hits", index}, {"items", QJsonArray{"a", index}}};
        body.insert("output", execution.output);
    }
    if (index % 5 == 0) {
        execution.error = QStringLiteral("timed out after %1 ms").arg(10 + index);
        body.insert("error", execution.error);
    }
    const HttpResponse response = m_http->post(
        QStringLiteral("/api/v1/mcp/tools/%1/execute").arg(execution.toolId), compact(body), apiKey(project));
    if (response.status != 201)
        qFatal("executing returned %d: %s", response.status, response.body.constData());
    execution.id = response.json().toObject().value("id").toString();
    return execution;
}

void tst_McpPage::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("mcppage"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_http = std::make_unique<HttpClient>(m_service.baseUrl());

    const QJsonObject bearer{{"type", "bearer"},
                             {"token", Secret},
                             {"headers", QJsonArray{QJsonObject{{"Authorization", "Bearer " + Secret}}}},
                             {"retries", 3}};
    m_servers.append(createServer(Project, QStringLiteral("search-server"), bearer));
    m_servers.append(createServer(Project, QStringLiteral("files-server"), QJsonObject{{"password", Secret}}));
    const QJsonObject other = createServer(OtherProject, QStringLiteral("other-server"), QJsonObject{});

    const QString searchId = m_servers.at(0).value("id").toString();
    const QString filesId = m_servers.at(1).value("id").toString();
    m_tools.insert(searchId, refreshTools(Project, searchId, {"search", "fetch"}));
    m_tools.insert(filesId, refreshTools(Project, filesId, {"read", "write", "delete"}));
    const QJsonArray otherTools = refreshTools(OtherProject, other.value("id").toString(), {"other-tool"});
    QCOMPARE(m_tools.value(searchId).size(), 2);
    QCOMPARE(m_tools.value(filesId).size(), 3);

    // Four tools take turns, and "delete" never runs.
    const QList<QPair<QJsonObject, QString>> cycle{
        {tool(0, "search"), "search-server"},
        {tool(0, "fetch"), "search-server"},
        {tool(1, "read"), "files-server"},
        {tool(1, "write"), "files-server"},
    };
    for (int i = 0; i < ExecutionCount; ++i) {
        const auto &[tool, serverName] = cycle.at(i % cycle.size());
        m_executions.append(execute(Project, tool, serverName, i));
        if (i < OtherExecutionCount)
            m_otherIds.append(execute(OtherProject, otherTools.at(0).toObject(), "other-server", i).id);
    }
    QCOMPARE(m_executions.size(), ExecutionCount);

    // The oldest executions move to one day in the past, keeping their order.
    for (int i = 0; i < MovedCount; ++i) {
        const QDateTime at(MovedDay, QTime(10 + i, 0));
        m_database->exec(QStringLiteral("UPDATE {{schema}}.mcp_tool_executions SET executed_at = CAST(:at AS timestamptz)"
                                        " WHERE id = CAST(:id AS uuid)"),
                         {{"at", at.toUTC().toString(Qt::ISODate)}, {"id", m_executions.at(i).id}});
    }

    m_client.setServer(m_service.baseUrl());
    m_client.setApiKey(QString::fromLatin1(Project));
    m_client.setTimeout(std::chrono::milliseconds(TimeoutMs / 2));
}

void tst_McpPage::cleanupTestCase()
{
    m_http.reset();
    m_service.stop();
    m_database.reset();
}

QTableView *tst_McpPage::table(const McpPage &page, const QString &name)
{
    return page.findChild<QTableView *>(name);
}

QStringList tst_McpPage::expectedIds(const std::function<bool(const Execution &)> &keep) const
{
    QStringList ids;
    for (auto it = m_executions.crbegin(); it != m_executions.crend(); ++it) {
        if (keep(*it))
            ids.append(it->id);
    }
    return ids;
}

QJsonObject tst_McpPage::tool(int serverIndex, const QString &name) const
{
    for (const QJsonValue &value : m_tools.value(m_servers.at(serverIndex).value("id").toString())) {
        if (value.toObject().value("name").toString() == name)
            return value.toObject();
    }
    qFatal("no tool %s", qPrintable(name));
}

std::unique_ptr<McpPage> tst_McpPage::loadedPage()
{
    auto page = std::make_unique<McpPage>(m_client);
    page->refresh();
    if (!QTest::qWaitFor([&] { return !page->isBusy() && page->serverModel()->rowCount() > 0; }, TimeoutMs))
        qWarning("the MCP page did not load: %s", qPrintable(page->lastError()));
    return page;
}

// Exactly the project's two servers, newest first, and the secret appears in no role,
// cell or header of any model, nor in any label of the page.
void tst_McpPage::serversListedWithoutSecrets()
{
    McpPage page(m_client);
    QAbstractItemModelTester serverTester(page.serverModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester toolTester(page.toolModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&page, &ConsolePage::loaded);

    page.refresh();

    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && page.serverModel()->rowCount() > 0, TimeoutMs);
    QVERIFY2(page.lastError().isEmpty(), qPrintable(page.lastError()));
    QVERIFY(loaded.count() >= 1);
    const McpServerModel &servers = *page.serverModel();
    QCOMPARE(column(servers, McpServerModel::NameColumn), QStringList({"files-server", "search-server"}));
    QCOMPARE(column(servers, McpServerModel::UrlColumn),
             QStringList({"https://files-server.example/mcp", "https://search-server.example/mcp"}));
    QCOMPARE(column(servers, McpServerModel::TransportColumn), QStringList({"http", "http"}));
    QCOMPARE(column(servers, McpServerModel::ActiveColumn), QStringList({"Yes", "Yes"}));
    QCOMPARE(column(servers, McpServerModel::AuthColumn),
             QStringList({R"({"password":"***"})",
                          R"({"headers":[{"Authorization":"***"}],"retries":3,"token":"***","type":"***"})"}));
    QCOMPARE(servers.serverId(1), m_servers.at(0).value("id").toString());

    for (const QAbstractItemModel *model : {static_cast<const QAbstractItemModel *>(page.serverModel()),
                                            static_cast<const QAbstractItemModel *>(page.toolModel()),
                                            static_cast<const QAbstractItemModel *>(page.executionModel())}) {
        for (const QString &text : allTexts(*model))
            QVERIFY2(!text.contains(Secret), qPrintable(text));
    }
    for (const QLabel *label : page.findChildren<QLabel *>())
        QVERIFY2(!label->text().contains(Secret), qPrintable(label->text()));
    QCOMPARE(page.findChild<QLabel *>("serversEmpty")->text(), QString());
}

void tst_McpPage::toolsOfSelectedServer()
{
    const auto page = loadedPage();
    QAbstractItemModelTester toolTester(page->toolModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(page->toolModel()->rowCount(), 0);

    table(*page, "servers")->selectRow(0); // files-server

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->toolModel()->rowCount() > 0, TimeoutMs);
    QStringList names = column(*page->toolModel(), McpToolModel::NameColumn);
    names.sort();
    QCOMPARE(names, QStringList({"delete", "read", "write"}));
    QCOMPARE(column(*page->toolModel(), McpToolModel::ActiveColumn), QStringList({"Yes", "Yes", "Yes"}));
    const int readRow = page->toolModel()->rowOf(tool(1, "read").value("id").toString());
    QVERIFY(readRow >= 0);
    QCOMPARE(page->toolModel()->toolName(readRow), QStringLiteral("read"));
    QCOMPARE(page->toolModel()->index(readRow, McpToolModel::DescriptionColumn).data().toString(),
             QStringLiteral("Tool read"));

    table(*page, "servers")->selectRow(1); // search-server

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->toolModel()->rowCount() == 2, TimeoutMs);
    names = column(*page->toolModel(), McpToolModel::NameColumn);
    names.sort();
    QCOMPARE(names, QStringList({"fetch", "search"}));
}

// The first page shows the 100 newest executions of the project, with the names
// of their tools and servers, and none of the other project's.
void tst_McpPage::executionsNewestFirst()
{
    const auto page = loadedPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->executionModel()->hasLoaded() && !page->isBusy(), TimeoutMs);
    const McpExecutionModel &model = *page->executionModel();

    const QStringList all = expectedIds([](const Execution &) { return true; });
    QCOMPARE(idsOf(model), all.mid(0, McpExecutionModel::PageSize));
    for (int row = 0; row < model.rowCount(); ++row) {
        const Execution &expected = m_executions.at(ExecutionCount - 1 - row);
        QCOMPARE(model.index(row, McpExecutionModel::ToolColumn).data().toString(), expected.toolName);
        QCOMPARE(model.index(row, McpExecutionModel::ServerColumn).data().toString(), expected.serverName);
        QCOMPARE(model.index(row, McpExecutionModel::ErrorColumn).data().toString(), expected.error);
        QCOMPARE(model.index(row, McpExecutionModel::DurationColumn).data().toString(),
                 QLocale().toString(10 + ExecutionCount - 1 - row));
        QCOMPARE(model.index(row, McpExecutionModel::ConversationColumn).data().toString(), QString());
        QVERIFY(!m_otherIds.contains(idsOf(model).at(row)));
    }
    const QString executedAt = model.execution(0).value("executed_at").toString();
    QCOMPARE(model.index(0, McpExecutionModel::ExecutedAtColumn).data().toString(),
             QDateTime::fromString(executedAt, Qt::ISODateWithMs).toLocalTime().toString("yyyy-MM-dd HH:mm:ss"));
    QCOMPARE(page->findChild<QLabel *>("filterLabel")->text(), QStringLiteral("Executions of all servers"));
}

// 130 executions arrive as a page of 100 and a page of 30, in order, without repeats.
void tst_McpPage::executionsPageLazily()
{
    McpExecutionModel model(m_client);
    QSignalSpy pages(&model, &McpExecutionModel::pageLoaded);
    QVERIFY(!model.canFetchMore({}));
    model.setQuery({});
    QVERIFY(model.canFetchMore({}));
    QCOMPARE(model.rowCount(), 0);

    model.fetchMore({});
    model.fetchMore({}); // in flight: requests nothing

    QTRY_COMPARE_WITH_TIMEOUT(pages.count(), 1, TimeoutMs);
    QCOMPARE(model.rowCount(), McpExecutionModel::PageSize);
    QVERIFY(model.canFetchMore({}));

    model.fetchMore({});

    QTRY_COMPARE_WITH_TIMEOUT(pages.count(), 2, TimeoutMs);
    QCOMPARE(model.rowCount(), ExecutionCount);
    QVERIFY(!model.canFetchMore({}));
    const QStringList ids = idsOf(model);
    QCOMPARE(ids, expectedIds([](const Execution &) { return true; }));
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ExecutionCount);

    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setQuery({});
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading() && !model.canFetchMore({}), TimeoutMs);
    QCOMPARE(idsOf(model), expectedIds([](const Execution &) { return true; }));
}

void tst_McpPage::filterByServerAndTool()
{
    const auto page = loadedPage();
    QAbstractItemModelTester executionTester(page->executionModel(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString filesId = m_servers.at(1).value("id").toString();

    table(*page, "servers")->selectRow(page->serverModel()->rowOf(filesId));

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->toolModel()->rowCount() == 3, TimeoutMs);
    QCOMPARE(page->executionQuery().serverId, filesId);
    QCOMPARE(idsOf(*page->executionModel()),
             expectedIds([&](const Execution &e) { return e.serverId == filesId; }));
    QCOMPARE(page->findChild<QLabel *>("filterLabel")->text(), QStringLiteral("Executions of server files-server"));

    const QString writeId = tool(1, "write").value("id").toString();
    table(*page, "tools")->selectRow(page->toolModel()->rowOf(writeId));

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->executionQuery().toolId == writeId, TimeoutMs);
    const QStringList writes = expectedIds([&](const Execution &e) { return e.toolId == writeId; });
    QCOMPARE(writes.size(), ExecutionCount / 4);
    QCOMPARE(idsOf(*page->executionModel()), writes);
    QCOMPARE(page->findChild<QLabel *>("filterLabel")->text(),
             QStringLiteral("Executions of tool write of server files-server"));

    const QString deleteId = tool(1, "delete").value("id").toString();
    table(*page, "tools")->selectRow(page->toolModel()->rowOf(deleteId));

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->executionModel()->hasLoaded(), TimeoutMs);
    QCOMPARE(page->executionModel()->rowCount(), 0);
    QCOMPARE(page->findChild<QLabel *>("executionsEmpty")->text(), QStringLiteral("No executions match these filters"));

    page->findChild<QPushButton *>("showAll")->click();

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->executionModel()->rowCount() > 0, TimeoutMs);
    QCOMPARE(page->executionQuery().serverId, QString());
    QCOMPARE(page->executionQuery().toolId, QString());
    QCOMPARE(page->toolModel()->rowCount(), 0);
    QCOMPARE(idsOf(*page->executionModel()).first(), m_executions.last().id);
    QCOMPARE(page->findChild<QLabel *>("executionsEmpty")->text(), QString());
}

void tst_McpPage::filterByDateRange()
{
    const auto page = loadedPage();
    page->findChild<QCheckBox *>("allTime")->setChecked(false);
    page->findChild<QDateEdit *>("fromDate")->setDate(MovedDay);
    page->findChild<QDateEdit *>("toDate")->setDate(MovedDay);

    page->findChild<QPushButton *>("apply")->click();

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->executionModel()->hasLoaded(), TimeoutMs);
    QCOMPARE(idsOf(*page->executionModel()),
             QStringList({m_executions.at(2).id, m_executions.at(1).id, m_executions.at(0).id}));
    QCOMPARE(page->executionModel()->index(0, McpExecutionModel::ExecutedAtColumn).data().toString(),
             QDateTime(MovedDay, QTime(12, 0)).toString("yyyy-MM-dd HH:mm:ss"));

    page->findChild<QDateEdit *>("toDate")->setDate(MovedDay.addDays(-1));
    page->findChild<QDateEdit *>("fromDate")->setDate(MovedDay.addDays(-1));
    page->findChild<QPushButton *>("apply")->click();

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->executionModel()->hasLoaded(), TimeoutMs);
    QCOMPARE(page->executionModel()->rowCount(), 0);
}

void tst_McpPage::detailShowsSelectedExecution()
{
    const auto page = loadedPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->executionModel()->hasLoaded() && !page->isBusy(), TimeoutMs);
    // Index 120 has an output and an error, 121 neither.
    const int withBoth = 120;
    const int row = ExecutionCount - 1 - withBoth;
    const Execution &expected = m_executions.at(withBoth);
    QCOMPARE(page->executionModel()->execution(row).value("id").toString(), expected.id);

    table(*page, "executions")->selectRow(row);

    const auto text = [&](const char *name) { return page->findChild<QPlainTextEdit *>(name)->toPlainText(); };
    QCOMPARE(text("executionInput"),
             QString::fromUtf8(QJsonDocument(expected.input).toJson(QJsonDocument::Indented)).trimmed());
    QCOMPARE(text("executionOutput"),
             QString::fromUtf8(QJsonDocument(expected.output.toObject()).toJson(QJsonDocument::Indented)).trimmed());
    QCOMPARE(text("executionError"), QStringLiteral("timed out after 130 ms"));
    QVERIFY(text("executionInput").contains(QStringLiteral("\"question 120\"")));
    QVERIFY(text("executionOutput").contains(QStringLiteral("\"hits\": 120")));

    table(*page, "executions")->selectRow(row - 1);

    QCOMPARE(page->executionModel()->execution(row - 1).value("id").toString(), m_executions.at(withBoth + 1).id);
    QVERIFY(text("executionInput").contains(QStringLiteral("\"question 121\"")));
    QCOMPARE(text("executionOutput"), QString());
    QCOMPARE(text("executionError"), QString());
}

void tst_McpPage::refreshKeepsSelections()
{
    const auto page = loadedPage();
    const QString searchId = m_servers.at(0).value("id").toString();
    const QString fetchId = tool(0, "fetch").value("id").toString();
    table(*page, "servers")->selectRow(page->serverModel()->rowOf(searchId));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->toolModel()->rowCount() == 2, TimeoutMs);
    table(*page, "tools")->selectRow(page->toolModel()->rowOf(fetchId));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->executionQuery().toolId == fetchId, TimeoutMs);
    const QStringList fetches = expectedIds([&](const Execution &e) { return e.toolId == fetchId; });
    QTRY_COMPARE_WITH_TIMEOUT(idsOf(*page->executionModel()), fetches, TimeoutMs);
    table(*page, "executions")->selectRow(2);
    const QString input = page->findChild<QPlainTextEdit *>("executionInput")->toPlainText();
    QVERIFY(!input.isEmpty());

    page->refresh();
    QVERIFY(page->isBusy());

    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
    QCOMPARE(page->executionQuery().serverId, searchId);
    QCOMPARE(page->executionQuery().toolId, fetchId);
    QCOMPARE(idsOf(*page->executionModel()), fetches);
    QCOMPARE(table(*page, "servers")->selectionModel()->selectedRows().value(0).row(),
             page->serverModel()->rowOf(searchId));
    QCOMPARE(table(*page, "tools")->selectionModel()->selectedRows().value(0).row(),
             page->toolModel()->rowOf(fetchId));
    QCOMPARE(table(*page, "executions")->selectionModel()->selectedRows().value(0).row(), 2);
    QCOMPARE(page->findChild<QPlainTextEdit *>("executionInput")->toPlainText(), input);
}

void tst_McpPage::reloadClearsSelections()
{
    const auto page = loadedPage();
    table(*page, "servers")->selectRow(0);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->toolModel()->rowCount() == 3, TimeoutMs);

    page->reload();

    QCOMPARE(page->toolModel()->rowCount(), 0);
    QCOMPARE(page->executionQuery().serverId, QString());
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->serverModel()->rowCount() == 2, TimeoutMs);
    QVERIFY(!table(*page, "servers")->selectionModel()->hasSelection());
    QCOMPARE(page->toolModel()->rowCount(), 0);
    QCOMPARE(idsOf(*page->executionModel()).first(), m_executions.last().id);
}

void tst_McpPage::stoppedServerReportsError()
{
    m_client.setApiKey(QStringLiteral("mcppage-empty"));
    {
        McpPage empty(m_client);
        empty.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!empty.isBusy() && empty.executionModel()->hasLoaded(), TimeoutMs);
        QCOMPARE(empty.findChild<QLabel *>("serversEmpty")->text(),
                 QStringLiteral("No MCP servers registered in this project"));
        QCOMPARE(empty.findChild<QLabel *>("executionsEmpty")->text(),
                 QStringLiteral("No executions match these filters"));
    }
    m_client.setApiKey(QString::fromLatin1(Project));

    m_service.stop();
    McpPage page(m_client);
    QSignalSpy errors(&page, &ConsolePage::errorOccurred);

    page.refresh();

    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && errors.count() >= 2, TimeoutMs);
    for (const QList<QVariant> &error : errors)
        QVERIFY2(error.at(0).toString().startsWith(QLatin1String("Cannot reach")), qPrintable(error.at(0).toString()));
    QCOMPARE(page.lastError(), errors.last().at(0).toString());
    QCOMPARE(page.serverModel()->rowCount(), 0);
    QCOMPARE(page.executionModel()->rowCount(), 0);
    QVERIFY(!page.executionModel()->canFetchMore({}));
}

QTEST_MAIN(tst_McpPage)
#include "tst_mcppage.moc"
