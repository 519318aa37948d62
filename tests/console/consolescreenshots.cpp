// SPDX-License-Identifier: MIT
// Takes the screenshots of docs/console.md: the real console, with data the tool logs
// itself, against the real service started in this process. scripts/screenshots runs it.

#include "connection/connectionsettings.h"
#include "conversations/conversationspage.h"
#include "logs/logspage.h"
#include "mcp/mcppage.h"
#include "receipts/receiptspage.h"
#include "registry/registrypage.h"
#include "usage/usagepage.h"
#include "window/mainwindow.h"

#include "api/apiclient.h"
#include "httpclient.h"
#include "receipts/receiptkeys.h"
#include "receipts/signingkey.h"
#include "registry/registryclient.h"
#include "service.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>

#include <optional>

using namespace llmring;

namespace {

const QByteArray Project = "acme-prod";

struct DemoCall
{
    const char *provider;
    const char *model;
    const char *alias;
    const char *origin;
    int inputTokens;
    int outputTokens;
    int cachedTokens;
};

// Models of the fixture registry, so every log is priced from it.
const DemoCall DemoCalls[] = {
    {"openai", "gpt-4o", "summarizer", "billing-service", 1800, 420, 600},
    {"openai", "gpt-4o-mini", "classifier", "support-bot", 900, 60, 0},
    {"anthropic", "claude-3-5-haiku", "drafter", "support-bot", 2400, 700, 0},
    {"google", "gemini-1.5-pro", "researcher", "analytics", 5200, 900, 0},
    {"openai", "gpt-4o", "summarizer", "analytics", 3100, 650, 1200},
};

const double DemoReceiptCosts[] = {0.00795, 0.000234, 0.00472, 0.011385, 0.0147, 0.0052};

// Runs the event loop until `done` returns true or `timeoutMs` passes.
bool waitFor(const std::function<bool()> &done, int timeoutMs = 15000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

void pause(int milliseconds)
{
    waitFor([] { return false; }, milliseconds);
}

bool logDemoData(test::HttpClient &client, test::TestDatabase &database, QTextStream &err)
{
    // 240 calls spread over the last 30 days, most recent days busiest.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 240; ++i) {
        const DemoCall &call = DemoCalls[i % std::size(DemoCalls)];
        const QJsonObject body{{"provider", call.provider},
                               {"model", call.model},
                               {"alias", call.alias},
                               {"origin", call.origin},
                               {"input_tokens", call.inputTokens + (i * 37) % 900},
                               {"output_tokens", call.outputTokens + (i * 13) % 200},
                               {"cached_input_tokens", call.cachedTokens},
                               {"latency_ms", 300 + (i * 53) % 1500},
                               {"metadata", QJsonObject{{"finish_reason", "stop"}}}};
        const test::HttpResponse response = client.post(QStringLiteral("/api/v1/log"),
                                                        QJsonDocument(body).toJson(QJsonDocument::Compact),
                                                        test::apiKey(Project));
        if (response.status != 201) {
            err << "logging failed: " << response.status << ' ' << response.body << Qt::endl;
            return false;
        }
        const int daysAgo = (i * 7 + i / 3) % 30;
        const QDateTime loggedAt = now.addDays(-daysAgo).addSecs(-((i * 977) % 80000));
        database.exec(QStringLiteral("UPDATE {{schema}}.usage_logs SET logged_at = CAST(:at AS timestamptz)"
                                     " WHERE id = CAST(:id AS uuid)"),
                      {{QStringLiteral("at"), loggedAt.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("id"), response.json()[QStringLiteral("log_id")].toString()}});
    }
    for (int i = 0; i < 6; ++i) {
        const DemoCall &call = DemoCalls[i % std::size(DemoCalls)];
        const QJsonObject receipt{
            {"model", QStringLiteral("%1:%2").arg(call.provider, call.model)},
            {"alias", call.alias},
            {"lock_digest", "sha256:3f1c9a7e"},
            {"tokens", QJsonObject{{"input", call.inputTokens}, {"output", call.outputTokens}}},
            {"cost", QJsonObject{{"amount", DemoReceiptCosts[i]}, {"calculation", "registry prices"}}}};
        const test::HttpResponse response = client.post(QStringLiteral("/api/v1/receipts/issue"),
                                                        QJsonDocument(receipt).toJson(QJsonDocument::Compact),
                                                        test::apiKey(Project));
        if (response.status != 201) {
            err << "issuing a receipt failed: " << response.status << ' ' << response.body << Qt::endl;
            return false;
        }
    }
    return true;
}


// Posts `body` to `path` and reports a status other than `expected`.
std::optional<QJsonValue> postDemo(test::HttpClient &client, const QString &path, const QJsonObject &body,
                                   int expected, QTextStream &err)
{
    const test::HttpResponse response =
        client.post(path, QJsonDocument(body).toJson(QJsonDocument::Compact), test::apiKey(Project));
    if (response.status != expected) {
        err << "POST " << path << " failed: " << response.status << ' ' << response.body << Qt::endl;
        return std::nullopt;
    }
    return response.json();
}

// A few logged conversations, and two MCP servers whose tools an agent called.
bool logConversationAndMcpDemoData(test::HttpClient &client, QTextStream &err)
{
    const QStringList questions{QStringLiteral("Summarise the Q3 board minutes in five bullet points."),
                                QStringLiteral("Draft a polite reply declining the vendor's offer."),
                                QStringLiteral("Which invoices from October are still unpaid?")};
    const QStringList answers{QStringLiteral("- Revenue grew 12 % over Q2\n- Hiring freeze lifted for engineering\n"
                                             "- New office opens in March\n- Audit found no issues\n"
                                             "- Next meeting on 14 January"),
                              QStringLiteral("Thank you for your offer. After careful review we have decided not to "
                                             "proceed at this time."),
                              QStringLiteral("Three invoices are unpaid: INV-1042, INV-1047 and INV-1051.")};
    for (qsizetype i = 0; i < questions.size(); ++i) {
        const DemoCall &call = DemoCalls[i % std::size(DemoCalls)];
        const QJsonObject body{
            {"messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "You are a concise assistant."}},
                                    QJsonObject{{"role", "user"}, {"content", questions.at(i)}}}},
            {"response", QJsonObject{{"content", answers.at(i)}, {"model", call.model}, {"finish_reason", "stop"}}},
            {"metadata", QJsonObject{{"provider", call.provider}, {"model", call.model}, {"alias", call.alias},
                                     {"origin", "llmring"}, {"input_tokens", call.inputTokens},
                                     {"output_tokens", call.outputTokens}}}};
        if (!postDemo(client, QStringLiteral("/conversations/log"), body, 201, err))
            return false;
    }

    const QList<std::pair<QString, QStringList>> servers{
        {QStringLiteral("files"), {QStringLiteral("search"), QStringLiteral("read_file")}},
        {QStringLiteral("billing"), {QStringLiteral("list_invoices")}}};
    for (const auto &[name, tools] : servers) {
        const auto server = postDemo(
            client, QStringLiteral("/api/v1/mcp/servers"),
            QJsonObject{{"name", name}, {"url", QStringLiteral("http://127.0.0.1:9100/%1/mcp").arg(name)},
                        {"transport_type", "http"},
                        {"auth_config", QJsonObject{{"headers", QJsonObject{{"Authorization", "Bearer demo"}}}}}},
            201, err);
        if (!server)
            return false;
        QJsonArray toolItems;
        for (const QString &tool : tools)
            toolItems.append(QJsonObject{{"name", tool}, {"inputSchema", QJsonObject{{"type", "object"}}}});
        const auto catalog = postDemo(client, QStringLiteral("/api/v1/mcp/servers/%1/refresh").arg((*server)["id"].toString()),
                                      QJsonObject{{"tools", toolItems}}, 200, err);
        if (!catalog)
            return false;
        const QJsonArray storedTools = (*catalog)["tools"].toArray();
        for (int call = 0; call < 6; ++call) {
            const QJsonObject tool = storedTools.at(call % storedTools.size()).toObject();
            QJsonObject execution{{"input", QJsonObject{{"query", QStringLiteral("report %1").arg(call)}}},
                                  {"duration_ms", 40 + call * 35}};
            if (call == 4)
                execution.insert("error", "timed out after 30 s");
            else
                execution.insert("output", QJsonObject{{"hits", call + 1}});
            if (!postDemo(client, QStringLiteral("/api/v1/mcp/tools/%1/execute").arg(tool["id"].toString()),
                          execution, 201, err)) {
                return false;
            }
        }
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Takes a screenshot of each console page into FOLDER, against a service started in this process "
        "on LLMRING_TEST_DATABASE_URL with data logged by this tool."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("Where the PNG files go."));
    parser.process(application);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QDir folder(parser.positionalArguments().first());
    if (!QDir().mkpath(folder.path())) {
        err << "cannot create " << folder.path() << Qt::endl;
        return 1;
    }

    test::TestDatabase database(QStringLiteral("screenshots"));
    if (!database.isConfigured()) {
        err << database.error() << Qt::endl;
        return 1;
    }
    Settings settings = database.settings();
    const auto signingKey = receipts::SigningKey::generate();
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("LLMRING_RECEIPTS_PRIVATE_KEY_B64"), QString::fromLatin1(signingKey->seed().toBase64()));
    QString error;
    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, &error);
    test::TestService service;
    if (!settings.receiptKeys || !service.start(settings, &error)) {
        err << "cannot start the service: " << error << Qt::endl;
        return 1;
    }
    test::HttpClient http(service.baseUrl());
    if (!waitFor([&service] { return !service.service().registry().current().isEmpty(); })
        || !logDemoData(http, database, err) || !logConversationAndMcpDemoData(http, err)) {
        return 1;
    }

    QTemporaryDir settingsFolder;
    console::ConnectionSettings connections(settingsFolder.filePath(QStringLiteral("console.ini")));
    connections.save(console::Connection{QStringLiteral("acme production"), service.baseUrl(), QString::fromLatin1(Project)});
    connections.setCurrent(QStringLiteral("acme production"));

    api::ApiClient client;
    console::MainWindow window(client, connections);
    window.addPage(new console::UsagePage(client));
    window.addPage(new console::LogsPage(client));
    window.addPage(new console::ReceiptsPage(client));
    window.addPage(new console::RegistryPage(client));
    window.addPage(new console::ConversationsPage(client));
    window.addPage(new console::McpPage(client));
    window.resize(1280, 800);
    window.show();
    window.connectToCurrent();

    const QStringList names{QStringLiteral("usage"),    QStringLiteral("logs"),          QStringLiteral("receipts"),
                            QStringLiteral("registry"), QStringLiteral("conversations"), QStringLiteral("mcp")};
    for (int index = 0; index < names.size(); ++index) {
        window.setCurrentPage(index);
        console::ConsolePage *page = window.currentPage();
        page->refresh();
        if (!waitFor([page] { return !page->isBusy(); })) {
            err << "the " << names.at(index) << " page did not finish loading" << Qt::endl;
            return 1;
        }
        if (names.at(index) == QLatin1String("logs") || names.at(index) == QLatin1String("receipts")
            || names.at(index) == QLatin1String("conversations")) {
            if (auto *table = page->findChild<QTableView *>())
                table->selectRow(0);
        }
        // Charts animate and the detail views verify in the background.
        pause(1500);
        if (!page->lastError().isEmpty()) {
            err << "the " << names.at(index) << " page reported: " << page->lastError() << Qt::endl;
            return 1;
        }
        const QString path = folder.filePath(QStringLiteral("console-%1.png").arg(names.at(index)));
        if (!window.grab().save(path)) {
            err << "cannot write " << path << Qt::endl;
            return 1;
        }
        out << "wrote " << path << Qt::endl;
    }
    service.stop();
    database.dropSchema(database.schema());
    return 0;
}
