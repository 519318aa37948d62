// SPDX-License-Identifier: MIT
// The MCP resource and prompt routes against the real service and database: lists with
// their server_id and is_active filters, get, resource content, prompt rendering with
// both body forms and required argument checks, malformed and unknown ids, and project
// isolation. Servers, resources and prompts are inserted with SQL, with fixed creation
// times so that every response can be compared whole.

#include "httpclient.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

const QString UnknownId = QStringLiteral("00000000-0000-4000-8000-000000000000");
const QByteArray ResourceNotFoundBody = R"({"detail":"Resource not found"})";
const QByteArray PromptNotFoundBody = R"({"detail":"Prompt not found"})";
const QByteArray Owner = "catalog-owner";
const QByteArray Other = "catalog-other";

QVariant nullText()
{
    return QVariant(QMetaType::fromType<QString>());
}

// A JSON string as text, or a SQL NULL for null.
QVariant textOrNull(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined() ? nullText() : QVariant(value.toString());
}

// A JSON value as its JSON text for a jsonb column, or a SQL NULL for null.
QVariant jsonTextOrNull(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return nullText();
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
}

QJsonValue jsonOf(const QByteArray &text)
{
    return QJsonDocument::fromJson("[" + text + "]").array().at(0);
}

QJsonObject missingArgument(const QString &name)
{
    return QJsonObject{{"loc", QJsonArray{"body", "arguments", name}},
                       {"msg", "required argument missing"},
                       {"type", "missing"}};
}

} // namespace

class tst_McpCatalog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listsFilter_data();
    void listsFilter();
    void listsRejectBadQuery_data();
    void listsRejectBadQuery();
    void listsAcceptTrailingSlash();

    void getResourceReturnsResource();
    void resourceContentWithText();
    void resourceContentWithoutText();
    void getPromptReturnsPrompt();

    void itemRoutesRejectMalformedId_data();
    void itemRoutesRejectMalformedId();
    void itemRoutesReportUnknownId_data();
    void itemRoutesReportUnknownId();

    void renderFillsAllArguments();
    void renderAcceptsBothBodyForms_data();
    void renderAcceptsBothBodyForms();
    void renderKeepsOptionalPlaceholders();
    void renderRejectsMissingRequired_data();
    void renderRejectsMissingRequired();
    void renderFormatsNonStringValues();
    void renderKeepsUnicode();
    void renderWithoutMessagesIsNull();
    void renderInactivePrompt();
    void renderRejectsInvalidBody_data();
    void renderRejectsInvalidBody();
    void renderReportsPathAndBodyTogether();

    void projectsAreIsolated();

private:
    // The creation time of the next inserted row: one second after the previous one.
    QDateTime nextCreatedAt();
    QString insertServer(const QByteArray &project, const QString &name);
    // Inserts a resource of `serverId` with the members of `fields` (uri, name,
    // description, mime_type, content, is_active) and returns it as the routes do.
    QJsonObject insertResource(const QByteArray &project, const QString &serverId, const QJsonObject &fields);
    // Inserts a prompt with name, description, arguments, messages and is_active from
    // `fields` and returns it as the routes do.
    QJsonObject insertPrompt(const QByteArray &project, const QString &serverId, const QJsonObject &fields);

    // The fixture item (such as "resource A1" or "prompt O2") with its id.
    QJsonObject item(const QString &key) const { return m_items.value(key); }
    QString idOf(const QString &key) const { return m_items.value(key).value("id").toString(); }
    QJsonArray itemsOf(const QStringList &keys) const;
    // `query` with {A}, {B}, {O} and {A upper} replaced by the fixture servers' ids.
    QString withServerIds(QString query) const;
    HttpResponse render(const QString &promptKey, const QByteArray &body, const QByteArray &project = Owner);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
    int m_rowsInserted = 0;
    QHash<QString, QString> m_servers;
    QHash<QString, QJsonObject> m_items;
};

void tst_McpCatalog::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("mcpcatalog"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());

    // The owner project has servers A and B, the other project server O. Each has an
    // active resource and prompt ("1") and an inactive one ("2").
    m_servers.insert("A", insertServer(Owner, "server A"));
    m_servers.insert("B", insertServer(Owner, "server B"));
    m_servers.insert("O", insertServer(Other, "server O"));

    m_items.insert("resource A1",
                   insertResource(Owner, m_servers["A"],
                                  {{"uri", "file:///docs/readme.md"},
                                   {"name", "readme"},
                                   {"description", "The project's readme"},
                                   {"mime_type", "text/markdown"},
                                   {"content", QStringLiteral("\uFEFF# Grüße 😀\nline two\n")}}));
    m_items.insert("resource A2", insertResource(Owner, m_servers["A"],
                                                 {{"uri", "file:///docs/old.txt"},
                                                  {"name", "old"},
                                                  {"mime_type", "text/plain"},
                                                  {"content", ""},
                                                  {"is_active", false}}));
    m_items.insert("resource B1", insertResource(Owner, m_servers["B"], {{"uri", "db://tables/users"}}));
    m_items.insert("resource B2", insertResource(Owner, m_servers["B"],
                                                 {{"uri", "db://tables/orders"}, {"is_active", false}}));
    m_items.insert("resource O1", insertResource(Other, m_servers["O"],
                                                 {{"uri", "file:///secret.txt"}, {"content", "secret"}}));
    m_items.insert("resource O2", insertResource(Other, m_servers["O"],
                                                 {{"uri", "file:///gone.txt"}, {"is_active", false}}));

    m_items.insert(
        "prompt A1",
        insertPrompt(Owner, m_servers["A"],
                     {{"name", "greet"},
                      {"description", "Greets someone"},
                      {"arguments", jsonOf(R"([{"name": "name", "description": "Who", "required": true},
                                              {"name": "place", "required": false}, {"name": "count"}])")},
                      {"messages", jsonOf(R"([{"role": "system", "content": "You greet {{name}}."},
                           {"role": "user",
                            "content": "{{name}}{{name}} from {{ place }}, {{count}} times. {{unknown}}"}])")}}));
    m_items.insert("prompt A2", insertPrompt(Owner, m_servers["A"],
                                             {{"name", "retired"},
                                              {"arguments", jsonOf(R"([{"name": "topic"}])")},
                                              {"messages", jsonOf(R"([{"role": "user", "content": "On {{topic}}"}])")},
                                              {"is_active", false}}));
    m_items.insert("prompt B1",
                   insertPrompt(Owner, m_servers["B"],
                                {{"name", "outline"},
                                 {"arguments", jsonOf(R"({"topic": {"required": true}, "audience": {"required": true},
                                                         "tone": {}})")}}));
    m_items.insert("prompt B2", insertPrompt(Owner, m_servers["B"], {{"name", "bare"}, {"is_active", false}}));
    m_items.insert("prompt O1", insertPrompt(Other, m_servers["O"],
                                             {{"name", "greet"},
                                              {"messages", jsonOf(R"([{"role": "user", "content": "{{x}}"}])")}}));
    m_items.insert("prompt O2", insertPrompt(Other, m_servers["O"], {{"name", "old"}, {"is_active", false}}));
}

void tst_McpCatalog::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

QDateTime tst_McpCatalog::nextCreatedAt()
{
    ++m_rowsInserted;
    return QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC).addSecs(m_rowsInserted);
}

QString tst_McpCatalog::insertServer(const QByteArray &project, const QString &name)
{
    return m_database
        ->scalar(QStringLiteral("INSERT INTO {{schema}}.mcp_servers (api_key_id, name, url, transport_type)"
                                " VALUES (:project, :name, 'http://127.0.0.1:9/mcp', 'http') RETURNING id::text"),
                 {{"project", QString::fromUtf8(project)}, {"name", name}})
        .toString();
}

QJsonObject tst_McpCatalog::insertResource(const QByteArray &project, const QString &serverId,
                                           const QJsonObject &fields)
{
    const QDateTime createdAt = nextCreatedAt();
    const bool isActive = fields.value("is_active").toBool(true);
    const QString id =
        m_database
            ->scalar(QStringLiteral("INSERT INTO {{schema}}.mcp_resources (api_key_id, server_id, uri, name,"
                                    " description, mime_type, content, is_active, created_at)"
                                    " VALUES (:project, CAST(:server AS uuid), :uri, :name, :description,"
                                    " :mime_type, :content, :is_active, CAST(:created_at AS timestamptz))"
                                    " RETURNING id::text"),
                     {{"project", QString::fromUtf8(project)},
                      {"server", serverId},
                      {"uri", fields.value("uri").toString()},
                      {"name", textOrNull(fields.value("name"))},
                      {"description", textOrNull(fields.value("description"))},
                      {"mime_type", textOrNull(fields.value("mime_type"))},
                      {"content", textOrNull(fields.value("content"))},
                      {"is_active", isActive},
                      {"created_at", createdAt.toString(Qt::ISODate)}})
            .toString();
    return QJsonObject{
        {"id", id},
        {"server_id", serverId},
        {"uri", fields.value("uri")},
        {"name", fields.contains("name") ? fields.value("name") : QJsonValue::Null},
        {"description", fields.contains("description") ? fields.value("description") : QJsonValue::Null},
        {"mime_type", fields.contains("mime_type") ? fields.value("mime_type") : QJsonValue::Null},
        {"is_active", isActive},
        {"created_at", createdAt.toString("yyyy-MM-ddTHH:mm:ss.000000Z")},
    };
}

QJsonObject tst_McpCatalog::insertPrompt(const QByteArray &project, const QString &serverId,
                                         const QJsonObject &fields)
{
    const QDateTime createdAt = nextCreatedAt();
    const bool isActive = fields.value("is_active").toBool(true);
    const QString id =
        m_database
            ->scalar(QStringLiteral("INSERT INTO {{schema}}.mcp_prompts (api_key_id, server_id, name, description,"
                                    " arguments, messages, is_active, created_at)"
                                    " VALUES (:project, CAST(:server AS uuid), :name, :description,"
                                    " CAST(:arguments AS jsonb), CAST(:messages AS jsonb), :is_active,"
                                    " CAST(:created_at AS timestamptz))"
                                    " RETURNING id::text"),
                     {{"project", QString::fromUtf8(project)},
                      {"server", serverId},
                      {"name", fields.value("name").toString()},
                      {"description", textOrNull(fields.value("description"))},
                      {"arguments", jsonTextOrNull(fields.value("arguments"))},
                      {"messages", jsonTextOrNull(fields.value("messages"))},
                      {"is_active", isActive},
                      {"created_at", createdAt.toString(Qt::ISODate)}})
            .toString();
    return QJsonObject{
        {"id", id},
        {"server_id", serverId},
        {"name", fields.value("name")},
        {"description", fields.contains("description") ? fields.value("description") : QJsonValue::Null},
        {"arguments", fields.contains("arguments") ? fields.value("arguments") : QJsonValue::Null},
        {"is_active", isActive},
        {"created_at", createdAt.toString("yyyy-MM-ddTHH:mm:ss.000000Z")},
    };
}

QJsonArray tst_McpCatalog::itemsOf(const QStringList &keys) const
{
    QJsonArray items;
    for (const QString &key : keys)
        items.append(item(key));
    return items;
}

QString tst_McpCatalog::withServerIds(QString query) const
{
    query.replace("{A upper}", m_servers.value("A").toUpper());
    for (const QString &server : {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("O")})
        query.replace(u'{' + server + u'}', m_servers.value(server));
    return query.replace("{unknown}", UnknownId);
}

HttpResponse tst_McpCatalog::render(const QString &promptKey, const QByteArray &body, const QByteArray &project)
{
    return m_client->post(QStringLiteral("/api/v1/mcp/prompts/%1/render").arg(idOf(promptKey)), body,
                          apiKey(project));
}

void tst_McpCatalog::listsFilter_data()
{
    QTest::addColumn<QString>("collection");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected");

    for (const QString &collection : {QStringLiteral("resources"), QStringLiteral("prompts")}) {
        const QString kind = collection.chopped(1) + u' ';
        const auto row = [&](const char *name) {
            return &(QTest::newRow(qPrintable(collection + u' ' + QLatin1StringView(name))) << collection);
        };
        *row("default is active") << QString() << QStringList{kind + "A1", kind + "B1"};
        *row("is_active=true") << "is_active=true" << QStringList{kind + "A1", kind + "B1"};
        *row("is_active=false") << "is_active=false" << QStringList{kind + "A2", kind + "B2"};
        *row("is_active=all") << "is_active=all" << QStringList{kind + "A1", kind + "A2", kind + "B1", kind + "B2"};
        *row("server A") << "server_id={A}" << QStringList{kind + "A1"};
        *row("server A inactive") << "server_id={A}&is_active=false" << QStringList{kind + "A2"};
        *row("server A all") << "is_active=all&server_id={A}" << QStringList{kind + "A1", kind + "A2"};
        *row("server B all") << "server_id={B}&is_active=all" << QStringList{kind + "B1", kind + "B2"};
        *row("server id in upper case") << "server_id={A upper}" << QStringList{kind + "A1"};
        *row("other project's server") << "server_id={O}" << QStringList();
        *row("other project's server all") << "server_id={O}&is_active=all" << QStringList();
        *row("unknown server") << "server_id={unknown}&is_active=all" << QStringList();
        *row("repeated parameter, last wins") << "is_active=false&is_active=true" << QStringList{kind + "A1", kind + "B1"};
    }
}

void tst_McpCatalog::listsFilter()
{
    QFETCH(QString, collection);
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    const QString path = "/api/v1/mcp/" + collection + (query.isEmpty() ? QString() : u'?' + withServerIds(query));

    const HttpResponse response = m_client->get(path, apiKey(Owner));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(), QJsonValue(itemsOf(expected)));
}

void tst_McpCatalog::listsRejectBadQuery_data()
{
    QTest::addColumn<QString>("collection");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QJsonArray>("detail");

    const QJsonObject badServerId{{"loc", QJsonArray{"query", "server_id"}},
                                  {"msg", "must be a UUID"},
                                  {"type", "value_error"}};
    const QJsonObject badIsActive{{"loc", QJsonArray{"query", "is_active"}},
                                  {"msg", "must be one of: true, false, all"},
                                  {"type", "value_error"}};
    for (const QString &collection : {QStringLiteral("resources"), QStringLiteral("prompts")}) {
        const auto row = [&](const char *name) {
            return &(QTest::newRow(qPrintable(collection + u' ' + QLatin1StringView(name))) << collection);
        };
        *row("server_id word") << "server_id=abc" << QJsonArray{badServerId};
        *row("server_id empty") << "server_id=" << QJsonArray{badServerId};
        *row("server_id without hyphens") << "server_id=000000000000400080000000000000000"
                                          << QJsonArray{badServerId};
        *row("server_id in braces") << "server_id=%7B" + UnknownId + "%7D" << QJsonArray{badServerId};
        *row("server_id too long") << "server_id=" + UnknownId + "0" << QJsonArray{badServerId};
        *row("is_active yes") << "is_active=yes" << QJsonArray{badIsActive};
        *row("is_active upper case") << "is_active=TRUE" << QJsonArray{badIsActive};
        *row("is_active empty") << "is_active=" << QJsonArray{badIsActive};
        *row("both invalid") << "is_active=1&server_id=x" << QJsonArray{badServerId, badIsActive};
    }
}

void tst_McpCatalog::listsRejectBadQuery()
{
    QFETCH(QString, collection);
    QFETCH(QString, query);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = m_client->get("/api/v1/mcp/" + collection + u'?' + query, apiKey(Owner));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json(), QJsonValue(QJsonObject{{"detail", detail}}));
}

void tst_McpCatalog::listsAcceptTrailingSlash()
{
    const HttpResponse resources = m_client->get("/api/v1/mcp/resources/", apiKey(Owner));
    const HttpResponse prompts = m_client->get("/api/v1/mcp/prompts/?is_active=false", apiKey(Owner));

    QCOMPARE(resources.status, 200);
    QCOMPARE(resources.json(), QJsonValue(itemsOf({"resource A1", "resource B1"})));
    QCOMPARE(prompts.status, 200);
    QCOMPARE(prompts.json(), QJsonValue(itemsOf({"prompt A2", "prompt B2"})));
}

void tst_McpCatalog::getResourceReturnsResource()
{
    for (const QString &key : QStringList{"resource A1", "resource A2", "resource B1", "resource B2"}) {
        const HttpResponse response = m_client->get("/api/v1/mcp/resources/" + idOf(key), apiKey(Owner));

        QCOMPARE(response.status, 200);
        QCOMPARE(response.json(), QJsonValue(item(key)));
    }
    // Ids are accepted in upper case too.
    const HttpResponse upper = m_client->get("/api/v1/mcp/resources/" + idOf("resource A1").toUpper(), apiKey(Owner));
    QCOMPARE(upper.status, 200);
    QCOMPARE(upper.json(), QJsonValue(item("resource A1")));
}

void tst_McpCatalog::resourceContentWithText()
{
    const HttpResponse withText =
        m_client->get("/api/v1/mcp/resources/" + idOf("resource A1") + "/content", apiKey(Owner));
    const HttpResponse emptyText =
        m_client->get("/api/v1/mcp/resources/" + idOf("resource A2") + "/content/", apiKey(Owner));

    QCOMPARE(withText.status, 200);
    // The stored text comes back exactly, a leading U+FEFF included.
    QCOMPARE(withText.json(), QJsonValue(QJsonObject{{"resource", item("resource A1")},
                                                     {"content", QStringLiteral("\uFEFF# Grüße 😀\nline two\n")},
                                                     {"mime_type", "text/markdown"}}));
    QCOMPARE(emptyText.status, 200);
    QCOMPARE(emptyText.json(),
             QJsonValue(QJsonObject{{"resource", item("resource A2")}, {"content", ""}, {"mime_type", "text/plain"}}));
}

void tst_McpCatalog::resourceContentWithoutText()
{
    const HttpResponse response =
        m_client->get("/api/v1/mcp/resources/" + idOf("resource B1") + "/content", apiKey(Owner));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(), QJsonValue(QJsonObject{{"resource", item("resource B1")},
                                                     {"content", QJsonValue::Null},
                                                     {"mime_type", QJsonValue::Null}}));
}

void tst_McpCatalog::getPromptReturnsPrompt()
{
    for (const QString &key : QStringList{"prompt A1", "prompt A2", "prompt B1", "prompt B2"}) {
        const HttpResponse response = m_client->get("/api/v1/mcp/prompts/" + idOf(key), apiKey(Owner));

        QCOMPARE(response.status, 200);
        // The exact comparison also shows that the messages template is not returned.
        QCOMPARE(response.json(), QJsonValue(item(key)));
    }
}

void tst_McpCatalog::itemRoutesRejectMalformedId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("parameter");

    const QStringList ids{"abc", "000000000000400080000000000000000", UnknownId + "0", "%7B" + UnknownId + "%7D",
                          "00000000-0000-4000-8000-00000000000g"};
    for (const QString &id : ids) {
        QTest::addRow("get resource %s", qPrintable(id))
            << QByteArray("GET") << "/api/v1/mcp/resources/" + id << "resource_id";
        QTest::addRow("resource content %s", qPrintable(id))
            << QByteArray("GET") << "/api/v1/mcp/resources/" + id + "/content" << "resource_id";
        QTest::addRow("get prompt %s", qPrintable(id))
            << QByteArray("GET") << "/api/v1/mcp/prompts/" + id << "prompt_id";
        QTest::addRow("render prompt %s", qPrintable(id))
            << QByteArray("POST") << "/api/v1/mcp/prompts/" + id + "/render" << "prompt_id";
    }
}

void tst_McpCatalog::itemRoutesRejectMalformedId()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, parameter);

    const HttpResponse response =
        m_client->send(method, path, method == "POST" ? QByteArray("{}") : QByteArray(), apiKey(Owner));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json(),
             QJsonValue(validationBody(QJsonArray{"path", parameter}, "must be a UUID", "value_error")));
}

void tst_McpCatalog::itemRoutesReportUnknownId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("get resource") << QByteArray("GET") << "/api/v1/mcp/resources/" + UnknownId
                                  << ResourceNotFoundBody;
    QTest::newRow("resource content") << QByteArray("GET") << "/api/v1/mcp/resources/" + UnknownId + "/content"
                                      << ResourceNotFoundBody;
    QTest::newRow("get prompt") << QByteArray("GET") << "/api/v1/mcp/prompts/" + UnknownId << PromptNotFoundBody;
    QTest::newRow("render prompt") << QByteArray("POST") << "/api/v1/mcp/prompts/" + UnknownId + "/render"
                                   << PromptNotFoundBody;
}

void tst_McpCatalog::itemRoutesReportUnknownId()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, expected);

    const HttpResponse response =
        m_client->send(method, path, method == "POST" ? QByteArray("{}") : QByteArray(), apiKey(Owner));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, expected);
}

void tst_McpCatalog::renderFillsAllArguments()
{
    const QJsonObject arguments{{"name", "Ada"}, {"place", "London"}, {"count", "three"}};

    const HttpResponse response = render("prompt A1", bodyOf(QJsonObject{{"arguments", arguments}}));

    QCOMPARE(response.status, 200);
    // Repeated and adjacent placeholders are all filled, {{ place }} ignores its spaces,
    // and {{unknown}} names no argument, so it stays.
    const QJsonArray messages{
        QJsonObject{{"role", "system"}, {"content", "You greet Ada."}},
        QJsonObject{{"role", "user"}, {"content", "AdaAda from London, three times. {{unknown}}"}},
    };
    QCOMPARE(response.json(), QJsonValue(QJsonObject{{"prompt", item("prompt A1")},
                                                     {"arguments", arguments},
                                                     {"messages", messages}}));
}

void tst_McpCatalog::renderAcceptsBothBodyForms_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonObject>("arguments");

    const QJsonObject both{{"name", "Ada"}, {"place", "Paris"}};
    QTest::newRow("wrapped") << QByteArray(R"({"arguments": {"name": "Ada", "place": "Paris"}})") << both;
    QTest::newRow("bare") << QByteArray(R"({"name": "Ada", "place": "Paris"})") << both;
    QTest::newRow("bare with a member named arguments")
        << QByteArray(R"({"name": "Ada", "arguments": "ignored"})")
        << QJsonObject{{"name", "Ada"}, {"arguments", "ignored"}};
}

void tst_McpCatalog::renderAcceptsBothBodyForms()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonObject, arguments);

    const HttpResponse response = render("prompt A1", body);

    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json().toObject();
    QCOMPARE(json.value("arguments"), QJsonValue(arguments));
    const QString place = arguments.contains("place") ? arguments.value("place").toString() : "{{ place }}";
    const QJsonArray messages{
        QJsonObject{{"role", "system"}, {"content", "You greet Ada."}},
        QJsonObject{{"role", "user"}, {"content", "AdaAda from " + place + ", {{count}} times. {{unknown}}"}},
    };
    QCOMPARE(json.value("messages"), QJsonValue(messages));
}

void tst_McpCatalog::renderKeepsOptionalPlaceholders()
{
    const HttpResponse response = render("prompt A1", R"({"name": "Ada", "count": null})");

    QCOMPARE(response.status, 200);
    // An optional argument that is absent or null leaves its placeholder as written.
    const QJsonArray messages{
        QJsonObject{{"role", "system"}, {"content", "You greet Ada."}},
        QJsonObject{{"role", "user"}, {"content", "AdaAda from {{ place }}, {{count}} times. {{unknown}}"}},
    };
    QCOMPARE(response.json(), QJsonValue(QJsonObject{{"prompt", item("prompt A1")},
                                                     {"arguments", QJsonObject{{"name", "Ada"}, {"count", QJsonValue::Null}}},
                                                     {"messages", messages}}));
}

void tst_McpCatalog::renderRejectsMissingRequired_data()
{
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("detail");

    QTest::newRow("empty bare") << "prompt A1" << QByteArray("{}") << QJsonArray{missingArgument("name")};
    QTest::newRow("empty wrapped") << "prompt A1" << QByteArray(R"({"arguments": {}})")
                                   << QJsonArray{missingArgument("name")};
    QTest::newRow("wrapped null") << "prompt A1" << QByteArray(R"({"arguments": null})")
                                  << QJsonArray{missingArgument("name")};
    QTest::newRow("only optional given") << "prompt A1" << QByteArray(R"({"arguments": {"place": "Rome"}})")
                                         << QJsonArray{missingArgument("name")};
    QTest::newRow("required null") << "prompt A1" << QByteArray(R"({"name": null, "place": "Rome"})")
                                   << QJsonArray{missingArgument("name")};
    QTest::newRow("other case") << "prompt A1" << QByteArray(R"({"Name": "Ada"})")
                                << QJsonArray{missingArgument("name")};
    // The object form: each required key, in key order.
    QTest::newRow("object form, both missing") << "prompt B1" << QByteArray(R"({"tone": "dry"})")
                                               << QJsonArray{missingArgument("audience"), missingArgument("topic")};
    QTest::newRow("object form, one missing") << "prompt B1" << QByteArray(R"({"arguments": {"topic": "cats"}})")
                                              << QJsonArray{missingArgument("audience")};
}

void tst_McpCatalog::renderRejectsMissingRequired()
{
    QFETCH(QString, prompt);
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = render(prompt, body);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json(), QJsonValue(QJsonObject{{"detail", detail}}));
}

void tst_McpCatalog::renderFormatsNonStringValues()
{
    const QByteArray body = R"({"arguments": {"name": 42, "place": {"b": [1, 2.5], "a": true}, "count": false}})";

    const HttpResponse response = render("prompt A1", body);

    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json().toObject();
    QCOMPARE(json.value("arguments"), jsonOf(body).toObject().value("arguments"));
    const QJsonArray messages{
        QJsonObject{{"role", "system"}, {"content", "You greet 42."}},
        QJsonObject{{"role", "user"}, {"content", R"(4242 from {"a":true,"b":[1,2.5]}, false times. {{unknown}})"}},
    };
    QCOMPARE(json.value("messages"), QJsonValue(messages));

    const HttpResponse arrays = render("prompt A1", R"({"name": [], "place": ["x", null], "count": -0.5})");
    QCOMPARE(arrays.status, 200);
    QCOMPARE(arrays.json()["messages"][1]["content"].toString(),
             QStringLiteral(R"([][] from ["x",null], -0.5 times. {{unknown}})"));
}

void tst_McpCatalog::renderKeepsUnicode()
{
    const QString name = QStringLiteral("Zoë 😀 日本");
    const QString place = QStringLiteral("\uFEFFКиїв");

    const HttpResponse response = render("prompt A1", bodyOf(QJsonObject{{"name", name}, {"place", place}}));

    QCOMPARE(response.status, 200);
    const QJsonArray messages{
        QJsonObject{{"role", "system"}, {"content", "You greet " + name + "."}},
        QJsonObject{{"role", "user"}, {"content", name + name + " from " + place + ", {{count}} times. {{unknown}}"}},
    };
    QCOMPARE(response.json()["messages"], QJsonValue(messages));
}

void tst_McpCatalog::renderWithoutMessagesIsNull()
{
    const QJsonObject arguments{{"topic", "cats"}, {"audience", "children"}};

    const HttpResponse withoutTemplate = render("prompt B1", bodyOf(QJsonObject{{"arguments", arguments}}));
    const HttpResponse withoutArguments = render("prompt B2", "{}");

    QCOMPARE(withoutTemplate.status, 200);
    QCOMPARE(withoutTemplate.json(), QJsonValue(QJsonObject{{"prompt", item("prompt B1")},
                                                            {"arguments", arguments},
                                                            {"messages", QJsonValue::Null}}));
    QCOMPARE(withoutArguments.status, 200);
    QCOMPARE(withoutArguments.json(), QJsonValue(QJsonObject{{"prompt", item("prompt B2")},
                                                             {"arguments", QJsonObject()},
                                                             {"messages", QJsonValue::Null}}));
}

void tst_McpCatalog::renderInactivePrompt()
{
    const HttpResponse response = render("prompt A2", R"({"topic": "history", "extra": "unused"})");

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(),
             QJsonValue(QJsonObject{{"prompt", item("prompt A2")},
                                    {"arguments", QJsonObject{{"topic", "history"}, {"extra", "unused"}}},
                                    {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "On history"}}}}}));
}

void tst_McpCatalog::renderRejectsInvalidBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString notObject = QStringLiteral("must be a JSON object");
    QTest::newRow("array") << QByteArray(R"([{"name": "Ada"}])") << QJsonArray{"body"} << notObject
                           << QStringLiteral("type_error");
    QTest::newRow("string") << QByteArray(R"("Ada")") << QJsonArray{"body"} << notObject
                            << QStringLiteral("type_error");
    QTest::newRow("null") << QByteArray("null") << QJsonArray{"body"} << notObject << QStringLiteral("type_error");
    QTest::newRow("duplicate member") << QByteArray(R"({"name": "Ada", "name": "Bob"})") << QJsonArray{"body", 16}
                                      << QStringLiteral("Invalid JSON: duplicate member name \"name\" at byte 16")
                                      << QStringLiteral("json_invalid");
}

void tst_McpCatalog::renderRejectsInvalidBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response = render("prompt A1", body);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json(), QJsonValue(validationBody(loc, msg, type)));
}

void tst_McpCatalog::renderReportsPathAndBodyTogether()
{
    const HttpResponse response = m_client->post("/api/v1/mcp/prompts/abc/render", "[]", apiKey(Owner));

    QCOMPARE(response.status, 422);
    const QJsonArray detail{
        QJsonObject{{"loc", QJsonArray{"path", "prompt_id"}}, {"msg", "must be a UUID"}, {"type", "value_error"}},
        QJsonObject{{"loc", QJsonArray{"body"}}, {"msg", "must be a JSON object"}, {"type", "type_error"}},
    };
    QCOMPARE(response.json(), QJsonValue(QJsonObject{{"detail", detail}}));
}

void tst_McpCatalog::projectsAreIsolated()
{
    const QString base = QStringLiteral("/api/v1/mcp/");
    // The other project requests every item of the owner, and the owner every item of the other.
    const QList<QPair<QByteArray, QStringList>> attempts{
        {Other, {"resource A1", "resource A2", "resource B1", "resource B2"}},
        {Owner, {"resource O1", "resource O2"}},
    };
    for (const auto &[project, keys] : attempts) {
        for (const QString &key : keys) {
            const HttpResponse get = m_client->get(base + "resources/" + idOf(key), apiKey(project));
            const HttpResponse content = m_client->get(base + "resources/" + idOf(key) + "/content", apiKey(project));
            QCOMPARE(get.status, 404);
            QCOMPARE(get.body, ResourceNotFoundBody);
            QCOMPARE(content.status, 404);
            QCOMPARE(content.body, ResourceNotFoundBody);
        }
    }
    const QList<QPair<QByteArray, QStringList>> promptAttempts{
        {Other, {"prompt A1", "prompt A2", "prompt B1", "prompt B2"}},
        {Owner, {"prompt O1", "prompt O2"}},
    };
    for (const auto &[project, keys] : promptAttempts) {
        for (const QString &key : keys) {
            const HttpResponse get = m_client->get(base + "prompts/" + idOf(key), apiKey(project));
            // Without arguments, because a missing required one must not reveal the prompt.
            const HttpResponse rendered = render(key, "{}", project);
            const HttpResponse renderedWithArguments =
                render(key, R"({"name": "x", "topic": "x", "audience": "x"})", project);
            QCOMPARE(get.status, 404);
            QCOMPARE(get.body, PromptNotFoundBody);
            QCOMPARE(rendered.status, 404);
            QCOMPARE(rendered.body, PromptNotFoundBody);
            QCOMPARE(renderedWithArguments.status, 404);
            QCOMPARE(renderedWithArguments.body, PromptNotFoundBody);
        }
    }

    // Lists show each project only its own items, whatever the filter names.
    const QList<std::tuple<QByteArray, QString, QJsonArray>> lists{
        {Other, "resources?is_active=all", itemsOf({"resource O1", "resource O2"})},
        {Other, "prompts?is_active=all", itemsOf({"prompt O1", "prompt O2"})},
        {Other, "resources", itemsOf({"resource O1"})},
        {Other, "prompts?is_active=false", itemsOf({"prompt O2"})},
        {Other, "resources?is_active=all&server_id=" + m_servers["A"], QJsonArray()},
        {Other, "prompts?is_active=all&server_id=" + m_servers["B"], QJsonArray()},
        {Owner, "resources?is_active=all&server_id=" + m_servers["O"], QJsonArray()},
        {Owner, "prompts?is_active=all&server_id=" + m_servers["O"], QJsonArray()},
        {"catalog-nobody", "resources?is_active=all", QJsonArray()},
        {"catalog-nobody", "prompts?is_active=all", QJsonArray()},
    };
    for (const auto &[project, query, expected] : lists) {
        const HttpResponse response = m_client->get(base + query, apiKey(project));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json(), QJsonValue(expected));
    }

    // The other project's own prompt renders for it.
    const HttpResponse own = render("prompt O1", R"({"x": "mine"})", Other);
    QCOMPARE(own.status, 200);
    QCOMPARE(own.json()["messages"], QJsonValue(QJsonArray{QJsonObject{{"role", "user"}, {"content", "mine"}}}));
}

QTEST_GUILESS_MAIN(tst_McpCatalog)
#include "tst_mcpcatalog.moc"
