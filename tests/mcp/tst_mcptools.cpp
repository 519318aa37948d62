// SPDX-License-Identifier: MIT
// The MCP tool routes and tool executions against the real service and database.
// Covers creating, listing and reading tools, recording executions, a tool's history,
// GET /api/v1/mcp/executions with its filters, validation, concurrent executions, the
// audit trail that outlives deleted tools and servers, and project isolation. Servers
// are inserted with SQL, so these tests do not depend on the server routes.

#include "httpclient.h"
#include "jsonprinting.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <array>
#include <functional>

using namespace llmring;
using namespace llmring::test;

namespace {

const QString UnknownId = QStringLiteral("00000000-0000-4000-8000-000000000000");
const QString Tools = QStringLiteral("/api/v1/mcp/tools");
const QString Executions = QStringLiteral("/api/v1/mcp/executions");
const QByteArray ToolNotFoundBody = R"({"detail":"Tool not found"})";
const QByteArray ServerNotFoundBody = R"({"detail":"Server not found"})";
const QByteArray ConversationNotFoundBody = R"({"detail":"Conversation not found"})";

const QJsonObject SearchSchema{
    {"type", "object"},
    {"properties", QJsonObject{{"query", QJsonObject{{"type", "string"}}}}},
    {"required", QJsonArray{"query"}},
};

QString toolPath(const QString &toolId, const QString &suffix = {})
{
    return Tools + u'/' + toolId + suffix;
}

QJsonObject without(QJsonObject object, const QStringList &members)
{
    for (const QString &member : members)
        object.remove(member);
    return object;
}

// A tool without its generated `id` and `created_at`.
QJsonObject withoutGenerated(const QJsonObject &tool)
{
    return without(tool, {"id", "created_at"});
}

// An execution without its generated `id` and `executed_at`.
QJsonObject executionWithoutGenerated(const QJsonObject &execution)
{
    return without(execution, {"id", "executed_at"});
}

// True when `tool` has the 7 members of a tool (8 with `server`), a UUID id and a timestamp.
bool hasToolShape(const QJsonValue &tool, bool withServer)
{
    const QJsonObject object = tool.toObject();
    return object.size() == (withServer ? 8 : 7) && isUuid(object.value("id"))
        && isTimestamp(object.value("created_at"));
}

// True when `execution` has the 8 members of an execution (10 with the names), a UUID
// id and a timestamp.
bool hasExecutionShape(const QJsonValue &execution, bool withNames)
{
    const QJsonObject object = execution.toObject();
    return object.size() == (withNames ? 10 : 8) && isUuid(object.value("id"))
        && isTimestamp(object.value("executed_at"));
}

QStringList idsOf(const QJsonArray &items)
{
    QStringList ids;
    for (const QJsonValue &item : items)
        ids.append(item.toObject().value("id").toString());
    return ids;
}

QStringList reversed(QStringList list)
{
    std::reverse(list.begin(), list.end());
    return list;
}

// The execution object with tool_id, conversation_id, input, output, error and
// duration_ms as given, without the generated members.
QJsonObject plainExecution(const QString &toolId, const QJsonObject &input, const QJsonValue &output = QJsonValue::Null,
                           const QJsonValue &error = QJsonValue::Null, const QJsonValue &durationMs = QJsonValue::Null,
                           const QJsonValue &conversationId = QJsonValue::Null)
{
    return QJsonObject{
        {"tool_id", toolId},   {"conversation_id", conversationId}, {"input", input},
        {"output", output},    {"error", error},                    {"duration_ms", durationMs},
    };
}

} // namespace

class tst_McpTools final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createToolReturnsTool();
    void createToolAcceptsWireSpelling();
    void createToolRejectsInvalid_data();
    void createToolRejectsInvalid();
    void createToolReportsUnknownServer();
    void createToolRejectsDuplicateName();

    void listToolsIncludesServer();
    void listToolsFiltersByActivity();
    void listToolsRejectsBadQuery_data();
    void listToolsRejectsBadQuery();

    void routesRejectMalformedId_data();
    void routesRejectMalformedId();
    void routesReportUnknownTool_data();
    void routesReportUnknownTool();

    void executeRecordsExecution();
    void executeStoresAnyOutput_data();
    void executeStoresAnyOutput();
    void executeRejectsInvalid_data();
    void executeRejectsInvalid();
    void executeLinksConversation();
    void executeRejectsForeignConversation();
    void concurrentExecutionsAreRecorded();

    void historyPagesNewestFirst();
    void historyRejectsBadQuery_data();
    void historyRejectsBadQuery();

    void executionsFilterByIds();
    void executionsFilterByDates();
    void executionsRejectBadQuery_data();
    void executionsRejectBadQuery();
    void executionsOutliveToolAndServer();

    void projectsAreIsolated();

private:
    // Inserts a server of `project` with SQL and returns its id.
    QString insertServer(const QByteArray &project, const QString &name,
                         const QString &url = QStringLiteral("http://127.0.0.1:9000/mcp"));
    // Creates a conversation of `project` and returns its id, or an empty string when that fails.
    QString createConversation(const QByteArray &project);
    // Creates a tool through the API and returns it, or an empty object when that fails.
    QJsonObject createTool(const QByteArray &project, const QString &serverId, const QString &name,
                           const QJsonObject &inputSchema = SearchSchema);
    // Records an execution through the API and returns it, or an empty object when that fails.
    QJsonObject execute(const QByteArray &project, const QString &toolId, const QJsonObject &body);
    // The body of a GET that must return 200, or an undefined value when it does not.
    QJsonValue getOk(const QString &pathAndQuery, const QByteArray &project);
    // How many executions of `project` the database holds.
    qint64 executionCount(const QByteArray &project);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_McpTools::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("mcptools"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    Settings settings = m_database->settings();
    // More worker loops than the default two, so concurrent executions really overlap.
    settings.workers = 6;
    QString error;
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_McpTools::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

QString tst_McpTools::insertServer(const QByteArray &project, const QString &name, const QString &url)
{
    return m_database
        ->scalar(QStringLiteral("INSERT INTO {{schema}}.mcp_servers (api_key_id, name, url, transport_type)"
                                " VALUES (:project, :name, :url, 'http') RETURNING id::text"),
                 {{QStringLiteral("project"), QString::fromUtf8(project)},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("url"), url}})
        .toString();
}

QString tst_McpTools::createConversation(const QByteArray &project)
{
    const HttpResponse response =
        m_client->post(QStringLiteral("/api/v1/conversations"), R"({"title": "agent run"})", apiKey(project));
    if (response.status != 201) {
        qWarning("create conversation returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json()["id"].toString();
}

QJsonObject tst_McpTools::createTool(const QByteArray &project, const QString &serverId, const QString &name,
                                     const QJsonObject &inputSchema)
{
    const QJsonObject body{{"server_id", serverId}, {"name", name}, {"input_schema", inputSchema}};
    const HttpResponse response = m_client->post(Tools, bodyOf(body), apiKey(project));
    if (response.status != 201) {
        qWarning("create tool returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

QJsonObject tst_McpTools::execute(const QByteArray &project, const QString &toolId, const QJsonObject &body)
{
    const HttpResponse response = m_client->post(toolPath(toolId, "/execute"), bodyOf(body), apiKey(project));
    if (response.status != 201) {
        qWarning("execute returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

QJsonValue tst_McpTools::getOk(const QString &pathAndQuery, const QByteArray &project)
{
    const HttpResponse response = m_client->get(pathAndQuery, apiKey(project));
    if (response.status != 200) {
        qWarning("GET %s returned %d: %s", qPrintable(pathAndQuery), response.status, response.body.constData());
        return {};
    }
    return response.json();
}

qint64 tst_McpTools::executionCount(const QByteArray &project)
{
    return m_database
        ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.mcp_tool_executions WHERE api_key_id = :project"),
                 {{QStringLiteral("project"), QString::fromUtf8(project)}})
        .toLongLong();
}

void tst_McpTools::createToolReturnsTool()
{
    const QByteArray project = "tools-create";
    const QString serverId = insertServer(project, "files", "https://mcp.example.com/files");
    const QString longName(255, u'n');
    const QJsonObject request{
        {"server_id", serverId.toUpper()},
        {"name", "search"},
        {"description", "Searches the files"},
        {"input_schema", SearchSchema},
        {"unknown", QJsonArray{1}},
    };

    const HttpResponse response = m_client->post(Tools, bodyOf(request), apiKey(project));
    const QJsonObject longNamedRequest{{"server_id", serverId}, {"name", longName}, {"input_schema", QJsonObject()}};
    const HttpResponse longNamed = m_client->post(Tools, bodyOf(longNamedRequest), apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonObject tool = response.json().toObject();
    QVERIFY2(hasToolShape(tool, false), response.body.constData());
    const QJsonObject expected{
        {"server_id", serverId},
        {"name", "search"},
        {"description", "Searches the files"},
        {"input_schema", SearchSchema},
        {"is_active", true},
    };
    QCOMPARE(withoutGenerated(tool), expected);
    QCOMPARE(longNamed.status, 201);
    QCOMPARE(longNamed.json()["name"].toString(), longName);
    QCOMPARE(longNamed.json()["description"], QJsonValue(QJsonValue::Null));
    QCOMPARE(longNamed.json()["input_schema"], QJsonValue(QJsonObject()));

    // GET adds the server summary to the same members.
    QJsonObject withServer = tool;
    withServer.insert("server",
                      QJsonObject{{"id", serverId}, {"name", "files"}, {"url", "https://mcp.example.com/files"}});
    QCOMPARE(getOk(toolPath(tool["id"].toString()), project), QJsonValue(withServer));
}

void tst_McpTools::createToolAcceptsWireSpelling()
{
    const QByteArray project = "tools-wire";
    const QString serverId = insertServer(project, "wire");
    const QJsonObject other{{"type", "object"}, {"properties", QJsonObject()}};

    const HttpResponse camel = m_client->post(
        Tools, bodyOf(QJsonObject{{"server_id", serverId}, {"name", "camel"}, {"description", QJsonValue::Null},
                                  {"inputSchema", SearchSchema}}),
        apiKey(project));
    const HttpResponse both = m_client->post(Tools,
                                             bodyOf(QJsonObject{{"server_id", serverId},
                                                                {"name", "both"},
                                                                {"input_schema", SearchSchema},
                                                                {"inputSchema", other}}),
                                             apiKey(project));
    const HttpResponse snakeNull = m_client->post(Tools,
                                                  bodyOf(QJsonObject{{"server_id", serverId},
                                                                     {"name", "snake-null"},
                                                                     {"input_schema", QJsonValue::Null},
                                                                     {"inputSchema", other}}),
                                                  apiKey(project));

    QCOMPARE(camel.status, 201);
    QCOMPARE(camel.json()["input_schema"], QJsonValue(SearchSchema));
    QCOMPARE(camel.json()["description"], QJsonValue(QJsonValue::Null));
    QVERIFY(!camel.json().toObject().contains("inputSchema"));
    // As in a refresh, two spellings of one field are ambiguous.
    QCOMPARE(both.status, 422);
    QCOMPARE(both.json().toObject(),
             validationBody(QJsonArray{"body", "inputSchema"}, QStringLiteral("must not be given together with input_schema"),
                            QStringLiteral("value_error")));
    // A null member counts as absent, so the other spelling is read.
    QCOMPARE(snakeNull.status, 201);
    QCOMPARE(snakeNull.json()["input_schema"], QJsonValue(other));
}

void tst_McpTools::createToolRejectsInvalid_data()
{
    QTest::addColumn<QJsonValue>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    // `%server%` in a body is replaced by the id of the project's server.
    const QJsonObject valid{{"server_id", "%server%"}, {"name", "tool"}, {"input_schema", QJsonObject()}};
    const auto with = [&valid](const QString &member, const QJsonValue &value) {
        QJsonObject body = valid;
        if (value.isUndefined())
            body.remove(member);
        else
            body.insert(member, value);
        return QJsonValue(body);
    };
    const QString missing = QStringLiteral("missing");
    const QString valueError = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    const QJsonArray serverLoc{"body", "server_id"};
    const QJsonArray nameLoc{"body", "name"};
    const QJsonArray schemaLoc{"body", "input_schema"};

    QTest::newRow("server_id missing") << with("server_id", QJsonValue::Undefined) << serverLoc
                                       << QStringLiteral("field required") << missing;
    QTest::newRow("server_id null") << with("server_id", QJsonValue::Null) << serverLoc
                                    << QStringLiteral("field required") << missing;
    QTest::newRow("server_id malformed") << with("server_id", "not-a-uuid") << serverLoc
                                         << QStringLiteral("must be a UUID") << valueError;
    QTest::newRow("server_id braced") << with("server_id", "{" + UnknownId + "}") << serverLoc
                                      << QStringLiteral("must be a UUID") << valueError;
    QTest::newRow("server_id number") << with("server_id", 7) << serverLoc << QStringLiteral("must be a UUID")
                                      << valueError;
    QTest::newRow("name missing") << with("name", QJsonValue::Undefined) << nameLoc << QStringLiteral("field required")
                                  << missing;
    QTest::newRow("name empty") << with("name", "") << nameLoc << QStringLiteral("must be at least 1 character")
                                << valueError;
    QTest::newRow("name 256 characters") << with("name", QString(256, u'n')) << nameLoc
                                         << QStringLiteral("must be at most 255 characters") << valueError;
    QTest::newRow("name number") << with("name", 1) << nameLoc << QStringLiteral("must be a string") << typeError;
    QTest::newRow("description object") << with("description", QJsonObject()) << QJsonArray{"body", "description"}
                                         << QStringLiteral("must be a string") << typeError;
    QTest::newRow("input_schema missing") << with("input_schema", QJsonValue::Undefined) << schemaLoc
                                          << QStringLiteral("field required") << missing;
    QTest::newRow("input_schema null") << with("input_schema", QJsonValue::Null) << schemaLoc
                                       << QStringLiteral("field required") << missing;
    QTest::newRow("input_schema array") << with("input_schema", QJsonArray{QJsonObject()}) << schemaLoc
                                        << QStringLiteral("must be an object") << typeError;
    QTest::newRow("input_schema string") << with("input_schema", "{}") << schemaLoc
                                         << QStringLiteral("must be an object") << typeError;
    QJsonObject camelArray = valid;
    camelArray.remove("input_schema");
    camelArray.insert("inputSchema", QJsonArray());
    QTest::newRow("inputSchema array") << QJsonValue(camelArray) << QJsonArray{"body", "inputSchema"}
                                       << QStringLiteral("must be an object") << typeError;
    QTest::newRow("body array") << QJsonValue(QJsonArray{valid}) << QJsonArray{"body"}
                                << QStringLiteral("must be a JSON object") << typeError;
}

void tst_McpTools::createToolRejectsInvalid()
{
    QFETCH(QJsonValue, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = "tools-create-invalid";
    const QString serverId = insertServer(project, QString::fromLatin1(QTest::currentDataTag()));
    const QByteArray text = bodyOf(body).replace("%server%", serverId.toUtf8());

    const HttpResponse response = m_client->post(Tools, text, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(getOk(Tools + QStringLiteral("?is_active=all"), project), QJsonValue(QJsonArray()));
}

void tst_McpTools::createToolReportsUnknownServer()
{
    const QByteArray owner = "tools-server-owner";
    const QByteArray intruder = "tools-server-intruder";
    const QString ownerServer = insertServer(owner, "owned");
    const auto bodyFor = [](const QString &serverId) {
        return bodyOf(QJsonObject{{"server_id", serverId}, {"name", "planted"}, {"input_schema", QJsonObject()}});
    };

    const HttpResponse unknown = m_client->post(Tools, bodyFor(UnknownId), apiKey(intruder));
    // The Python service created tools on any project's server.
    const HttpResponse foreign = m_client->post(Tools, bodyFor(ownerServer), apiKey(intruder));

    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.body, ServerNotFoundBody);
    QCOMPARE(foreign.status, 404);
    QCOMPARE(foreign.body, ServerNotFoundBody);
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.mcp_tools"
                                         " WHERE server_id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), ownerServer}})
                 .toLongLong(),
             0);
    QCOMPARE(getOk(Tools + QStringLiteral("?is_active=all"), owner), QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Tools + QStringLiteral("?is_active=all"), intruder), QJsonValue(QJsonArray()));
}

void tst_McpTools::createToolRejectsDuplicateName()
{
    const QByteArray project = "tools-duplicate";
    const QString files = insertServer(project, "files");
    const QString web = insertServer(project, "web");
    const QJsonObject first = createTool(project, files, "search");
    QVERIFY(!first.isEmpty());

    const HttpResponse duplicate = m_client->post(
        Tools, bodyOf(QJsonObject{{"server_id", files}, {"name", "search"}, {"input_schema", QJsonObject()}}),
        apiKey(project));
    const HttpResponse otherServer = m_client->post(
        Tools, bodyOf(QJsonObject{{"server_id", web}, {"name", "search"}, {"input_schema", QJsonObject()}}),
        apiKey(project));

    QCOMPARE(duplicate.status, 409);
    QCOMPARE(duplicate.json().toObject(),
             (QJsonObject{{"detail", R"(Tool "search" already exists on server "files")"}}));
    QCOMPARE(otherServer.status, 201);
    const QJsonArray tools = getOk(Tools, project).toArray();
    QCOMPARE(idsOf(tools), (QStringList{first["id"].toString(), otherServer.json()["id"].toString()}));
    // The first tool keeps its schema.
    QCOMPARE(tools.at(0)["input_schema"], QJsonValue(SearchSchema));
}

void tst_McpTools::listToolsIncludesServer()
{
    const QByteArray project = "tools-list";
    const QString files = insertServer(project, "files", "stdio://files");
    const QString web = insertServer(project, "web", "https://web.example.com/mcp");
    const QJsonObject search = createTool(project, files, "search");
    const QJsonObject fetch = createTool(project, web, "fetch", QJsonObject{{"type", "object"}});
    const QJsonObject read = createTool(project, files, "read");
    QVERIFY(!search.isEmpty() && !fetch.isEmpty() && !read.isEmpty());
    // Another project's server and tool never appear.
    const QString foreignServer = insertServer("tools-list-other", "files");
    QVERIFY(!createTool("tools-list-other", foreignServer, "search").isEmpty());

    const QJsonObject filesSummary{{"id", files}, {"name", "files"}, {"url", "stdio://files"}};
    const QJsonObject webSummary{{"id", web}, {"name", "web"}, {"url", "https://web.example.com/mcp"}};
    const auto withServer = [](QJsonObject tool, const QJsonObject &server) {
        tool.insert("server", server);
        return tool;
    };
    const QJsonArray all{withServer(search, filesSummary), withServer(fetch, webSummary),
                         withServer(read, filesSummary)};

    QCOMPARE(getOk(Tools, project), QJsonValue(all));
    QCOMPARE(getOk(Tools + QStringLiteral("?server_id=") + files, project),
             QJsonValue(QJsonArray{all.at(0), all.at(2)}));
    QCOMPARE(getOk(Tools + QStringLiteral("?server_id=") + web.toUpper(), project), QJsonValue(QJsonArray{all.at(1)}));
    QCOMPARE(getOk(Tools + QStringLiteral("?server_id=") + UnknownId, project), QJsonValue(QJsonArray()));
    for (const QJsonValue &tool : all)
        QVERIFY(hasToolShape(tool, true));
}

void tst_McpTools::listToolsFiltersByActivity()
{
    const QByteArray project = "tools-active";
    const QString serverId = insertServer(project, "files");
    const QJsonObject active = createTool(project, serverId, "active");
    QJsonObject inactive = createTool(project, serverId, "inactive");
    QVERIFY(!active.isEmpty() && !inactive.isEmpty());
    m_database->exec(QStringLiteral("UPDATE {{schema}}.mcp_tools SET is_active = false WHERE id = CAST(:id AS uuid)"),
                     {{QStringLiteral("id"), inactive["id"].toString()}});
    inactive.insert("is_active", false);

    const QJsonArray byDefault = getOk(Tools, project).toArray();
    const QJsonArray onlyActive = getOk(Tools + QStringLiteral("?is_active=true"), project).toArray();
    const QJsonArray onlyInactive = getOk(Tools + QStringLiteral("?is_active=false"), project).toArray();
    const QJsonArray all = getOk(Tools + QStringLiteral("?is_active=all"), project).toArray();

    QCOMPARE(idsOf(byDefault), QStringList{active["id"].toString()});
    QCOMPARE(idsOf(onlyActive), QStringList{active["id"].toString()});
    QCOMPARE(idsOf(onlyInactive), QStringList{inactive["id"].toString()});
    QCOMPARE(onlyInactive.at(0)["is_active"], QJsonValue(false));
    QCOMPARE(idsOf(all), (QStringList{active["id"].toString(), inactive["id"].toString()}));
    // An inactive tool is still found by id.
    QCOMPARE(getOk(toolPath(inactive["id"].toString()), project)["is_active"], QJsonValue(false));
}

void tst_McpTools::listToolsRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("msg");

    QTest::newRow("server_id malformed") << QStringLiteral("server_id=abc") << QStringLiteral("server_id")
                                         << QStringLiteral("must be a UUID");
    QTest::newRow("server_id empty") << QStringLiteral("server_id=") << QStringLiteral("server_id")
                                     << QStringLiteral("must be a UUID");
    QTest::newRow("is_active unknown") << QStringLiteral("is_active=yes") << QStringLiteral("is_active")
                                       << QStringLiteral("must be one of: true, false, all");
}

void tst_McpTools::listToolsRejectsBadQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, parameter);
    QFETCH(QString, msg);

    const HttpResponse response = m_client->get(Tools + u'?' + query, apiKey("tools-bad-query"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(QJsonArray{"query", parameter}, msg, "value_error"));
}

void tst_McpTools::routesRejectMalformedId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");

    QTest::newRow("get") << QByteArray("GET") << QString();
    QTest::newRow("execute") << QByteArray("POST") << QStringLiteral("/execute");
    QTest::newRow("history") << QByteArray("GET") << QStringLiteral("/history");
}

void tst_McpTools::routesRejectMalformedId()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    const QByteArray body = method == "POST" ? QByteArray(R"({"input": {}})") : QByteArray();

    const HttpResponse response = m_client->send(method, toolPath("not-a-uuid", suffix), body, apiKey("tools-bad-id"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(),
             validationBody(QJsonArray{"path", "tool_id"}, QStringLiteral("must be a UUID"), "value_error"));
}

void tst_McpTools::routesReportUnknownTool_data()
{
    routesRejectMalformedId_data();
}

void tst_McpTools::routesReportUnknownTool()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    const QByteArray body = method == "POST" ? QByteArray(R"({"input": {}})") : QByteArray();

    const HttpResponse response = m_client->send(method, toolPath(UnknownId, suffix), body, apiKey("tools-unknown"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, ToolNotFoundBody);
    QCOMPARE(executionCount("tools-unknown"), 0);
}

void tst_McpTools::executeRecordsExecution()
{
    const QByteArray project = "tools-execute";
    const QString serverId = insertServer(project, "files");
    const QJsonObject tool = createTool(project, serverId, "search");
    QVERIFY(!tool.isEmpty());
    const QString toolId = tool["id"].toString();
    const QJsonObject input{{"query", "quarterly report"}, {"limit", 5}};
    const QJsonObject output{{"matches", QJsonArray{"report-q1.pdf", "report-q2.pdf"}}};
    const QJsonObject fullRequest{
        {"input", input}, {"output", output}, {"error", "partial results"}, {"duration_ms", 1200.0}};

    const HttpResponse full = m_client->post(toolPath(toolId, "/execute"), bodyOf(fullRequest), apiKey(project));
    const HttpResponse minimal =
        m_client->post(toolPath(toolId.toUpper(), "/execute"), R"({"input": {}})", apiKey(project));
    const HttpResponse nulls = m_client->post(
        toolPath(toolId, "/execute"),
        R"({"input": {"a": null}, "output": null, "error": null, "duration_ms": null, "conversation_id": null})",
        apiKey(project));

    QCOMPARE(full.status, 201);
    QVERIFY2(hasExecutionShape(full.json(), false), full.body.constData());
    QCOMPARE(executionWithoutGenerated(full.json().toObject()),
             plainExecution(toolId, input, output, "partial results", 1200));
    QCOMPARE(minimal.status, 201);
    QVERIFY2(hasExecutionShape(minimal.json(), false), minimal.body.constData());
    QCOMPARE(executionWithoutGenerated(minimal.json().toObject()), plainExecution(toolId, QJsonObject()));
    QCOMPARE(nulls.status, 201);
    QCOMPARE(executionWithoutGenerated(nulls.json().toObject()),
             plainExecution(toolId, QJsonObject{{"a", QJsonValue::Null}}));

    // The row keeps the server's id and both names of the time of the execution.
    const QString executionId = full.json()["id"].toString();
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT server_id::text || ' ' || tool_name || ' ' || server_name"
                                         " FROM {{schema}}.mcp_tool_executions WHERE id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), executionId}})
                 .toString(),
             serverId + QStringLiteral(" search files"));
    QJsonObject listed = full.json().toObject();
    listed.insert("tool_name", "search");
    listed.insert("server_name", "files");
    const QJsonArray executions = getOk(Executions, project).toArray();
    QCOMPARE(executions.size(), 3);
    QCOMPARE(executions.at(2), QJsonValue(listed));
    QVERIFY(hasExecutionShape(executions.at(0), true));
}

void tst_McpTools::executeStoresAnyOutput_data()
{
    QTest::addColumn<QByteArray>("outputText");
    QTest::addColumn<QJsonValue>("output");

    QTest::newRow("string") << QByteArray(R"("done")") << QJsonValue("done");
    QTest::newRow("number") << QByteArray("2.5") << QJsonValue(2.5);
    QTest::newRow("zero") << QByteArray("0") << QJsonValue(0);
    QTest::newRow("false") << QByteArray("false") << QJsonValue(false);
    QTest::newRow("array") << QByteArray(R"([1, "two", null, {"three": 3}])")
                           << QJsonValue(QJsonArray{1, "two", QJsonValue::Null, QJsonObject{{"three", 3}}});
    QTest::newRow("empty object") << QByteArray("{}") << QJsonValue(QJsonObject());
    QTest::newRow("string with quotes and unicode") << QByteArray(R"("say \"hi\" \u00e9\ud83d\ude00")")
                                                    << QJsonValue(QStringLiteral("say \"hi\" \u00e9\U0001F600"));
}

void tst_McpTools::executeStoresAnyOutput()
{
    QFETCH(QByteArray, outputText);
    QFETCH(QJsonValue, output);
    const QByteArray project = "tools-output";
    const QString serverId = insertServer(project, QString::fromLatin1(QTest::currentDataTag()));
    const QString toolId = createTool(project, serverId, "tool")["id"].toString();
    QVERIFY(!toolId.isEmpty());

    const HttpResponse response =
        m_client->post(toolPath(toolId, "/execute"), R"({"input": {}, "output": )" + outputText + '}', apiKey(project));

    QCOMPARE(response.status, 201);
    QCOMPARE(response.json()["output"], output);
    const QJsonArray history = getOk(toolPath(toolId, "/history"), project).toArray();
    QCOMPARE(history, QJsonArray{response.json()});
}

void tst_McpTools::executeRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString missing = QStringLiteral("missing");
    const QString valueError = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    const QJsonArray inputLoc{"body", "input"};
    const QJsonArray durationLoc{"body", "duration_ms"};
    const QJsonArray conversationLoc{"body", "conversation_id"};

    QTest::newRow("input missing") << QByteArray(R"({"output": 1})") << inputLoc << QStringLiteral("field required")
                                   << missing;
    QTest::newRow("input null") << QByteArray(R"({"input": null})") << inputLoc << QStringLiteral("field required")
                                << missing;
    QTest::newRow("input array") << QByteArray(R"({"input": [1]})") << inputLoc << QStringLiteral("must be an object")
                                 << typeError;
    QTest::newRow("input string") << QByteArray(R"({"input": "query"})") << inputLoc
                                  << QStringLiteral("must be an object") << typeError;
    QTest::newRow("duration_ms negative") << QByteArray(R"({"input": {}, "duration_ms": -1})") << durationLoc
                                          << QStringLiteral("must be >= 0") << valueError;
    QTest::newRow("duration_ms fraction") << QByteArray(R"({"input": {}, "duration_ms": 1.5})") << durationLoc
                                          << QStringLiteral("must be an integer") << typeError;
    QTest::newRow("duration_ms above int32") << QByteArray(R"({"input": {}, "duration_ms": 2147483648})")
                                             << durationLoc << QStringLiteral("must be <= 2147483647") << valueError;
    QTest::newRow("duration_ms string") << QByteArray(R"({"input": {}, "duration_ms": "5"})") << durationLoc
                                        << QStringLiteral("must be an integer") << typeError;
    QTest::newRow("error number") << QByteArray(R"({"input": {}, "error": 500})") << QJsonArray{"body", "error"}
                                  << QStringLiteral("must be a string") << typeError;
    QTest::newRow("conversation_id malformed") << QByteArray(R"({"input": {}, "conversation_id": "conv-1"})")
                                               << conversationLoc << QStringLiteral("must be a UUID") << valueError;
    QTest::newRow("conversation_id number") << QByteArray(R"({"input": {}, "conversation_id": 12})")
                                            << conversationLoc << QStringLiteral("must be a UUID") << valueError;
    QTest::newRow("body array") << QByteArray(R"([{"input": {}}])") << QJsonArray{"body"}
                                << QStringLiteral("must be a JSON object") << typeError;
}

void tst_McpTools::executeRejectsInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = "tools-execute-invalid";
    const QString serverId = insertServer(project, QString::fromLatin1(QTest::currentDataTag()));
    const QString toolId = createTool(project, serverId, "tool")["id"].toString();
    QVERIFY(!toolId.isEmpty());

    const HttpResponse response = m_client->post(toolPath(toolId, "/execute"), body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(executionCount(project), 0);
}

void tst_McpTools::executeLinksConversation()
{
    const QByteArray project = "tools-conversation";
    const QString serverId = insertServer(project, "files");
    const QString toolId = createTool(project, serverId, "search")["id"].toString();
    const QString conversationId = createConversation(project);
    QVERIFY(!toolId.isEmpty() && !conversationId.isEmpty());

    const HttpResponse response = m_client->post(
        toolPath(toolId, "/execute"),
        bodyOf(QJsonObject{{"input", QJsonObject{{"query", "x"}}}, {"conversation_id", conversationId.toUpper()}}),
        apiKey(project));

    QCOMPARE(response.status, 201);
    QCOMPARE(executionWithoutGenerated(response.json().toObject()),
             plainExecution(toolId, QJsonObject{{"query", "x"}}, QJsonValue::Null, QJsonValue::Null, QJsonValue::Null,
                            conversationId));
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT conversation_id::text FROM {{schema}}.mcp_tool_executions"
                                         " WHERE id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), response.json()["id"].toString()}})
                 .toString(),
             conversationId);
}

void tst_McpTools::executeRejectsForeignConversation()
{
    const QByteArray project = "tools-foreign-conversation";
    const QString serverId = insertServer(project, "files");
    const QString toolId = createTool(project, serverId, "search")["id"].toString();
    const QString foreignConversation = createConversation("tools-foreign-conversation-other");
    QVERIFY(!toolId.isEmpty() && !foreignConversation.isEmpty());
    const auto bodyFor = [](const QString &conversationId) {
        return bodyOf(QJsonObject{{"input", QJsonObject()}, {"conversation_id", conversationId}});
    };

    const HttpResponse foreign =
        m_client->post(toolPath(toolId, "/execute"), bodyFor(foreignConversation), apiKey(project));
    const HttpResponse unknown = m_client->post(toolPath(toolId, "/execute"), bodyFor(UnknownId), apiKey(project));
    // An unknown tool is reported before the conversation.
    const HttpResponse unknownTool =
        m_client->post(toolPath(UnknownId, "/execute"), bodyFor(UnknownId), apiKey(project));

    QCOMPARE(foreign.status, 404);
    QCOMPARE(foreign.body, ConversationNotFoundBody);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.body, ConversationNotFoundBody);
    QCOMPARE(unknownTool.status, 404);
    QCOMPARE(unknownTool.body, ToolNotFoundBody);
    QCOMPARE(executionCount(project), 0);
    QCOMPARE(executionCount("tools-foreign-conversation-other"), 0);
}

void tst_McpTools::concurrentExecutionsAreRecorded()
{
    constexpr int Count = 20;
    const QByteArray project = "tools-concurrent";
    const QString serverId = insertServer(project, "files");
    const QString toolId = createTool(project, serverId, "search")["id"].toString();
    QVERIFY(!toolId.isEmpty());

    // Every request is sent before any response is read. Each QNetworkAccessManager
    // opens up to six connections to the service, so four of them carry all requests
    // at once over the service's worker loops.
    const QUrl url = m_service.baseUrl().resolved(QUrl(toolPath(toolId, "/execute")));
    std::array<QNetworkAccessManager, 4> networks;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < Count; ++i) {
        QNetworkRequest request(url);
        request.setRawHeader("X-API-Key", project);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        const QJsonObject body{{"input", QJsonObject{{"call", i}}}, {"duration_ms", i}};
        replies.append(networks.at(i % networks.size()).post(request, bodyOf(body)));
    }
    const auto allFinished = [&replies] {
        return std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *reply) { return reply->isFinished(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(), 60000);

    QSet<QString> returnedIds;
    for (int i = 0; i < Count; ++i) {
        QNetworkReply *reply = replies.at(i);
        reply->deleteLater();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        const QJsonObject execution = QJsonDocument::fromJson(reply->readAll()).object();
        QCOMPARE(execution["input"], QJsonValue(QJsonObject{{"call", i}}));
        QCOMPARE(execution["duration_ms"], QJsonValue(i));
        returnedIds.insert(execution["id"].toString());
    }
    QCOMPARE(returnedIds.size(), Count);

    const QStringList historyIds = idsOf(getOk(toolPath(toolId, "/history"), project).toArray());
    QCOMPARE(historyIds.size(), Count);
    QCOMPARE(QSet<QString>(historyIds.cbegin(), historyIds.cend()), returnedIds);
    QCOMPARE(executionCount(project), Count);
}

void tst_McpTools::historyPagesNewestFirst()
{
    constexpr int Count = 25;
    const QByteArray project = "tools-history";
    const QString serverId = insertServer(project, "files");
    const QString toolId = createTool(project, serverId, "search")["id"].toString();
    const QString otherToolId = createTool(project, serverId, "read")["id"].toString();
    QVERIFY(!toolId.isEmpty() && !otherToolId.isEmpty());
    QStringList created;
    for (int i = 0; i < Count; ++i) {
        const QJsonObject execution = execute(project, toolId, QJsonObject{{"input", QJsonObject{{"n", i}}}});
        QVERIFY(!execution.isEmpty());
        created.append(execution["id"].toString());
        // The other tool's executions are interleaved and never part of this history.
        if (i % 5 == 0)
            QVERIFY(!execute(project, otherToolId, QJsonObject{{"input", QJsonObject()}}).isEmpty());
    }
    const QStringList newestFirst = reversed(created);

    const QJsonArray firstPage = getOk(toolPath(toolId, "/history?limit=10"), project).toArray();
    const QJsonArray secondPage = getOk(toolPath(toolId, "/history?limit=10&offset=10"), project).toArray();
    const QJsonArray lastPage = getOk(toolPath(toolId, "/history?limit=10&offset=20"), project).toArray();
    const QJsonArray beyond = getOk(toolPath(toolId, "/history?offset=25"), project).toArray();
    const QJsonArray byDefault = getOk(toolPath(toolId, "/history"), project).toArray();
    const QJsonArray single = getOk(toolPath(toolId, "/history?limit=1&offset=24"), project).toArray();

    QCOMPARE(idsOf(firstPage), newestFirst.mid(0, 10));
    QCOMPARE(idsOf(secondPage), newestFirst.mid(10, 10));
    QCOMPARE(idsOf(lastPage), newestFirst.mid(20, 5));
    QCOMPARE(beyond, QJsonArray());
    QCOMPARE(idsOf(byDefault), newestFirst);
    QCOMPARE(idsOf(single), QStringList{created.first()});
    QCOMPARE(single.at(0)["input"], QJsonValue(QJsonObject{{"n", 0}}));
    for (const QJsonValue &execution : byDefault)
        QVERIFY(hasExecutionShape(execution, false));
    QCOMPARE(getOk(toolPath(otherToolId, "/history"), project).toArray().size(), 5);
}

void tst_McpTools::historyRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    QTest::newRow("limit 0") << QStringLiteral("limit=0") << QStringLiteral("limit") << QStringLiteral("must be >= 1")
                             << QStringLiteral("value_error");
    QTest::newRow("limit 1001") << QStringLiteral("limit=1001") << QStringLiteral("limit")
                                << QStringLiteral("must be <= 1000") << QStringLiteral("value_error");
    QTest::newRow("limit word") << QStringLiteral("limit=ten") << QStringLiteral("limit")
                                << QStringLiteral("must be an integer") << QStringLiteral("type_error");
    QTest::newRow("offset negative") << QStringLiteral("offset=-1") << QStringLiteral("offset")
                                     << QStringLiteral("must be >= 0") << QStringLiteral("value_error");
}

void tst_McpTools::historyRejectsBadQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, parameter);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response =
        m_client->get(toolPath(UnknownId, QStringLiteral("/history?") + query), apiKey("tools-history-bad"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(QJsonArray{"query", parameter}, msg, type));
}

void tst_McpTools::executionsFilterByIds()
{
    const QByteArray project = "tools-executions";
    const QString files = insertServer(project, "files");
    const QString web = insertServer(project, "web");
    const QString search = createTool(project, files, "search")["id"].toString();
    const QString read = createTool(project, files, "read")["id"].toString();
    const QString fetch = createTool(project, web, "fetch")["id"].toString();
    const QString conversation = createConversation(project);
    const QString otherConversation = createConversation(project);
    QVERIFY(!search.isEmpty() && !read.isEmpty() && !fetch.isEmpty());
    QVERIFY(!conversation.isEmpty() && !otherConversation.isEmpty());

    // Twelve executions are spread over the tools and conversations, and the expected
    // sets are computed from the same plan.
    struct Planned
    {
        QString toolId;
        QString serverId;
        QString toolName;
        QString serverName;
        QString conversationId;
    };
    const QList<Planned> kinds{
        {search, files, "search", "files", conversation},
        {read, files, "read", "files", QString()},
        {fetch, web, "fetch", "web", otherConversation},
        {search, files, "search", "files", QString()},
    };
    QList<Planned> plan;
    QList<QJsonObject> recorded;
    for (int i = 0; i < 12; ++i) {
        const Planned &kind = kinds.at(i % kinds.size());
        QJsonObject body{{"input", QJsonObject{{"n", i}}}};
        if (!kind.conversationId.isEmpty())
            body.insert("conversation_id", kind.conversationId);
        QJsonObject execution = execute(project, kind.toolId, body);
        QVERIFY(!execution.isEmpty());
        execution.insert("tool_name", kind.toolName);
        execution.insert("server_name", kind.serverName);
        plan.append(kind);
        recorded.append(execution);
    }
    const auto expectedWhere = [&](const std::function<bool(const Planned &)> &keep) {
        QJsonArray expected;
        for (qsizetype i = plan.size() - 1; i >= 0; --i) {
            if (keep(plan.at(i)))
                expected.append(recorded.at(i));
        }
        return expected;
    };

    const QJsonArray all = getOk(Executions, project).toArray();
    QCOMPARE(all, expectedWhere([](const Planned &) { return true; }));
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=") + files, project),
             QJsonValue(expectedWhere([&](const Planned &p) { return p.serverId == files; })));
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=") + web, project),
             QJsonValue(expectedWhere([&](const Planned &p) { return p.serverId == web; })));
    QCOMPARE(getOk(Executions + QStringLiteral("?tool_id=") + search.toUpper(), project),
             QJsonValue(expectedWhere([&](const Planned &p) { return p.toolId == search; })));
    QCOMPARE(getOk(Executions + QStringLiteral("?conversation_id=") + conversation, project),
             QJsonValue(expectedWhere([&](const Planned &p) { return p.conversationId == conversation; })));
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=%1&tool_id=%2").arg(files, read), project),
             QJsonValue(expectedWhere([&](const Planned &p) { return p.toolId == read; })));
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=%1&tool_id=%2").arg(web, read), project),
             QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Executions + QStringLiteral("?conversation_id=") + UnknownId, project), QJsonValue(QJsonArray()));
    // Paging follows the same newest-first order.
    QJsonArray page;
    for (qsizetype i = 3; i < 8; ++i)
        page.append(all.at(i));
    QCOMPARE(getOk(Executions + QStringLiteral("?limit=5&offset=3"), project), QJsonValue(page));
}

void tst_McpTools::executionsFilterByDates()
{
    const QByteArray project = "tools-executions-dates";
    const QString serverId = insertServer(project, "files");
    const QString toolId = createTool(project, serverId, "search")["id"].toString();
    QVERIFY(!toolId.isEmpty());
    // One execution at 10:00 UTC on each of 1 to 5 March 2025, then a second on
    // 3 March at 23:59:59.999999.
    const QStringList times{
        "2025-03-01 10:00:00+00", "2025-03-02 10:00:00+00", "2025-03-03 10:00:00+00",
        "2025-03-04 10:00:00+00", "2025-03-05 10:00:00+00", "2025-03-03 23:59:59.999999+00",
    };
    QStringList ids;
    for (const QString &time : times) {
        const QString id = execute(project, toolId, QJsonObject{{"input", QJsonObject()}})["id"].toString();
        QVERIFY(!id.isEmpty());
        m_database->exec(QStringLiteral("UPDATE {{schema}}.mcp_tool_executions SET executed_at = CAST(:time AS"
                                        " timestamptz) WHERE id = CAST(:id AS uuid)"),
                         {{QStringLiteral("time"), time}, {QStringLiteral("id"), id}});
        ids.append(id);
    }
    const auto idsAt = [&ids](std::initializer_list<int> indexes) {
        QStringList selected;
        for (int index : indexes)
            selected.append(ids.at(index));
        return selected;
    };
    const auto listed = [&](const QString &query) {
        return idsOf(getOk(Executions + u'?' + query, project).toArray());
    };

    QCOMPARE(listed({}), idsAt({4, 3, 5, 2, 1, 0}));
    // A date-only end_date includes that whole day.
    QCOMPARE(listed("start_date=2025-03-02&end_date=2025-03-03"), idsAt({5, 2, 1}));
    QCOMPARE(listed("start_date=2025-03-04"), idsAt({4, 3}));
    QCOMPARE(listed("end_date=2025-03-01"), idsAt({0}));
    // Timestamp bounds are both inclusive.
    QCOMPARE(listed("start_date=2025-03-02T10:00:00Z&end_date=2025-03-04T10:00:00Z"), idsAt({3, 5, 2, 1}));
    QCOMPARE(listed("start_date=2025-03-03T12:00:00%2B02:00&end_date=2025-03-03T23:59:59.999999Z"), idsAt({5, 2}));
    QCOMPARE(listed("start_date=2025-03-06"), QStringList());
}

void tst_McpTools::executionsRejectBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString valueError = QStringLiteral("value_error");
    const QString uuid = QStringLiteral("must be a UUID");
    const QString date = QStringLiteral("must be an RFC 3339 timestamp or a YYYY-MM-DD date");
    QTest::newRow("server_id malformed") << QStringLiteral("server_id=files") << QStringLiteral("server_id") << uuid
                                         << valueError;
    QTest::newRow("tool_id malformed") << QStringLiteral("tool_id=1") << QStringLiteral("tool_id") << uuid
                                       << valueError;
    QTest::newRow("conversation_id malformed") << QStringLiteral("conversation_id=%7B") + UnknownId + "%7D"
                                               << QStringLiteral("conversation_id") << uuid << valueError;
    QTest::newRow("start_date malformed") << QStringLiteral("start_date=yesterday") << QStringLiteral("start_date")
                                          << date << valueError;
    QTest::newRow("end_date malformed") << QStringLiteral("end_date=2025-13-01") << QStringLiteral("end_date") << date
                                        << valueError;
    QTest::newRow("start after end") << QStringLiteral("start_date=2025-03-05&end_date=2025-03-04")
                                     << QStringLiteral("start_date") << QStringLiteral("must be before end_date")
                                     << valueError;
    QTest::newRow("limit 0") << QStringLiteral("limit=0") << QStringLiteral("limit") << QStringLiteral("must be >= 1")
                             << valueError;
    QTest::newRow("limit 1001") << QStringLiteral("limit=1001") << QStringLiteral("limit")
                                << QStringLiteral("must be <= 1000") << valueError;
    QTest::newRow("offset negative") << QStringLiteral("offset=-5") << QStringLiteral("offset")
                                     << QStringLiteral("must be >= 0") << valueError;
}

void tst_McpTools::executionsRejectBadQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, parameter);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response = m_client->get(Executions + u'?' + query, apiKey("tools-executions-bad"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(QJsonArray{"query", parameter}, msg, type));
}

void tst_McpTools::executionsOutliveToolAndServer()
{
    const QByteArray project = "tools-audit";
    const QString files = insertServer(project, "files");
    const QString web = insertServer(project, "web");
    const QString search = createTool(project, files, "search")["id"].toString();
    const QString fetch = createTool(project, web, "fetch")["id"].toString();
    QVERIFY(!search.isEmpty() && !fetch.isEmpty());
    QJsonObject searched = execute(project, search, QJsonObject{{"input", QJsonObject{{"query", "x"}}}});
    QJsonObject fetched = execute(project, fetch, QJsonObject{{"input", QJsonObject{{"url", "https://a"}}}});
    QVERIFY(!searched.isEmpty() && !fetched.isEmpty());

    // The tool is deleted on its own, and the web server is deleted with its tools.
    m_database->exec(QStringLiteral("DELETE FROM {{schema}}.mcp_tools WHERE id = CAST(:id AS uuid)"),
                     {{QStringLiteral("id"), search}});
    m_database->exec(QStringLiteral("DELETE FROM {{schema}}.mcp_servers WHERE id = CAST(:id AS uuid)"),
                     {{QStringLiteral("id"), web}});

    searched.insert("tool_id", QJsonValue::Null);
    searched.insert("tool_name", "search");
    searched.insert("server_name", "files");
    fetched.insert("tool_id", QJsonValue::Null);
    fetched.insert("tool_name", "fetch");
    fetched.insert("server_name", "web");
    QCOMPARE(getOk(Executions, project), QJsonValue(QJsonArray{fetched, searched}));
    // The server of the deleted tool still exists, so its executions keep the server id.
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=") + files, project), QJsonValue(QJsonArray{searched}));
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=") + web, project), QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Executions + QStringLiteral("?tool_id=") + search, project), QJsonValue(QJsonArray()));
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.mcp_tool_executions"
                                         " WHERE api_key_id = :project AND tool_id IS NULL AND server_id IS NULL"),
                          {{QStringLiteral("project"), QString::fromUtf8(project)}})
                 .toLongLong(),
             1);
    const HttpResponse history = m_client->get(toolPath(search, "/history"), apiKey(project));
    QCOMPARE(history.status, 404);
    QCOMPARE(history.body, ToolNotFoundBody);
    const HttpResponse execution =
        m_client->post(toolPath(fetch, "/execute"), R"({"input": {}})", apiKey(project));
    QCOMPARE(execution.status, 404);
    QCOMPARE(execution.body, ToolNotFoundBody);
    QCOMPARE(executionCount(project), 2);
}

void tst_McpTools::projectsAreIsolated()
{
    const QByteArray owner = "tools-owner";
    const QByteArray intruder = "tools-intruder";
    const QString serverId = insertServer(owner, "files");
    const QString toolId = createTool(owner, serverId, "search")["id"].toString();
    const QString conversationId = createConversation(owner);
    QVERIFY(!toolId.isEmpty() && !conversationId.isEmpty());
    const QJsonObject ownerExecution{{"input", QJsonObject()}, {"conversation_id", conversationId}};
    QVERIFY(!execute(owner, toolId, ownerExecution).isEmpty());
    // The intruder has a server and a tool of its own, with the same names.
    const QString intruderServer = insertServer(intruder, "files");
    const QString intruderTool = createTool(intruder, intruderServer, "search")["id"].toString();
    QVERIFY(!intruderTool.isEmpty());
    const QJsonValue toolsBefore = getOk(Tools + QStringLiteral("?is_active=all"), owner);
    const QJsonValue executionsBefore = getOk(Executions, owner);
    const QJsonValue historyBefore = getOk(toolPath(toolId, "/history"), owner);
    QCOMPARE(executionsBefore.toArray().size(), 1);

    // The Python service served these across projects.
    const QList<HttpResponse> notFound{
        m_client->get(toolPath(toolId), apiKey(intruder)),
        m_client->post(toolPath(toolId, "/execute"), R"({"input": {"planted": true}})", apiKey(intruder)),
        m_client->get(toolPath(toolId, "/history"), apiKey(intruder)),
    };
    const HttpResponse plantTool = m_client->post(
        Tools, bodyOf(QJsonObject{{"server_id", serverId}, {"name", "planted"}, {"input_schema", QJsonObject()}}),
        apiKey(intruder));
    // The intruder's own tool cannot be linked to the owner's conversation.
    const HttpResponse linkConversation = m_client->post(
        toolPath(intruderTool, "/execute"),
        bodyOf(QJsonObject{{"input", QJsonObject()}, {"conversation_id", conversationId}}), apiKey(intruder));

    for (const HttpResponse &response : notFound) {
        QCOMPARE(response.status, 404);
        QCOMPARE(response.body, ToolNotFoundBody);
    }
    QCOMPARE(plantTool.status, 404);
    QCOMPARE(plantTool.body, ServerNotFoundBody);
    QCOMPARE(linkConversation.status, 404);
    QCOMPARE(linkConversation.body, ConversationNotFoundBody);

    // Lists never show the owner's objects, also when filtered by their ids.
    const QJsonArray intruderTools = getOk(Tools + QStringLiteral("?is_active=all"), intruder).toArray();
    QCOMPARE(idsOf(intruderTools), QStringList{intruderTool});
    QCOMPARE(getOk(Tools + QStringLiteral("?is_active=all&server_id=") + serverId, intruder), QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Executions, intruder), QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Executions + QStringLiteral("?server_id=") + serverId, intruder), QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Executions + QStringLiteral("?tool_id=") + toolId, intruder), QJsonValue(QJsonArray()));
    QCOMPARE(getOk(Executions + QStringLiteral("?conversation_id=") + conversationId, intruder),
             QJsonValue(QJsonArray()));

    // Nothing of the owner changed.
    QCOMPARE(getOk(Tools + QStringLiteral("?is_active=all"), owner), toolsBefore);
    QCOMPARE(getOk(Executions, owner), executionsBefore);
    QCOMPARE(getOk(toolPath(toolId, "/history"), owner), historyBefore);
    QCOMPARE(executionCount(intruder), 0);
}

QTEST_GUILESS_MAIN(tst_McpTools)
#include "tst_mcptools.moc"
