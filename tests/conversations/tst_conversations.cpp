// SPDX-License-Identifier: MIT
// The conversation routes against the real service, under both of their prefixes:
// every route's body, validation errors, partial updates, ordering and paging, the
// separation between projects, and usage rows outliving a deleted conversation.

#include "httpclient.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

const QString UnknownId = QStringLiteral("00000000-0000-4000-8000-000000000000");

// A body that sets every member a conversation request has.
QJsonObject fullRequest()
{
    return QJsonObject{
        {"title", "Quarterly report"},
        {"system_prompt", "You are a concise analyst."},
        {"model_alias", "summarizer"},
        {"temperature", 0.3},
        {"max_tokens", 1000},
    };
}

QJsonObject pathIdError()
{
    return validationBody(QJsonArray{"path", "conversation_id"}, QStringLiteral("must be a UUID"),
                          QStringLiteral("value_error"));
}

// All members but the id and the timestamps, which differ between conversations.
QJsonObject withoutGeneratedMembers(QJsonObject object)
{
    object.remove("id");
    object.remove("created_at");
    object.remove("updated_at");
    return object;
}

QStringList titlesOf(const QJsonArray &conversations)
{
    QStringList titles;
    for (const QJsonValue &item : conversations)
        titles.append(item.toObject().value("title").toString());
    return titles;
}

// The conversation members of a conversation created from fullRequest(), without the
// generated ones.
QJsonObject expectedFromFullRequest()
{
    QJsonObject expected = fullRequest();
    expected.insert("message_count", 0);
    expected.insert("total_input_tokens", 0);
    expected.insert("total_output_tokens", 0);
    expected.insert("total_cost", 0);
    expected.insert("last_message_at", QJsonValue::Null);
    return expected;
}

} // namespace

class tst_Conversations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createReturnsConversation_data();
    void createReturnsConversation();
    void createAppliesDefaults_data();
    void createAppliesDefaults();
    void createRejectsInvalid_data();
    void createRejectsInvalid();
    void textKeepsByteOrderMark();

    void getReturnsConversationWithMessages_data();
    void getReturnsConversationWithMessages();
    void getWithoutMessages_data();
    void getWithoutMessages();
    void getRejectsBadQuery();
    void unknownIdIsNotFound_data();
    void unknownIdIsNotFound();
    void malformedIdIsRejected_data();
    void malformedIdIsRejected();

    void listMostRecentlyUpdatedFirst_data();
    void listMostRecentlyUpdatedFirst();
    void listPages();
    void listRejectsBadQuery_data();
    void listRejectsBadQuery();

    void updateIsPartial_data();
    void updateIsPartial();
    void updateRejectsInvalid_data();
    void updateRejectsInvalid();
    void updateReportsPathAndBody();

    void deleteRemovesConversation_data();
    void deleteRemovesConversation();
    void deleteUnlinksUsageRows();

    void projectsAreIsolated_data();
    void projectsAreIsolated();

private:
    // One row per prefix, with a `prefix` column.
    static void addPrefixRows();
    QJsonObject createOk(const QString &prefix, const QByteArray &project, const QJsonObject &request);
    HttpResponse patch(const QString &path, const QByteArray &project, const QByteArray &body);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_Conversations::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("conversations"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_Conversations::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

void tst_Conversations::addPrefixRows()
{
    QTest::addColumn<QString>("prefix");
    QTest::newRow("/api/v1/conversations") << QStringLiteral("/api/v1/conversations");
    QTest::newRow("/conversations") << QStringLiteral("/conversations");
}

QJsonObject tst_Conversations::createOk(const QString &prefix, const QByteArray &project, const QJsonObject &request)
{
    const HttpResponse response = m_client->post(prefix, bodyOf(request), apiKey(project));
    if (response.status != 201) {
        qWarning("create returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

HttpResponse tst_Conversations::patch(const QString &path, const QByteArray &project, const QByteArray &body)
{
    return m_client->send("PATCH", path, body, apiKey(project));
}

void tst_Conversations::createReturnsConversation_data()
{
    addPrefixRows();
}

void tst_Conversations::createReturnsConversation()
{
    QFETCH(QString, prefix);
    QJsonObject request = fullRequest();
    request.insert("project_id", "someone-else");

    const HttpResponse response = m_client->post(prefix, bodyOf(request), apiKey("conv-create"));

    QCOMPARE(response.status, 201);
    const QJsonObject created = response.json().toObject();
    QVERIFY2(isUuid(created.value("id")), response.body.constData());
    QVERIFY2(isTimestamp(created.value("created_at")), response.body.constData());
    QCOMPARE(created.value("updated_at"), created.value("created_at"));
    QCOMPARE(withoutGeneratedMembers(created), expectedFromFullRequest());
    QCOMPARE(created.keys().size(), 13);
}

void tst_Conversations::createAppliesDefaults_data()
{
    addPrefixRows();
}

void tst_Conversations::createAppliesDefaults()
{
    QFETCH(QString, prefix);
    const QJsonObject request{{"title", QJsonValue::Null}, {"temperature", QJsonValue::Null},
                              {"model_alias", QJsonValue::Null}, {"unknown", QJsonArray{1, 2}}};

    const HttpResponse empty = m_client->post(prefix, "{}", apiKey("conv-defaults"));
    const HttpResponse nulls = m_client->post(prefix, bodyOf(request), apiKey("conv-defaults"));

    const QJsonObject expected{
        {"title", QJsonValue::Null},        {"system_prompt", QJsonValue::Null},
        {"model_alias", "default"},         {"temperature", 0.7},
        {"max_tokens", QJsonValue::Null},   {"message_count", 0},
        {"total_input_tokens", 0},          {"total_output_tokens", 0},
        {"total_cost", 0},                  {"last_message_at", QJsonValue::Null},
    };
    QCOMPARE(empty.status, 201);
    QCOMPARE(withoutGeneratedMembers(empty.json().toObject()), expected);
    QCOMPARE(nulls.status, 201);
    QCOMPARE(withoutGeneratedMembers(nulls.json().toObject()), expected);
}

void tst_Conversations::textKeepsByteOrderMark()
{
    // QString::fromUtf8, which QPSQL decodes text with, drops a leading U+FEFF.
    const QJsonObject request{{"title", QStringLiteral("\uFEFFtitle")},
                              {"system_prompt", QStringLiteral("\uFEFF\uFEFFprompt")},
                              {"model_alias", QStringLiteral("\uFEFFalias")}};

    const HttpResponse created = m_client->post(QStringLiteral("/conversations"), bodyOf(request), apiKey("conv-bom"));
    QCOMPARE(created.status, 201);
    const QString id = created.json()["id"].toString();
    const HttpResponse fetched = m_client->get(QStringLiteral("/conversations/") + id, apiKey("conv-bom"));

    QCOMPARE(fetched.status, 200);
    for (const QJsonObject &conversation : {created.json().toObject(), fetched.json().toObject()}) {
        QVERIFY(conversation.value("title").toString() == request.value("title").toString());
        QVERIFY(conversation.value("system_prompt").toString() == request.value("system_prompt").toString());
        QVERIFY(conversation.value("model_alias").toString() == request.value("model_alias").toString());
    }
}

void tst_Conversations::createRejectsInvalid_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QByteArray long501 = QByteArray(501, 'x');
    const QByteArray long256 = QByteArray(256, 'x');
    for (const QString &prefix : {QStringLiteral("/api/v1/conversations"), QStringLiteral("/conversations")}) {
        const auto row = [&prefix](const char *name) { return &QTest::addRow("%s %s", qPrintable(prefix), name); };
        *row("title too long") << prefix << QByteArray("{\"title\": \"" + long501 + "\"}") << QJsonArray{"body", "title"}
                               << QStringLiteral("must be at most 500 characters") << QStringLiteral("value_error");
        *row("title number") << prefix << QByteArray(R"({"title": 5})") << QJsonArray{"body", "title"}
                             << QStringLiteral("must be a string") << QStringLiteral("type_error");
        *row("system_prompt array") << prefix << QByteArray(R"({"system_prompt": ["a"]})")
                                    << QJsonArray{"body", "system_prompt"} << QStringLiteral("must be a string")
                                    << QStringLiteral("type_error");
        *row("model_alias too long") << prefix << QByteArray("{\"model_alias\": \"" + long256 + "\"}")
                                     << QJsonArray{"body", "model_alias"}
                                     << QStringLiteral("must be at most 255 characters")
                                     << QStringLiteral("value_error");
        *row("temperature negative") << prefix << QByteArray(R"({"temperature": -0.1})")
                                     << QJsonArray{"body", "temperature"} << QStringLiteral("must be >= 0")
                                     << QStringLiteral("value_error");
        *row("temperature above 2") << prefix << QByteArray(R"({"temperature": 2.5})")
                                    << QJsonArray{"body", "temperature"} << QStringLiteral("must be <= 2")
                                    << QStringLiteral("value_error");
        *row("temperature string") << prefix << QByteArray(R"({"temperature": "0.5"})")
                                   << QJsonArray{"body", "temperature"} << QStringLiteral("must be a number")
                                   << QStringLiteral("type_error");
        *row("max_tokens zero") << prefix << QByteArray(R"({"max_tokens": 0})") << QJsonArray{"body", "max_tokens"}
                                << QStringLiteral("must be >= 1") << QStringLiteral("value_error");
        *row("max_tokens fraction") << prefix << QByteArray(R"({"max_tokens": 1.5})")
                                    << QJsonArray{"body", "max_tokens"} << QStringLiteral("must be an integer")
                                    << QStringLiteral("type_error");
        *row("body array") << prefix << QByteArray("[]") << QJsonArray{"body"}
                           << QStringLiteral("must be a JSON object") << QStringLiteral("type_error");
    }
}

void tst_Conversations::createRejectsInvalid()
{
    QFETCH(QString, prefix);
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response = m_client->post(prefix, body, apiKey("conv-invalid"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(m_client->get(prefix, apiKey("conv-invalid")).json().toArray(), QJsonArray());
}

void tst_Conversations::getReturnsConversationWithMessages_data()
{
    addPrefixRows();
}

void tst_Conversations::getReturnsConversationWithMessages()
{
    QFETCH(QString, prefix);
    const QJsonObject created = createOk(prefix, "conv-get", fullRequest());
    QVERIFY(!created.isEmpty());
    // Ids are accepted in either case and returned in lowercase.
    const QString path = prefix + u'/' + created.value("id").toString().toUpper();

    const HttpResponse response = m_client->get(path, apiKey("conv-get"));
    const HttpResponse explicitly = m_client->get(path + QStringLiteral("?include_messages=true"), apiKey("conv-get"));

    QJsonObject expected = created;
    expected.insert("messages", QJsonArray());
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(), expected);
    QCOMPARE(explicitly.status, 200);
    QCOMPARE(explicitly.json().toObject(), expected);
}

void tst_Conversations::getWithoutMessages_data()
{
    addPrefixRows();
}

void tst_Conversations::getWithoutMessages()
{
    QFETCH(QString, prefix);
    const QJsonObject created = createOk(prefix, "conv-get-bare", fullRequest());
    QVERIFY(!created.isEmpty());

    const HttpResponse response =
        m_client->get(prefix + u'/' + created.value("id").toString() + QStringLiteral("?include_messages=false"),
                      apiKey("conv-get-bare"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(), created);
}

void tst_Conversations::getRejectsBadQuery()
{
    const QJsonObject created = createOk(QStringLiteral("/conversations"), "conv-get-query", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString path = QStringLiteral("/conversations/") + created.value("id").toString();

    const HttpResponse badFlag = m_client->get(path + QStringLiteral("?include_messages=maybe"), apiKey("conv-get-query"));
    const HttpResponse badLimit = m_client->get(path + QStringLiteral("?message_limit=0"), apiKey("conv-get-query"));

    QCOMPARE(badFlag.status, 422);
    QCOMPARE(badFlag.json().toObject().value("detail").toArray().at(0).toObject().value("loc"),
             QJsonValue(QJsonArray{"query", "include_messages"}));
    QCOMPARE(badLimit.status, 422);
    QCOMPARE(badLimit.json().toObject().value("detail").toArray().at(0).toObject().value("loc"),
             QJsonValue(QJsonArray{"query", "message_limit"}));
}

void tst_Conversations::unknownIdIsNotFound_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");
    for (const QString &prefix : {QStringLiteral("/api/v1/conversations"), QStringLiteral("/conversations")}) {
        QTest::addRow("%s GET", qPrintable(prefix)) << prefix << QByteArray("GET") << QByteArray();
        QTest::addRow("%s PATCH", qPrintable(prefix)) << prefix << QByteArray("PATCH") << QByteArray(R"({"title": "x"})");
        QTest::addRow("%s DELETE", qPrintable(prefix)) << prefix << QByteArray("DELETE") << QByteArray();
    }
}

void tst_Conversations::unknownIdIsNotFound()
{
    QFETCH(QString, prefix);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);

    const HttpResponse response = m_client->send(method, prefix + u'/' + UnknownId, body, apiKey("conv-unknown"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, QByteArray(R"({"detail":"Conversation not found"})"));
}

void tst_Conversations::malformedIdIsRejected_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QByteArray>("body");
    for (const QString &prefix : {QStringLiteral("/api/v1/conversations"), QStringLiteral("/conversations")}) {
        QTest::addRow("%s GET word", qPrintable(prefix))
            << prefix << QByteArray("GET") << QStringLiteral("not-a-uuid") << QByteArray();
        QTest::addRow("%s GET without hyphens", qPrintable(prefix))
            << prefix << QByteArray("GET") << QStringLiteral("00000000000040008000000000000000") << QByteArray();
        QTest::addRow("%s PATCH", qPrintable(prefix))
            << prefix << QByteArray("PATCH") << QStringLiteral("123") << QByteArray(R"({"title": "x"})");
        QTest::addRow("%s DELETE", qPrintable(prefix))
            << prefix << QByteArray("DELETE") << QStringLiteral("123") << QByteArray();
    }
}

void tst_Conversations::malformedIdIsRejected()
{
    QFETCH(QString, prefix);
    QFETCH(QByteArray, method);
    QFETCH(QString, id);
    QFETCH(QByteArray, body);

    const HttpResponse response = m_client->send(method, prefix + u'/' + id, body, apiKey("conv-malformed"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), pathIdError());
}

void tst_Conversations::listMostRecentlyUpdatedFirst_data()
{
    addPrefixRows();
}

void tst_Conversations::listMostRecentlyUpdatedFirst()
{
    QFETCH(QString, prefix);
    const QByteArray project = "conv-order" + prefix.toUtf8();
    QStringList ids;
    for (const char *title : {"first", "second", "third"}) {
        const QJsonObject created = createOk(prefix, project, QJsonObject{{"title", title}});
        QVERIFY(!created.isEmpty());
        ids.append(created.value("id").toString());
    }
    QCOMPARE(patch(prefix + u'/' + ids.at(0), project, R"({"system_prompt": "touched"})").status, 200);

    const HttpResponse response = m_client->get(prefix, apiKey(project));

    QCOMPARE(response.status, 200);
    QCOMPARE(titlesOf(response.json().toArray()), QStringList({"first", "third", "second"}));
    const QJsonObject touched = response.json().toArray().at(0).toObject();
    QCOMPARE(touched.keys().size(), 13);
    QCOMPARE(touched.value("system_prompt"), QJsonValue("touched"));
}

void tst_Conversations::listPages()
{
    const QString prefix = QStringLiteral("/api/v1/conversations");
    for (int i = 0; i < 25; ++i)
        QVERIFY(!createOk(prefix, "conv-pages", QJsonObject{{"title", QString::number(i)}}).isEmpty());

    const HttpResponse byDefault = m_client->get(prefix, apiKey("conv-pages"));
    const HttpResponse page = m_client->get(prefix + QStringLiteral("?limit=3&offset=2"), apiKey("conv-pages"));
    const HttpResponse all = m_client->get(QStringLiteral("/conversations?limit=100"), apiKey("conv-pages"));

    QCOMPARE(byDefault.json().toArray().size(), 20);
    QCOMPARE(titlesOf(page.json().toArray()), QStringList({"22", "21", "20"}));
    QCOMPARE(all.json().toArray().size(), 25);
}

void tst_Conversations::listRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parameter");
    QTest::newRow("limit 0") << QStringLiteral("limit=0") << QStringLiteral("limit");
    QTest::newRow("limit 101") << QStringLiteral("limit=101") << QStringLiteral("limit");
    QTest::newRow("limit word") << QStringLiteral("limit=ten") << QStringLiteral("limit");
    QTest::newRow("offset negative") << QStringLiteral("offset=-1") << QStringLiteral("offset");
}

void tst_Conversations::listRejectsBadQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, parameter);

    for (const QString &prefix : {QStringLiteral("/api/v1/conversations"), QStringLiteral("/conversations")}) {
        const HttpResponse response = m_client->get(prefix + u'?' + query, apiKey("conv-list-query"));
        QCOMPARE(response.status, 422);
        const QJsonArray detail = response.json().toObject().value("detail").toArray();
        QCOMPARE(detail.size(), 1);
        QCOMPARE(detail.at(0).toObject().value("loc"), QJsonValue(QJsonArray{"query", parameter}));
    }
}

void tst_Conversations::updateIsPartial_data()
{
    addPrefixRows();
}

void tst_Conversations::updateIsPartial()
{
    QFETCH(QString, prefix);
    const QJsonObject created = createOk(prefix, "conv-update", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString path = prefix + u'/' + created.value("id").toString();

    const HttpResponse renamed = patch(path, "conv-update", R"({"title": "Renamed", "system_prompt": null})");
    const HttpResponse retuned = patch(path, "conv-update", R"({"temperature": 1.5, "max_tokens": 50})");
    const HttpResponse unchanged = patch(path, "conv-update", "{}");

    QCOMPARE(renamed.status, 200);
    QJsonObject expected = expectedFromFullRequest();
    expected.insert("title", "Renamed");
    QCOMPARE(withoutGeneratedMembers(renamed.json().toObject()), expected);
    QCOMPARE(renamed.json().toObject().value("id"), created.value("id"));
    QCOMPARE(renamed.json().toObject().value("created_at"), created.value("created_at"));
    QVERIFY(isTimestamp(renamed.json().toObject().value("updated_at")));
    QVERIFY(renamed.json().toObject().value("updated_at").toString() > created.value("updated_at").toString());
    QCOMPARE(retuned.status, 200);
    expected.insert("temperature", 1.5);
    expected.insert("max_tokens", 50);
    QCOMPARE(withoutGeneratedMembers(retuned.json().toObject()), expected);
    QCOMPARE(unchanged.status, 200);
    QCOMPARE(withoutGeneratedMembers(unchanged.json().toObject()), expected);
    QJsonObject stored = m_client->get(path + QStringLiteral("?include_messages=false"), apiKey("conv-update"))
                             .json()
                             .toObject();
    QCOMPARE(stored, unchanged.json().toObject());
}

void tst_Conversations::updateRejectsInvalid_data()
{
    createRejectsInvalid_data();
}

void tst_Conversations::updateRejectsInvalid()
{
    QFETCH(QString, prefix);
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QJsonObject created = createOk(prefix, "conv-update-invalid", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString path = prefix + u'/' + created.value("id").toString();

    const HttpResponse response = patch(path, "conv-update-invalid", body);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    const HttpResponse stored = m_client->get(path + QStringLiteral("?include_messages=false"),
                                              apiKey("conv-update-invalid"));
    QCOMPARE(stored.json().toObject(), created);
}

void tst_Conversations::updateReportsPathAndBody()
{
    const HttpResponse response =
        patch(QStringLiteral("/api/v1/conversations/123"), "conv-update-both", R"({"max_tokens": 0})");

    QCOMPARE(response.status, 422);
    const QJsonArray detail = response.json().toObject().value("detail").toArray();
    QCOMPARE(detail.size(), 2);
    QCOMPARE(detail.at(0).toObject().value("loc"), QJsonValue(QJsonArray{"path", "conversation_id"}));
    QCOMPARE(detail.at(1).toObject().value("loc"), QJsonValue(QJsonArray{"body", "max_tokens"}));
}

void tst_Conversations::deleteRemovesConversation_data()
{
    addPrefixRows();
}

void tst_Conversations::deleteRemovesConversation()
{
    QFETCH(QString, prefix);
    const QByteArray project = "conv-delete" + prefix.toUtf8();
    const QJsonObject kept = createOk(prefix, project, QJsonObject{{"title", "kept"}});
    const QJsonObject deleted = createOk(prefix, project, QJsonObject{{"title", "deleted"}});
    QVERIFY(!kept.isEmpty());
    QVERIFY(!deleted.isEmpty());
    const QString path = prefix + u'/' + deleted.value("id").toString();

    const HttpResponse response = m_client->send("DELETE", path, {}, apiKey(project));
    const HttpResponse again = m_client->send("DELETE", path, {}, apiKey(project));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray(R"({"message":"Conversation deleted"})"));
    QCOMPARE(again.status, 404);
    QCOMPARE(again.body, QByteArray(R"({"detail":"Conversation not found"})"));
    QCOMPARE(m_client->get(path, apiKey(project)).status, 404);
    QCOMPARE(m_client->get(prefix, apiKey(project)).json().toArray(), QJsonArray({kept}));
}

void tst_Conversations::deleteUnlinksUsageRows()
{
    const QJsonObject created = createOk(QStringLiteral("/conversations"), "conv-usage", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString id = created.value("id").toString();
    m_database->exec(QStringLiteral("INSERT INTO {{schema}}.usage_logs (api_key_id, provider, model, input_tokens,"
                                    " output_tokens, cost, cost_source, conversation_id)"
                                    " VALUES ('conv-usage', 'openai', 'gpt-4o', 12, 5, 0.0001, 'client',"
                                    " CAST(:conversation AS uuid))"),
                     {{QStringLiteral("conversation"), id}});

    const HttpResponse response =
        m_client->send("DELETE", QStringLiteral("/api/v1/conversations/") + id, {}, apiKey("conv-usage"));

    QCOMPARE(response.status, 200);
    const QString rows = QStringLiteral("FROM {{schema}}.usage_logs WHERE api_key_id = 'conv-usage'");
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT count(*) ") + rows).toLongLong(), qint64(1));
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT count(conversation_id) ") + rows).toLongLong(), qint64(0));
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT cost::text || '/' || input_tokens || '/' || output_tokens ")
                                + rows)
                 .toString(),
             QStringLiteral("0.0001000000/12/5"));
}

void tst_Conversations::projectsAreIsolated_data()
{
    addPrefixRows();
}

void tst_Conversations::projectsAreIsolated()
{
    QFETCH(QString, prefix);
    const QByteArray owner = "conv-owner" + prefix.toUtf8();
    const QByteArray other = "conv-other" + prefix.toUtf8();
    const QJsonObject owned = createOk(prefix, owner, fullRequest());
    QVERIFY(!owned.isEmpty());
    QVERIFY(!createOk(prefix, other, QJsonObject{{"title", "other's"}}).isEmpty());
    const QString path = prefix + u'/' + owned.value("id").toString();

    const HttpResponse get = m_client->get(path, apiKey(other));
    const HttpResponse update = patch(path, other, R"({"title": "taken"})");
    const HttpResponse remove = m_client->send("DELETE", path, {}, apiKey(other));
    const HttpResponse list = m_client->get(prefix, apiKey(other));

    for (const HttpResponse *response : {&get, &update, &remove}) {
        QCOMPARE(response->status, 404);
        QCOMPARE(response->body, QByteArray(R"({"detail":"Conversation not found"})"));
    }
    QCOMPARE(titlesOf(list.json().toArray()), QStringList({"other's"}));
    const HttpResponse unchanged = m_client->get(path + QStringLiteral("?include_messages=false"), apiKey(owner));
    QCOMPARE(unchanged.status, 200);
    QCOMPARE(unchanged.json().toObject(), owned);
    const HttpResponse withoutKey = m_client->get(prefix);
    QCOMPARE(withoutKey.status, 401);
    QCOMPARE(withoutKey.body, QByteArray(R"({"detail":"X-API-Key header required"})"));
}

QTEST_GUILESS_MAIN(tst_Conversations)
#include "tst_conversations.moc"
