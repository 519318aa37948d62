// SPDX-License-Identifier: MIT
// The MCP server routes against the real service and database. Covers create, list,
// get, PATCH and PUT (with the llmring client's null members), and delete with its
// cascade and the surviving execution audit trail. Also covers refresh cycles, masking
// of auth_config secrets, validation and project isolation.

#include "httpclient.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <algorithm>
#include <array>

using namespace llmring;
using namespace llmring::test;

namespace {

const QString Servers = QStringLiteral("/api/v1/mcp/servers");
const QString UnknownId = QStringLiteral("00000000-0000-4000-8000-000000000000");
const QByteArray NotFoundBody = R"({"detail":"Server not found"})";
const QString MaskedSecretMessage =
    QStringLiteral("must not contain \"***\", the mask of a stored secret: send the real secret, or omit"
                   " auth_config to keep the stored one");

// Secrets at several depths, beside numbers, booleans and null, which are not secret.
const QByteArray NestedAuthConfig = R"({"type": "bearer", "token": "sk-live-123", "port": 8443, "verify": true,
 "proxy": null, "headers": [{"name": "X-Key", "value": "hk-9"}, "plain", 7, false],
 "oauth": {"client": {"id": "client-1", "secret": "cs-2", "scopes": ["read", "write"], "ttl": 3600}}})";
const QByteArray MaskedNestedAuthConfig = R"({"type": "***", "token": "***", "port": 8443, "verify": true,
 "proxy": null, "headers": [{"name": "***", "value": "***"}, "***", 7, false],
 "oauth": {"client": {"id": "***", "secret": "***", "scopes": ["***", "***"], "ttl": 3600}}})";

QJsonObject jsonObject(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

QJsonObject pathIdError()
{
    return validationBody(QJsonArray{"path", "server_id"}, QStringLiteral("must be a UUID"),
                          QStringLiteral("value_error"));
}

QJsonObject withoutGeneratedMembers(QJsonObject object)
{
    object.remove("id");
    object.remove("created_at");
    object.remove("updated_at");
    return object;
}

QJsonArray withoutGeneratedMembers(const QJsonArray &items)
{
    QJsonArray stripped;
    for (const QJsonValue &item : items)
        stripped.append(withoutGeneratedMembers(item.toObject()));
    return stripped;
}

// The id of each item, by its `key` member (name or uri).
QHash<QString, QString> idsByKey(const QJsonArray &items, const QString &key)
{
    QHash<QString, QString> ids;
    for (const QJsonValue &item : items)
        ids.insert(item[key].toString(), item["id"].toString());
    return ids;
}

QStringList idsOf(const QJsonArray &items)
{
    QStringList ids;
    for (const QJsonValue &item : items)
        ids.append(item["id"].toString());
    return ids;
}

// A tool as the refresh response lists it, without id and created_at.
QJsonObject tool(const QString &serverId, const QString &name, const QJsonValue &description,
                 const QJsonObject &inputSchema, bool isActive)
{
    return QJsonObject{{"server_id", serverId},   {"name", name},          {"description", description},
                       {"input_schema", inputSchema}, {"is_active", isActive}};
}

QJsonObject resource(const QString &serverId, const QString &uri, const QJsonValue &name,
                     const QJsonValue &description, const QJsonValue &mimeType, bool isActive)
{
    return QJsonObject{{"server_id", serverId},       {"uri", uri},           {"name", name},
                       {"description", description}, {"mime_type", mimeType}, {"is_active", isActive}};
}

QJsonObject prompt(const QString &serverId, const QString &name, const QJsonValue &description,
                   const QJsonValue &arguments, bool isActive)
{
    return QJsonObject{{"server_id", serverId},
                       {"name", name},
                       {"description", description},
                       {"arguments", arguments},
                       {"is_active", isActive}};
}

// The HTTP method of the current data row, the first word of its name ("PATCH name empty").
QByteArray methodOfRow()
{
    return QByteArray(QTest::currentDataTag()).split(' ').constFirst();
}

} // namespace

class tst_McpServers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createReturnsServer();
    void createAppliesDefaults();
    void createAcceptsMaximumLengths();
    void createRejectsInvalid_data();
    void createRejectsInvalid();

    void secretsAreMasked();

    void listFiltersByActive();
    void listRejectsBadFilter();

    void updateChangesMembers_data();
    void updateChangesMembers();
    void updateKeepsAbsentAndNullMembers_data();
    void updateKeepsAbsentAndNullMembers();
    void updateRejectsInvalid_data();
    void updateRejectsInvalid();

    void clientCallsAsSent();

    void deleteRemovesServer();
    void deleteCascadesAndKeepsExecutions();

    void routesRejectMalformedId_data();
    void routesRejectMalformedId();
    void routesReportUnknownServer_data();
    void routesReportUnknownServer();

    void refreshStoresCatalog();
    void refreshCycles();
    void refreshKeepsContentWithoutText();
    void refreshAcceptsEmptyPayload();
    void refreshRejectsInvalid_data();
    void refreshRejectsInvalid();
    void concurrentRefreshesStayConsistent();

    void projectsAreIsolated();

private:
    // The project key of `name` for the current data row. Keys must not contain
    // whitespace, and row names do.
    static QByteArray rowProjectKey(const QByteArray &name);

    // The created server, or an empty object after a warning.
    QJsonObject createServer(const QByteArray &project, const QJsonObject &body);
    QJsonObject createServer(const QByteArray &project);
    // The server as GET returns it, or an empty object when the GET fails.
    QJsonObject serverOf(const QByteArray &project, const QString &id);
    QJsonArray listOf(const QByteArray &project, const QString &isActive);
    HttpResponse refresh(const QByteArray &project, const QString &id, const QJsonObject &body);
    // The stored auth_config, unmasked, or null.
    QJsonValue storedAuthConfig(const QString &id);
    // Every stored tool, resource and prompt row of the server as text, to prove that a
    // rejected request changed nothing.
    QString catalogSnapshot(const QString &serverId);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_McpServers::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("mcpservers"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    Settings settings = m_database->settings();
    // More worker loops than the default two, so concurrent refreshes really overlap.
    settings.workers = 6;
    QString error;
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_McpServers::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

QByteArray tst_McpServers::rowProjectKey(const QByteArray &name)
{
    return name + '-' + QByteArray(QTest::currentDataTag()).replace(' ', '-');
}

QJsonObject tst_McpServers::createServer(const QByteArray &project, const QJsonObject &body)
{
    const HttpResponse response = m_client->post(Servers, bodyOf(body), apiKey(project));
    if (response.status != 201) {
        qWarning("create server returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

QJsonObject tst_McpServers::createServer(const QByteArray &project)
{
    return createServer(project, QJsonObject{{"name", "files"},
                                             {"url", "http://127.0.0.1:9000/mcp"},
                                             {"transport_type", "http"},
                                             {"auth_config", QJsonObject{{"token", "sk-secret"}}},
                                             {"capabilities", QJsonObject{{"tools", true}}}});
}

QJsonObject tst_McpServers::serverOf(const QByteArray &project, const QString &id)
{
    const HttpResponse response = m_client->get(Servers + u'/' + id, apiKey(project));
    if (response.status != 200) {
        qWarning("get server returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

QJsonArray tst_McpServers::listOf(const QByteArray &project, const QString &isActive)
{
    const QString query = isActive.isEmpty() ? QString() : QStringLiteral("?is_active=") + isActive;
    const HttpResponse response = m_client->get(Servers + query, apiKey(project));
    if (response.status != 200) {
        qWarning("list servers returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toArray();
}

HttpResponse tst_McpServers::refresh(const QByteArray &project, const QString &id, const QJsonObject &body)
{
    return m_client->post(Servers + u'/' + id + QStringLiteral("/refresh"), bodyOf(body), apiKey(project));
}

QJsonValue tst_McpServers::storedAuthConfig(const QString &id)
{
    const QVariant text = m_database->scalar(
        QStringLiteral("SELECT auth_config::text FROM {{schema}}.mcp_servers WHERE id = CAST(:id AS uuid)"),
        {{QStringLiteral("id"), id}});
    if (text.isNull())
        return QJsonValue(QJsonValue::Null);
    return QJsonDocument::fromJson(QByteArray("[") + text.toString().toUtf8() + "]").array().at(0);
}

QString tst_McpServers::catalogSnapshot(const QString &serverId)
{
    QString snapshot;
    const QStringList tables{QStringLiteral("mcp_tools"), QStringLiteral("mcp_resources"), QStringLiteral("mcp_prompts")};
    for (const QString &table : tables) {
        snapshot += m_database
                        ->scalar(QStringLiteral("SELECT COALESCE(string_agg(row_text, '|' ORDER BY row_text), '')"
                                                " FROM (SELECT item::text AS row_text FROM {{schema}}.%1 AS item"
                                                " WHERE item.server_id = CAST(:id AS uuid)) AS rows")
                                     .arg(table),
                                 {{QStringLiteral("id"), serverId}})
                        .toString();
        snapshot += u'\n';
    }
    return snapshot;
}

void tst_McpServers::createReturnsServer()
{
    const QByteArray project = "mcp-create";
    const QJsonObject request{{"name", "GitHub"},
                              {"url", "wss://mcp.example.com/github"},
                              {"transport_type", "websocket"},
                              {"auth_config", QJsonObject{{"type", "none"}}},
                              {"capabilities", QJsonObject{{"tools", QJsonObject{{"listChanged", true}}}}},
                              {"is_active", false},
                              {"unknown", QJsonArray{1, 2}}};

    const HttpResponse response = m_client->post(Servers, bodyOf(request), apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonObject server = response.json().toObject();
    QCOMPARE(server.size(), 9);
    QVERIFY(isUuid(server["id"]));
    QVERIFY(isTimestamp(server["created_at"]));
    QCOMPARE(server["updated_at"], server["created_at"]);
    QCOMPARE(withoutGeneratedMembers(server),
             (QJsonObject{{"name", "GitHub"},
                          {"url", "wss://mcp.example.com/github"},
                          {"transport_type", "websocket"},
                          {"auth_config", QJsonObject{{"type", "***"}}},
                          {"capabilities", QJsonObject{{"tools", QJsonObject{{"listChanged", true}}}}},
                          {"is_active", false}}));
    QCOMPARE(serverOf(project, server["id"].toString()), server);
    QCOMPARE(storedAuthConfig(server["id"].toString()), QJsonValue(QJsonObject{{"type", "none"}}));
}

void tst_McpServers::createAppliesDefaults()
{
    const QByteArray project = "mcp-defaults";

    const HttpResponse minimal = m_client->post(
        Servers, R"({"name": "local", "url": "/usr/bin/mcp-files", "transport_type": "stdio"})", apiKey(project));
    const HttpResponse nulls = m_client->post(Servers,
                                              R"({"name": "remote", "url": "http://127.0.0.1:1/", "transport_type": "http",
                                                  "auth_config": null, "capabilities": null, "is_active": null})",
                                              apiKey(project));

    QCOMPARE(minimal.status, 201);
    QCOMPARE(withoutGeneratedMembers(minimal.json().toObject()),
             (QJsonObject{{"name", "local"},
                          {"url", "/usr/bin/mcp-files"},
                          {"transport_type", "stdio"},
                          {"auth_config", QJsonValue::Null},
                          {"capabilities", QJsonValue::Null},
                          {"is_active", true}}));
    QCOMPARE(nulls.status, 201);
    QCOMPARE(withoutGeneratedMembers(nulls.json().toObject()),
             (QJsonObject{{"name", "remote"},
                          {"url", "http://127.0.0.1:1/"},
                          {"transport_type", "http"},
                          {"auth_config", QJsonValue::Null},
                          {"capabilities", QJsonValue::Null},
                          {"is_active", true}}));
    QCOMPARE(storedAuthConfig(nulls.json()["id"].toString()), QJsonValue(QJsonValue::Null));
}

void tst_McpServers::createAcceptsMaximumLengths()
{
    // Lengths count code points, so a character outside the BMP counts once.
    const QString name = QString(254, u'n') + QString::fromUtf8("\xF0\x9F\x94\x91");
    const QString url = QStringLiteral("http://h/") + QString(991, u'u');
    QCOMPARE(url.size(), 1000);

    const QJsonObject server =
        createServer("mcp-max-lengths", QJsonObject{{"name", name}, {"url", url}, {"transport_type", "http"}});

    QCOMPARE(server["name"].toString(), name);
    QCOMPARE(server["url"].toString(), url);
}

void tst_McpServers::createRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString value = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    const QString missing = QStringLiteral("missing");
    const QString transports = QStringLiteral("must be one of: stdio, http, websocket");
    const auto withMember = [](const QByteArray &member) {
        return QByteArray(R"({"name": "n", "url": "u", "transport_type": "http", )") + member + '}';
    };
    const QByteArray longName = QByteArray(256, 'n');
    const QByteArray longUrl = QByteArray(1001, 'u');

    QTest::newRow("name missing") << QByteArray(R"({"url": "u", "transport_type": "http"})")
                                  << QJsonArray{"body", "name"} << QStringLiteral("field required") << missing;
    QTest::newRow("name null") << QByteArray(R"({"name": null, "url": "u", "transport_type": "http"})")
                               << QJsonArray{"body", "name"} << QStringLiteral("field required") << missing;
    QTest::newRow("name empty") << QByteArray(R"({"name": "", "url": "u", "transport_type": "http"})")
                                << QJsonArray{"body", "name"} << QStringLiteral("must be at least 1 character")
                                << value;
    QTest::newRow("name 256 characters")
        << QByteArray(R"({"name": ")" + longName + R"(", "url": "u", "transport_type": "http"})")
        << QJsonArray{"body", "name"} << QStringLiteral("must be at most 255 characters") << value;
    QTest::newRow("name number") << QByteArray(R"({"name": 5, "url": "u", "transport_type": "http"})")
                                 << QJsonArray{"body", "name"} << QStringLiteral("must be a string") << typeError;
    QTest::newRow("url missing") << QByteArray(R"({"name": "n", "transport_type": "http"})")
                                 << QJsonArray{"body", "url"} << QStringLiteral("field required") << missing;
    QTest::newRow("url empty") << QByteArray(R"({"name": "n", "url": "", "transport_type": "http"})")
                               << QJsonArray{"body", "url"} << QStringLiteral("must be at least 1 character") << value;
    QTest::newRow("url 1001 characters")
        << QByteArray(R"({"name": "n", "url": ")" + longUrl + R"(", "transport_type": "http"})")
        << QJsonArray{"body", "url"} << QStringLiteral("must be at most 1000 characters") << value;
    QTest::newRow("url array") << QByteArray(R"({"name": "n", "url": ["u"], "transport_type": "http"})")
                               << QJsonArray{"body", "url"} << QStringLiteral("must be a string") << typeError;
    QTest::newRow("transport_type missing") << QByteArray(R"({"name": "n", "url": "u"})")
                                            << QJsonArray{"body", "transport_type"} << QStringLiteral("field required")
                                            << missing;
    QTest::newRow("transport_type null") << QByteArray(R"({"name": "n", "url": "u", "transport_type": null})")
                                         << QJsonArray{"body", "transport_type"}
                                         << QStringLiteral("field required") << missing;
    QTest::newRow("transport_type grpc") << QByteArray(R"({"name": "n", "url": "u", "transport_type": "grpc"})")
                                         << QJsonArray{"body", "transport_type"} << transports << value;
    QTest::newRow("transport_type upper case")
        << QByteArray(R"({"name": "n", "url": "u", "transport_type": "HTTP"})") << QJsonArray{"body", "transport_type"}
        << transports << value;
    QTest::newRow("transport_type number") << QByteArray(R"({"name": "n", "url": "u", "transport_type": 1})")
                                           << QJsonArray{"body", "transport_type"} << transports << typeError;
    QTest::newRow("auth_config array") << withMember(R"("auth_config": [{"token": "t"}])")
                                       << QJsonArray{"body", "auth_config"} << QStringLiteral("must be an object")
                                       << typeError;
    QTest::newRow("auth_config string") << withMember(R"("auth_config": "Bearer t")")
                                        << QJsonArray{"body", "auth_config"} << QStringLiteral("must be an object")
                                        << typeError;
    QTest::newRow("capabilities array") << withMember(R"("capabilities": ["tools"])")
                                        << QJsonArray{"body", "capabilities"} << QStringLiteral("must be an object")
                                        << typeError;
    QTest::newRow("is_active string") << withMember(R"("is_active": "true")") << QJsonArray{"body", "is_active"}
                                      << QStringLiteral("must be a boolean") << typeError;
    QTest::newRow("auth_config with the mask")
        << withMember(R"("auth_config": {"headers": [{"Authorization": "***"}]})") << QJsonArray{"body", "auth_config"}
        << QStringLiteral("must not contain \"***\", the mask of a stored secret: send the real secret, or omit "
                          "auth_config to keep the stored one")
        << value;
    QTest::newRow("body array") << QByteArray(R"([{"name": "n", "url": "u", "transport_type": "http"}])")
                                << QJsonArray{"body"} << QStringLiteral("must be a JSON object") << typeError;
}

void tst_McpServers::createRejectsInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = rowProjectKey("mcp-create-invalid");

    const HttpResponse response = m_client->post(Servers, body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(listOf(project, "all"), QJsonArray());
}

void tst_McpServers::secretsAreMasked()
{
    const QByteArray project = "mcp-masking";
    const QJsonObject auth = jsonObject(NestedAuthConfig);
    const QJsonObject masked = jsonObject(MaskedNestedAuthConfig);

    const QJsonObject created = createServer(
        project, QJsonObject{{"name", "secret"}, {"url", "http://127.0.0.1:2/"}, {"transport_type", "http"},
                             {"auth_config", auth}});
    const QString id = created["id"].toString();
    const QJsonObject fetched = serverOf(project, id);
    const QJsonArray listed = listOf(project, "all");
    const HttpResponse patched =
        m_client->send("PATCH", Servers + u'/' + id, R"({"name": "renamed"})", apiKey(project));
    const HttpResponse refreshed = refresh(project, id, QJsonObject());
    QJsonObject rotated = auth;
    rotated.insert("token", "sk-live-456");
    const HttpResponse put =
        m_client->send("PUT", Servers + u'/' + id, bodyOf(QJsonObject{{"auth_config", rotated}}), apiKey(project));

    QCOMPARE(created["auth_config"], QJsonValue(masked));
    QCOMPARE(fetched["auth_config"], QJsonValue(masked));
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.at(0)["auth_config"], QJsonValue(masked));
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json()["auth_config"], QJsonValue(masked));
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(refreshed.json()["server"]["auth_config"], QJsonValue(masked));
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json()["auth_config"], QJsonValue(masked));
    QVERIFY2(!put.body.contains("sk-live"), put.body.constData());
    QCOMPARE(storedAuthConfig(id), QJsonValue(rotated));
}

void tst_McpServers::listFiltersByActive()
{
    const QByteArray project = "mcp-list";
    const QJsonObject first =
        createServer(project, QJsonObject{{"name", "first"}, {"url", "u1"}, {"transport_type", "stdio"}});
    const QJsonObject second = createServer(
        project, QJsonObject{{"name", "second"}, {"url", "u2"}, {"transport_type", "http"}, {"is_active", false}});
    const QJsonObject third =
        createServer(project, QJsonObject{{"name", "third"}, {"url", "u3"}, {"transport_type", "websocket"}});
    QVERIFY(!first.isEmpty() && !second.isEmpty() && !third.isEmpty());

    // Newest first.
    QCOMPARE(listOf(project, QString()), (QJsonArray{third, first}));
    QCOMPARE(listOf(project, "true"), (QJsonArray{third, first}));
    QCOMPARE(listOf(project, "false"), QJsonArray{second});
    QCOMPARE(listOf(project, "all"), (QJsonArray{third, second, first}));
    const HttpResponse trailingSlash = m_client->get(Servers + QStringLiteral("/?is_active=false"), apiKey(project));
    QCOMPARE(trailingSlash.status, 200);
    QCOMPARE(trailingSlash.json().toArray(), QJsonArray{second});
    QCOMPARE(listOf("mcp-list-empty", "all"), QJsonArray());
}

void tst_McpServers::listRejectsBadFilter()
{
    for (const QString &value : {QStringLiteral("yes"), QStringLiteral("1"), QStringLiteral("True"), QString()}) {
        const HttpResponse response =
            m_client->get(Servers + QStringLiteral("?is_active=") + value, apiKey("mcp-list-invalid"));
        QCOMPARE(response.status, 422);
        QCOMPARE(response.json().toObject(),
                 validationBody(QJsonArray{"query", "is_active"}, QStringLiteral("must be one of: true, false, all"),
                                QStringLiteral("value_error")));
    }
}

void tst_McpServers::updateChangesMembers_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::newRow("PATCH") << QByteArray("PATCH");
    QTest::newRow("PUT") << QByteArray("PUT");
}

void tst_McpServers::updateChangesMembers()
{
    QFETCH(QByteArray, method);
    const QByteArray project = rowProjectKey("mcp-update");
    const QJsonObject before = createServer(project);
    const QString id = before["id"].toString();
    QVERIFY(!id.isEmpty());
    const QJsonObject request{{"name", "files v2"},
                              {"url", "ws://127.0.0.1:9001/mcp"},
                              {"transport_type", "websocket"},
                              {"auth_config", QJsonObject{{"token", "sk-new"}, {"retries", 3}}},
                              {"capabilities", QJsonObject{{"prompts", true}}},
                              {"is_active", false}};

    const HttpResponse response = m_client->send(method, Servers + u'/' + id, bodyOf(request), apiKey(project));

    QCOMPARE(response.status, 200);
    const QJsonObject updated = response.json().toObject();
    QCOMPARE(updated["id"], before["id"]);
    QCOMPARE(updated["created_at"], before["created_at"]);
    QVERIFY(isTimestamp(updated["updated_at"]));
    QVERIFY(updated["updated_at"].toString() > before["updated_at"].toString());
    QCOMPARE(withoutGeneratedMembers(updated),
             (QJsonObject{{"name", "files v2"},
                          {"url", "ws://127.0.0.1:9001/mcp"},
                          {"transport_type", "websocket"},
                          {"auth_config", QJsonObject{{"token", "***"}, {"retries", 3}}},
                          {"capabilities", QJsonObject{{"prompts", true}}},
                          {"is_active", false}}));
    QCOMPARE(serverOf(project, id), updated);
    QCOMPARE(storedAuthConfig(id), QJsonValue(QJsonObject{{"token", "sk-new"}, {"retries", 3}}));
}

void tst_McpServers::updateKeepsAbsentAndNullMembers_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");
    // The llmring client sends PUT with every member, null for those it keeps.
    const QByteArray nulls = R"({"name": null, "url": null, "transport_type": null, "auth_config": null,
                                 "capabilities": null, "is_active": null})";
    QTest::newRow("PUT all null") << QByteArray("PUT") << nulls;
    QTest::newRow("PATCH all null") << QByteArray("PATCH") << nulls;
    QTest::newRow("PUT empty object") << QByteArray("PUT") << QByteArray("{}");
    QTest::newRow("PATCH unknown member") << QByteArray("PATCH") << QByteArray(R"({"description": "ignored"})");
}

void tst_McpServers::updateKeepsAbsentAndNullMembers()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    const QByteArray project = rowProjectKey("mcp-update-null");
    const QJsonObject before = createServer(project);
    const QString id = before["id"].toString();
    QVERIFY(!id.isEmpty());

    const HttpResponse response = m_client->send(method, Servers + u'/' + id, body, apiKey(project));

    QCOMPARE(response.status, 200);
    const QJsonObject updated = response.json().toObject();
    QCOMPARE(withoutGeneratedMembers(updated), withoutGeneratedMembers(before));
    QCOMPARE(updated["created_at"], before["created_at"]);
    QVERIFY(updated["updated_at"].toString() > before["updated_at"].toString());
    QCOMPARE(storedAuthConfig(id), QJsonValue(QJsonObject{{"token", "sk-secret"}}));
}

void tst_McpServers::updateRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString value = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    for (const QByteArray &method : {QByteArray("PATCH"), QByteArray("PUT")}) {
        const auto row = [&method](const char *name) -> QTestData & {
            return QTest::newRow((method + ' ' + name).constData());
        };
        row("name empty") << QByteArray(R"({"name": ""})") << QJsonArray{"body", "name"}
                          << QStringLiteral("must be at least 1 character") << value;
        row("name 256 characters") << QByteArray(R"({"name": ")" + QByteArray(256, 'n') + R"("})")
                                   << QJsonArray{"body", "name"} << QStringLiteral("must be at most 255 characters")
                                   << value;
        row("url 1001 characters") << QByteArray(R"({"url": ")" + QByteArray(1001, 'u') + R"("})")
                                   << QJsonArray{"body", "url"} << QStringLiteral("must be at most 1000 characters")
                                   << value;
        row("transport_type invalid") << QByteArray(R"({"transport_type": "sse"})")
                                      << QJsonArray{"body", "transport_type"}
                                      << QStringLiteral("must be one of: stdio, http, websocket") << value;
        row("auth_config array") << QByteArray(R"({"auth_config": ["sk"]})") << QJsonArray{"body", "auth_config"}
                                 << QStringLiteral("must be an object") << typeError;
        row("auth_config mask") << QByteArray(R"({"auth_config": {"token": "***"}})")
                                << QJsonArray{"body", "auth_config"} << MaskedSecretMessage << value;
        row("auth_config nested mask")
            << QByteArray(R"({"auth_config": {"token": "sk-new", "headers": [{"name": "X-Key", "value": "***"}]}})")
            << QJsonArray{"body", "auth_config"} << MaskedSecretMessage << value;
        row("auth_config as returned") << QByteArray(R"({"name": "kept", "auth_config": )" + MaskedNestedAuthConfig + '}')
                                       << QJsonArray{"body", "auth_config"} << MaskedSecretMessage << value;
        row("capabilities string") << QByteArray(R"({"capabilities": "all"})") << QJsonArray{"body", "capabilities"}
                                   << QStringLiteral("must be an object") << typeError;
        row("is_active number") << QByteArray(R"({"is_active": 0})") << QJsonArray{"body", "is_active"}
                                << QStringLiteral("must be a boolean") << typeError;
        row("body array") << QByteArray(R"([{"name": "n"}])") << QJsonArray{"body"}
                          << QStringLiteral("must be a JSON object") << typeError;
    }
}

void tst_McpServers::updateRejectsInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = rowProjectKey("mcp-update-invalid");
    const QJsonObject before = createServer(project);
    const QString id = before["id"].toString();
    QVERIFY(!id.isEmpty());

    const HttpResponse response = m_client->send(methodOfRow(), Servers + u'/' + id, body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(serverOf(project, id), before);
    QCOMPARE(storedAuthConfig(id), QJsonValue(QJsonObject{{"token", "sk-secret"}}));
}

// Replays the calls of the llmring client's MCP HTTP client. It sends null members and a
// project_id in bodies and queries, is_active as a query parameter, and PUT with only
// the members it changes. It repeats the tool id in the execute body and renders with
// the bare arguments.
void tst_McpServers::clientCallsAsSent()
{
    const QByteArray project = "mcp-client";
    const HttpResponse registered = m_client->post(
        Servers,
        R"({"name": "files", "url": "http://127.0.0.1:9000/mcp", "transport_type": "http",
            "auth_config": null, "capabilities": null, "project_id": null})",
        apiKey(project));
    QCOMPARE(registered.status, 201);
    const QString serverId = registered.json()["id"].toString();

    const HttpResponse listed = m_client->get(Servers + QStringLiteral("?is_active=true&project_id=p1"), apiKey(project));
    const HttpResponse updated = m_client->send("PUT", Servers + u'/' + serverId,
                                                R"({"is_active": true, "name": "files-2"})", apiKey(project));
    const HttpResponse refreshed = m_client->post(
        Servers + u'/' + serverId + QStringLiteral("/refresh"),
        R"({"tools": [{"name": "search", "description": "Search", "inputSchema": {"type": "object"}}],
            "resources": [{"uri": "file:///a", "name": "a", "mimeType": "text/plain"}],
            "prompts": [{"name": "greet", "arguments": [{"name": "who", "required": true}],
                         "messages": [{"role": "user", "content": "Hello {{who}}"}]}]})",
        apiKey(project));

    QCOMPARE(listed.status, 200);
    QCOMPARE(idsOf(listed.json().toArray()), QStringList{serverId});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json()["name"].toString(), QStringLiteral("files-2"));
    QCOMPARE(updated.json()["url"].toString(), QStringLiteral("http://127.0.0.1:9000/mcp"));
    QCOMPARE(refreshed.status, 200);
    const QString toolId = refreshed.json()["tools"][0]["id"].toString();
    const QString promptId = refreshed.json()["prompts"][0]["id"].toString();

    const HttpResponse tools = m_client->get(
        QStringLiteral("/api/v1/mcp/tools?server_id=%1&is_active=true&project_id=p1").arg(serverId), apiKey(project));
    const HttpResponse executed = m_client->post(
        QStringLiteral("/api/v1/mcp/tools/%1/execute").arg(toolId),
        bodyOf(QJsonObject{{"tool_id", toolId}, {"input", QJsonObject{{"q", "x"}}}, {"conversation_id", QJsonValue::Null}}),
        apiKey(project));
    const HttpResponse history =
        m_client->get(QStringLiteral("/api/v1/mcp/tools/%1/history?limit=100").arg(toolId), apiKey(project));
    const HttpResponse rendered = m_client->post(QStringLiteral("/api/v1/mcp/prompts/%1/render").arg(promptId),
                                                 R"({"who": "Ada"})", apiKey(project));

    QCOMPARE(tools.status, 200);
    QCOMPARE(idsOf(tools.json().toArray()), QStringList{toolId});
    QCOMPARE(tools.json()[0]["server"]["name"].toString(), QStringLiteral("files-2"));
    QCOMPARE(executed.status, 201);
    QCOMPARE(executed.json()["tool_id"].toString(), toolId);
    QCOMPARE(executed.json()["conversation_id"], QJsonValue(QJsonValue::Null));
    QCOMPARE(history.status, 200);
    QCOMPARE(idsOf(history.json().toArray()), QStringList{executed.json()["id"].toString()});
    QCOMPARE(rendered.status, 200);
    QCOMPARE(rendered.json()["messages"], QJsonValue(QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello Ada"}}}));
}

void tst_McpServers::deleteRemovesServer()
{
    const QByteArray project = "mcp-delete";
    const QJsonObject remaining = createServer(project);
    const QJsonObject deleted = createServer(project);
    const QString path = Servers + u'/' + deleted["id"].toString();

    const HttpResponse response = m_client->send("DELETE", path, {}, apiKey(project));
    const HttpResponse again = m_client->send("DELETE", path, {}, apiKey(project));
    const HttpResponse get = m_client->get(path, apiKey(project));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(), (QJsonObject{{"message", "Server deleted"}}));
    QCOMPARE(again.status, 404);
    QCOMPARE(again.body, NotFoundBody);
    QCOMPARE(get.status, 404);
    QCOMPARE(get.body, NotFoundBody);
    QCOMPARE(listOf(project, "all"), QJsonArray{remaining});
}

void tst_McpServers::deleteCascadesAndKeepsExecutions()
{
    const QByteArray project = "mcp-delete-cascade";
    const QJsonObject server = createServer(project);
    const QString id = server["id"].toString();
    const QJsonObject other = createServer(project);
    QVERIFY(!id.isEmpty() && !other.isEmpty());
    const QJsonObject catalog{
        {"tools", QJsonArray{QJsonObject{{"name", "search"}}, QJsonObject{{"name", "fetch"}}}},
        {"resources", QJsonArray{QJsonObject{{"uri", "file:///readme"}, {"text", "hello"}}}},
        {"prompts", QJsonArray{QJsonObject{{"name", "summarise"}}}},
    };
    const HttpResponse refreshed = refresh(project, id, catalog);
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(refresh(project, other["id"].toString(), catalog).status, 200);
    const QString toolId = idsByKey(refreshed.json()["tools"].toArray(), "name").value("search");
    // Two executions of the tool: one row written directly, and one recorded through
    // POST /tools/{id}/execute.
    m_database->exec(QStringLiteral("INSERT INTO {{schema}}.mcp_tool_executions"
                                    " (api_key_id, tool_id, server_id, tool_name, server_name, input, output)"
                                    " VALUES (:project, CAST(:tool AS uuid), CAST(:server AS uuid), 'search', 'files',"
                                    " '{\"query\": \"mcp\"}', '[1, 2]')"),
                     {{QStringLiteral("project"), QString::fromUtf8(project)},
                      {QStringLiteral("tool"), toolId},
                      {QStringLiteral("server"), id}});
    const HttpResponse executed =
        m_client->post(QStringLiteral("/api/v1/mcp/tools/%1/execute").arg(toolId),
                       R"({"input": {"query": "route"}, "output": {"hits": 2}, "duration_ms": 5})", apiKey(project));
    QCOMPARE(executed.status, 201);
    const auto countOf = [this](const QString &table, const QString &serverId) {
        return m_database
            ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.%1 WHERE server_id = CAST(:id AS uuid)").arg(table),
                     {{QStringLiteral("id"), serverId}})
            .toLongLong();
    };
    QCOMPARE(countOf("mcp_tools", id), 2);

    const HttpResponse response = m_client->send("DELETE", Servers + u'/' + id, {}, apiKey(project));

    QCOMPARE(response.status, 200);
    for (const QString table : {"mcp_tools", "mcp_resources", "mcp_prompts"}) {
        QCOMPARE(countOf(table, id), 0);
        QCOMPARE(countOf(table, other["id"].toString()), table == "mcp_tools" ? 2 : 1);
    }
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT string_agg(concat_ws('/', COALESCE(tool_id::text, 'null'),"
                                         " COALESCE(server_id::text, 'null'), tool_name, server_name, input::text,"
                                         " output::text), '|' ORDER BY input::text)"
                                         " FROM {{schema}}.mcp_tool_executions WHERE api_key_id = :project"),
                          {{QStringLiteral("project"), QString::fromUtf8(project)}})
                 .toString(),
             QStringLiteral("null/null/search/files/{\"query\": \"mcp\"}/[1, 2]|"
                            "null/null/search/files/{\"query\": \"route\"}/{\"hits\": 2}"));
    const HttpResponse history = m_client->get(QStringLiteral("/api/v1/mcp/executions"), apiKey(project));
    QCOMPARE(history.status, 200);
    QJsonObject expected = executed.json().toObject();
    expected.insert("tool_id", QJsonValue::Null);
    expected.insert("tool_name", "search");
    expected.insert("server_name", "files");
    QVERIFY2(history.json().toArray().contains(expected), history.body.constData());
    QCOMPARE(history.json().toArray().size(), 2);
}

void tst_McpServers::routesRejectMalformedId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("GET") << QByteArray("GET") << QString() << QByteArray();
    QTest::newRow("PATCH") << QByteArray("PATCH") << QString() << QByteArray(R"({"name": "n"})");
    QTest::newRow("PUT") << QByteArray("PUT") << QString() << QByteArray(R"({"name": "n"})");
    QTest::newRow("DELETE") << QByteArray("DELETE") << QString() << QByteArray();
    QTest::newRow("POST refresh") << QByteArray("POST") << QStringLiteral("/refresh") << QByteArray("{}");
}

void tst_McpServers::routesRejectMalformedId()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(QByteArray, body);

    for (const QString &id : {QStringLiteral("not-a-uuid"), QStringLiteral("00000000000040008000000000000000")}) {
        const HttpResponse response = m_client->send(method, Servers + u'/' + id + suffix, body, apiKey("mcp-malformed"));
        QCOMPARE(response.status, 422);
        QCOMPARE(response.json().toObject(), pathIdError());
    }
}

void tst_McpServers::routesReportUnknownServer_data()
{
    routesRejectMalformedId_data();
}

void tst_McpServers::routesReportUnknownServer()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(QByteArray, body);

    const HttpResponse response = m_client->send(method, Servers + u'/' + UnknownId + suffix, body, apiKey("mcp-unknown"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, NotFoundBody);
}

void tst_McpServers::refreshStoresCatalog()
{
    const QByteArray project = "mcp-refresh";
    const QJsonObject server = createServer(project);
    const QString id = server["id"].toString();
    QVERIFY(!id.isEmpty());
    const QJsonObject searchSchema{{"type", "object"},
                                   {"properties", QJsonObject{{"query", QJsonObject{{"type", "string"}}}}},
                                   {"required", QJsonArray{"query"}}};
    const QJsonArray arguments{QJsonObject{{"name", "topic"}, {"required", true}}};
    // The MCP wire spellings (inputSchema, mimeType) beside the service's own.
    const QJsonObject payload{
        {"tools",
         QJsonArray{QJsonObject{{"name", "search"}, {"description", "Search files"}, {"inputSchema", searchSchema}},
                    QJsonObject{{"name", "fetch"}, {"input_schema", QJsonObject{{"type", "object"}}}},
                    QJsonObject{{"name", "clock"}, {"description", QJsonValue::Null}}}},
        {"resources",
         QJsonArray{QJsonObject{{"uri", "file:///b.md"}, {"name", "B"}, {"mimeType", "text/markdown"}, {"text", "# B"}},
                    QJsonObject{{"uri", "file:///a.txt"}, {"description", "A file"}, {"mime_type", "text/plain"}}}},
        {"prompts",
         QJsonArray{QJsonObject{{"name", "summarise"},
                                {"description", "Summarise a topic"},
                                {"arguments", arguments},
                                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "About {{topic}}"}}}}},
                    QJsonObject{{"name", "greet"}, {"arguments", QJsonObject{{"name", "string"}}}}}},
    };

    const HttpResponse response = refresh(project, id, payload);

    QCOMPARE(response.status, 200);
    const QJsonObject body = response.json().toObject();
    QCOMPARE(body.keys(), (QStringList{"prompts", "resources", "server", "tools"}));
    QCOMPARE(body["server"].toObject(), serverOf(project, id));
    // Ordered by name (resources by uri).
    QCOMPARE(withoutGeneratedMembers(body["tools"].toArray()),
             (QJsonArray{tool(id, "clock", QJsonValue::Null, {}, true),
                         tool(id, "fetch", QJsonValue::Null, QJsonObject{{"type", "object"}}, true),
                         tool(id, "search", "Search files", searchSchema, true)}));
    QCOMPARE(withoutGeneratedMembers(body["resources"].toArray()),
             (QJsonArray{resource(id, "file:///a.txt", QJsonValue::Null, "A file", "text/plain", true),
                         resource(id, "file:///b.md", "B", QJsonValue::Null, "text/markdown", true)}));
    QCOMPARE(withoutGeneratedMembers(body["prompts"].toArray()),
             (QJsonArray{prompt(id, "greet", QJsonValue::Null, QJsonObject{{"name", "string"}}, true),
                         prompt(id, "summarise", "Summarise a topic", arguments, true)}));
    for (const QString kind : {"tools", "resources", "prompts"}) {
        for (const QJsonValue &item : body[kind].toArray()) {
            QVERIFY(isUuid(item["id"]));
            QVERIFY(isTimestamp(item["created_at"]));
            QCOMPARE(item.toObject().size(), kind == "resources" ? 8 : 7);
        }
    }
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT content FROM {{schema}}.mcp_resources WHERE uri = 'file:///b.md'"
                                         " AND server_id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), id}})
                 .toString(),
             QStringLiteral("# B"));
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT messages::text FROM {{schema}}.mcp_prompts WHERE name = 'summarise'"
                                         " AND server_id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), id}})
                 .toString(),
             QStringLiteral(R"([{"role": "user", "content": "About {{topic}}"}])"));
}

void tst_McpServers::refreshCycles()
{
    const QByteArray project = "mcp-refresh-cycles";
    const QString id = createServer(project)["id"].toString();
    QVERIFY(!id.isEmpty());
    const QJsonObject schemaV1{{"type", "object"}};
    const QJsonObject schemaV2{{"type", "object"}, {"properties", QJsonObject{{"path", QJsonObject{{"type", "string"}}}}}};

    // Add a and b.
    const QJsonArray firstTools{QJsonObject{{"name", "a"}, {"description", "A1"}},
                                QJsonObject{{"name", "b"}, {"inputSchema", schemaV1}}};
    const HttpResponse added =
        refresh(project, id,
                QJsonObject{{"tools", firstTools},
                            {"resources", QJsonArray{QJsonObject{{"uri", "mem://r1"}}}},
                            {"prompts", QJsonArray{QJsonObject{{"name", "p1"}}}}});
    QCOMPARE(added.status, 200);
    QCOMPARE(withoutGeneratedMembers(added.json()["tools"].toArray()),
             (QJsonArray{tool(id, "a", "A1", {}, true), tool(id, "b", QJsonValue::Null, schemaV1, true)}));
    const QHash<QString, QString> toolIds = idsByKey(added.json()["tools"].toArray(), "name");
    const QStringList resourceIds = idsOf(added.json()["resources"].toArray());
    const QStringList promptIds = idsOf(added.json()["prompts"].toArray());

    // Update a (description and schema through inputSchema), add c, leave b out.
    const HttpResponse updated = refresh(
        project, id,
        QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "a"}, {"description", "A2"}, {"inputSchema", schemaV2}},
                                         QJsonObject{{"name", "c"}}}},
                    {"resources", QJsonArray{QJsonObject{{"uri", "mem://r1"}, {"mimeType", "text/plain"}}}},
                    {"prompts", QJsonArray{QJsonObject{{"name", "p1"}, {"description", "P1"}}}}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(withoutGeneratedMembers(updated.json()["tools"].toArray()),
             (QJsonArray{tool(id, "a", "A2", schemaV2, true), tool(id, "b", QJsonValue::Null, schemaV1, false),
                         tool(id, "c", QJsonValue::Null, {}, true)}));
    QCOMPARE(withoutGeneratedMembers(updated.json()["resources"].toArray()),
             QJsonArray{resource(id, "mem://r1", QJsonValue::Null, QJsonValue::Null, "text/plain", true)});
    QCOMPARE(withoutGeneratedMembers(updated.json()["prompts"].toArray()),
             QJsonArray{prompt(id, "p1", "P1", QJsonValue::Null, true)});
    const QHash<QString, QString> updatedIds = idsByKey(updated.json()["tools"].toArray(), "name");
    QCOMPARE(updatedIds.value("a"), toolIds.value("a"));
    QCOMPARE(updatedIds.value("b"), toolIds.value("b"));
    QCOMPARE(idsOf(updated.json()["resources"].toArray()), resourceIds);
    QCOMPARE(idsOf(updated.json()["prompts"].toArray()), promptIds);

    // Re-add b alone: it is active again with its old id, a and c become inactive, and
    // the resource and prompt go inactive too.
    const HttpResponse readded =
        refresh(project, id, QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "b"}, {"description", "back"}}}}});
    QCOMPARE(readded.status, 200);
    QCOMPARE(withoutGeneratedMembers(readded.json()["tools"].toArray()),
             (QJsonArray{tool(id, "a", "A2", schemaV2, false), tool(id, "b", "back", {}, true),
                         tool(id, "c", QJsonValue::Null, {}, false)}));
    QCOMPARE(idsByKey(readded.json()["tools"].toArray(), "name").value("b"), toolIds.value("b"));
    QCOMPARE(withoutGeneratedMembers(readded.json()["resources"].toArray()),
             QJsonArray{resource(id, "mem://r1", QJsonValue::Null, QJsonValue::Null, "text/plain", false)});
    QCOMPARE(withoutGeneratedMembers(readded.json()["prompts"].toArray()),
             QJsonArray{prompt(id, "p1", "P1", QJsonValue::Null, false)});

    // The same payload again changes nothing but updated_at.
    const HttpResponse repeated =
        refresh(project, id, QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "b"}, {"description", "back"}}}}});
    QCOMPARE(repeated.status, 200);
    QCOMPARE(repeated.json()["tools"], readded.json()["tools"]);
    QCOMPARE(m_database
                 ->scalar(QStringLiteral("SELECT count(*) FROM {{schema}}.mcp_tools WHERE server_id = CAST(:id AS uuid)"),
                          {{QStringLiteral("id"), id}})
                 .toLongLong(),
             3);
}

void tst_McpServers::refreshKeepsContentWithoutText()
{
    const QByteArray project = "mcp-refresh-content";
    const QString id = createServer(project)["id"].toString();
    QVERIFY(!id.isEmpty());
    const auto storedOf = [this, &id](const QString &sql) {
        return m_database->scalar(sql, {{QStringLiteral("id"), id}});
    };
    const QString contentSql =
        QStringLiteral("SELECT content FROM {{schema}}.mcp_resources WHERE server_id = CAST(:id AS uuid)");
    const QString messagesSql =
        QStringLiteral("SELECT messages::text FROM {{schema}}.mcp_prompts WHERE server_id = CAST(:id AS uuid)");
    const QJsonArray messages{QJsonObject{{"role", "user"}, {"content", "Hi {{name}}"}},
                              QJsonObject{{"role", "assistant"}, {"content", ""}}};

    QCOMPARE(refresh(project, id,
                     QJsonObject{{"resources", QJsonArray{QJsonObject{{"uri", "mem://doc"}, {"text", "first"}}}},
                                 {"prompts", QJsonArray{QJsonObject{{"name", "hello"}, {"messages", messages}}}}})
                 .status,
             200);
    QCOMPARE(storedOf(contentSql).toString(), QStringLiteral("first"));

    // A listing without text or messages keeps the stored ones.
    QCOMPARE(refresh(project, id,
                     QJsonObject{{"resources", QJsonArray{QJsonObject{{"uri", "mem://doc"}, {"text", QJsonValue::Null}}}},
                                 {"prompts", QJsonArray{QJsonObject{{"name", "hello"}}}}})
                 .status,
             200);
    QCOMPARE(storedOf(contentSql).toString(), QStringLiteral("first"));
    QCOMPARE(QJsonDocument::fromJson(storedOf(messagesSql).toString().toUtf8()).array(), messages);

    // New text and messages replace them, and an empty text is content too.
    QCOMPARE(refresh(project, id,
                     QJsonObject{{"resources", QJsonArray{QJsonObject{{"uri", "mem://doc"}, {"text", ""}}}},
                                 {"prompts", QJsonArray{QJsonObject{{"name", "hello"}, {"messages", QJsonArray()}}}}})
                 .status,
             200);
    QVERIFY(!storedOf(contentSql).isNull());
    QCOMPARE(storedOf(contentSql).toString(), QString());
    QCOMPARE(storedOf(messagesSql).toString(), QStringLiteral("[]"));
}

void tst_McpServers::refreshAcceptsEmptyPayload()
{
    const QByteArray project = "mcp-refresh-empty";
    const QString id = createServer(project)["id"].toString();
    QVERIFY(!id.isEmpty());
    const HttpResponse empty = refresh(project, id, QJsonObject());
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json()["tools"], QJsonValue(QJsonArray()));
    QCOMPARE(empty.json()["resources"], QJsonValue(QJsonArray()));
    QCOMPARE(empty.json()["prompts"], QJsonValue(QJsonArray()));
    QCOMPARE(refresh(project, id,
                     QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "t"}}}},
                                 {"resources", QJsonArray{QJsonObject{{"uri", "mem://r"}}}},
                                 {"prompts", QJsonArray{QJsonObject{{"name", "p"}}}}})
                 .status,
             200);

    // Null lists count as empty, so every item becomes inactive.
    const HttpResponse nulls = m_client->post(Servers + u'/' + id + QStringLiteral("/refresh"),
                                              R"({"tools": null, "resources": null, "prompts": null})", apiKey(project));

    QCOMPARE(nulls.status, 200);
    QCOMPARE(withoutGeneratedMembers(nulls.json()["tools"].toArray()),
             QJsonArray{tool(id, "t", QJsonValue::Null, {}, false)});
    QCOMPARE(withoutGeneratedMembers(nulls.json()["resources"].toArray()),
             QJsonArray{resource(id, "mem://r", QJsonValue::Null, QJsonValue::Null, QJsonValue::Null, false)});
    QCOMPARE(withoutGeneratedMembers(nulls.json()["prompts"].toArray()),
             QJsonArray{prompt(id, "p", QJsonValue::Null, QJsonValue::Null, false)});
}

void tst_McpServers::refreshRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString value = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    const QString missing = QStringLiteral("missing");
    const QString objectMessage = QStringLiteral("must be an object");
    const QString stringMessage = QStringLiteral("must be a string");

    QTest::newRow("body array") << QByteArray("[]") << QJsonArray{"body"} << QStringLiteral("must be a JSON object")
                                << typeError;
    QTest::newRow("tools object") << QByteArray(R"({"tools": {"name": "t"}})") << QJsonArray{"body", "tools"}
                                  << QStringLiteral("must be an array of objects or null") << typeError;
    QTest::newRow("tools item string") << QByteArray(R"({"tools": [{"name": "t"}, "u"]})")
                                       << QJsonArray{"body", "tools", 1} << objectMessage << typeError;
    QTest::newRow("tool name missing") << QByteArray(R"({"tools": [{"description": "d"}]})")
                                       << QJsonArray{"body", "tools", 0, "name"} << QStringLiteral("field required")
                                       << missing;
    QTest::newRow("tool name empty") << QByteArray(R"({"tools": [{"name": ""}]})")
                                     << QJsonArray{"body", "tools", 0, "name"}
                                     << QStringLiteral("must be at least 1 character") << value;
    QTest::newRow("tool name 256 characters") << QByteArray(R"({"tools": [{"name": ")" + QByteArray(256, 't') + R"("}]})")
                                              << QJsonArray{"body", "tools", 0, "name"}
                                              << QStringLiteral("must be at most 255 characters") << value;
    QTest::newRow("tool description number") << QByteArray(R"({"tools": [{"name": "t", "description": 1}]})")
                                             << QJsonArray{"body", "tools", 0, "description"} << stringMessage
                                             << typeError;
    QTest::newRow("tool input_schema string") << QByteArray(R"({"tools": [{"name": "t", "input_schema": "{}"}]})")
                                              << QJsonArray{"body", "tools", 0, "input_schema"} << objectMessage
                                              << typeError;
    QTest::newRow("tool inputSchema array") << QByteArray(R"({"tools": [{"name": "t", "inputSchema": []}]})")
                                            << QJsonArray{"body", "tools", 0, "inputSchema"} << objectMessage
                                            << typeError;
    QTest::newRow("tool both schema spellings")
        << QByteArray(R"({"tools": [{"name": "t", "input_schema": {}, "inputSchema": {}}]})")
        << QJsonArray{"body", "tools", 0, "inputSchema"} << QStringLiteral("must not be given together with input_schema")
        << value;
    QTest::newRow("tool duplicate name")
        << QByteArray(R"({"tools": [{"name": "search"}, {"name": "fetch"}, {"name": "search"}]})")
        << QJsonArray{"body", "tools", 2, "name"}
        << QStringLiteral("must be unique, but item 0 has the same name \"search\"") << value;
    QTest::newRow("resources string") << QByteArray(R"({"resources": "mem://r"})") << QJsonArray{"body", "resources"}
                                      << QStringLiteral("must be an array of objects or null") << typeError;
    QTest::newRow("resource uri missing") << QByteArray(R"({"resources": [{"name": "r"}]})")
                                          << QJsonArray{"body", "resources", 0, "uri"}
                                          << QStringLiteral("field required") << missing;
    QTest::newRow("resource uri 1001 characters")
        << QByteArray(R"({"resources": [{"uri": ")" + QByteArray(1001, 'r') + R"("}]})")
        << QJsonArray{"body", "resources", 0, "uri"} << QStringLiteral("must be at most 1000 characters") << value;
    QTest::newRow("resource name 256 characters")
        << QByteArray(R"({"resources": [{"uri": "mem://r", "name": ")" + QByteArray(256, 'n') + R"("}]})")
        << QJsonArray{"body", "resources", 0, "name"} << QStringLiteral("must be at most 255 characters") << value;
    QTest::newRow("resource mimeType number") << QByteArray(R"({"resources": [{"uri": "mem://r", "mimeType": 1}]})")
                                              << QJsonArray{"body", "resources", 0, "mimeType"} << stringMessage
                                              << typeError;
    QTest::newRow("resource mime_type 256 characters")
        << QByteArray(R"({"resources": [{"uri": "mem://r", "mime_type": ")" + QByteArray(256, 'm') + R"("}]})")
        << QJsonArray{"body", "resources", 0, "mime_type"} << QStringLiteral("must be at most 255 characters")
        << value;
    QTest::newRow("resource text object") << QByteArray(R"({"resources": [{"uri": "mem://r", "text": {}}]})")
                                          << QJsonArray{"body", "resources", 0, "text"} << stringMessage << typeError;
    QTest::newRow("resource duplicate uri")
        << QByteArray(R"({"resources": [{"uri": "mem://r"}, {"uri": "mem://r"}]})")
        << QJsonArray{"body", "resources", 1, "uri"}
        << QStringLiteral("must be unique, but item 0 has the same uri \"mem://r\"") << value;
    QTest::newRow("prompt name missing") << QByteArray(R"({"prompts": [{}]})")
                                         << QJsonArray{"body", "prompts", 0, "name"}
                                         << QStringLiteral("field required") << missing;
    QTest::newRow("prompt arguments string") << QByteArray(R"({"prompts": [{"name": "p", "arguments": "topic"}]})")
                                             << QJsonArray{"body", "prompts", 0, "arguments"}
                                             << QStringLiteral("must be an object, an array or null") << typeError;
    QTest::newRow("prompt messages object")
        << QByteArray(R"({"prompts": [{"name": "p", "messages": {"role": "user", "content": "c"}}]})")
        << QJsonArray{"body", "prompts", 0, "messages"} << QStringLiteral("must be an array of messages or null")
        << typeError;
    QTest::newRow("prompt message string") << QByteArray(R"({"prompts": [{"name": "p", "messages": ["hi"]}]})")
                                           << QJsonArray{"body", "prompts", 0, "messages", 0} << objectMessage
                                           << typeError;
    QTest::newRow("prompt message role missing")
        << QByteArray(R"({"prompts": [{"name": "p", "messages": [{"role": "user", "content": "a"}, {"content": "b"}]}]})")
        << QJsonArray{"body", "prompts", 0, "messages", 1, "role"} << QStringLiteral("field required") << missing;
    QTest::newRow("prompt message content object")
        << QByteArray(R"({"prompts": [{"name": "p", "messages": [{"role": "user", "content": {"type": "text"}}]}]})")
        << QJsonArray{"body", "prompts", 0, "messages", 0, "content"} << stringMessage << typeError;
    QTest::newRow("prompt duplicate name")
        << QByteArray(R"({"prompts": [{"name": "p"}, {"name": "q"}, {"name": "q"}]})")
        << QJsonArray{"body", "prompts", 2, "name"}
        << QStringLiteral("must be unique, but item 1 has the same name \"q\"") << value;
}

void tst_McpServers::refreshRejectsInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = rowProjectKey("mcp-refresh-invalid");
    const QJsonObject server = createServer(project);
    const QString id = server["id"].toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(refresh(project, id,
                     QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "search"}}, QJsonObject{{"name", "q"}}}},
                                 {"resources", QJsonArray{QJsonObject{{"uri", "mem://r"}, {"text", "kept"}}}},
                                 {"prompts", QJsonArray{QJsonObject{{"name", "p"}}}}})
                 .status,
             200);
    const QString before = catalogSnapshot(id);

    const HttpResponse response =
        m_client->post(Servers + u'/' + id + QStringLiteral("/refresh"), body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(catalogSnapshot(id), before);
    QCOMPARE(serverOf(project, id), server);
}

void tst_McpServers::concurrentRefreshesStayConsistent()
{
    constexpr int Refreshes = 12;
    const QByteArray project = "mcp-refresh-concurrent";
    const QString id = createServer(project)["id"].toString();
    QVERIFY(!id.isEmpty());

    // Every payload has the shared tool and one of its own, so each refresh deactivates
    // the tools of the others. The server lock makes each refresh apply as a whole.
    const QUrl url = m_service.baseUrl().resolved(QUrl(Servers + u'/' + id + QStringLiteral("/refresh")));
    std::array<QNetworkAccessManager, 3> networks;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < Refreshes; ++i) {
        const QJsonObject payload{{"tools", QJsonArray{QJsonObject{{"name", "shared"}},
                                                       QJsonObject{{"name", QStringLiteral("own-%1").arg(i)}}}}};
        QNetworkRequest request(url);
        request.setRawHeader("X-API-Key", project);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        replies.append(networks.at(i % networks.size()).post(request, bodyOf(payload)));
    }
    const auto allFinished = [&replies] {
        return std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *reply) { return reply->isFinished(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(), 60000);

    for (QNetworkReply *reply : replies) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }
    const HttpResponse after = refresh(project, id, QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "shared"}}}}});
    QCOMPARE(after.status, 200);
    const QJsonArray tools = after.json()["tools"].toArray();
    QCOMPARE(tools.size(), Refreshes + 1);
    for (const QJsonValue &item : tools)
        QCOMPARE(item["is_active"].toBool(), item["name"].toString() == QStringLiteral("shared"));
}

void tst_McpServers::projectsAreIsolated()
{
    const QByteArray owner = "mcp-owner";
    const QByteArray intruder = "mcp-intruder";
    const QJsonObject server = createServer(owner);
    const QString id = server["id"].toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(refresh(owner, id, QJsonObject{{"tools", QJsonArray{QJsonObject{{"name", "search"}}}}}).status, 200);
    const QJsonObject intruderServer = createServer(intruder);
    QVERIFY(!intruderServer.isEmpty());
    const QString path = Servers + u'/' + id;
    const QString before = catalogSnapshot(id);

    const QList<HttpResponse> responses{
        m_client->get(path, apiKey(intruder)),
        m_client->send("PATCH", path, R"({"name": "taken", "auth_config": {"token": "stolen"}})", apiKey(intruder)),
        m_client->send("PUT", path, R"({"name": "taken", "is_active": false})", apiKey(intruder)),
        m_client->post(path + QStringLiteral("/refresh"), R"({"tools": [{"name": "injected"}]})", apiKey(intruder)),
        m_client->post(path + QStringLiteral("/refresh"), "{}", apiKey(intruder)),
        m_client->send("DELETE", path, {}, apiKey(intruder)),
    };

    for (const HttpResponse &response : responses) {
        QCOMPARE(response.status, 404);
        QCOMPARE(response.body, NotFoundBody);
    }
    for (const QString filter : {"", "true", "false", "all"})
        QCOMPARE(listOf(intruder, filter), filter == "false" ? QJsonArray() : QJsonArray{intruderServer});
    QCOMPARE(serverOf(owner, id), server);
    QCOMPARE(storedAuthConfig(id), QJsonValue(QJsonObject{{"token", "sk-secret"}}));
    QCOMPARE(catalogSnapshot(id), before);
    QCOMPARE(listOf(owner, "all"), QJsonArray{server});
}

QTEST_GUILESS_MAIN(tst_McpServers)
#include "tst_mcpservers.moc"
