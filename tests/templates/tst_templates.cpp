// SPDX-License-Identifier: MIT
// The conversation template routes against the real service: every route's body,
// validation errors, partial updates, filters and paging, usage counting under
// concurrent calls, and the separation between projects.

#include "httpclient.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

const QString Templates = QStringLiteral("/api/v1/templates");
const QString UnknownId = QStringLiteral("00000000-0000-4000-8000-000000000000");

// A body that sets every member a template has.
QJsonObject fullRequest()
{
    return QJsonObject{
        {"name", "Support reply"},
        {"description", "Answers customer questions"},
        {"system_prompt", "You are a helpful support agent."},
        {"model", "openai:gpt-4o"},
        {"temperature", 0.3},
        {"max_tokens", 800},
        {"tool_config", QJsonObject{{"tools", QJsonArray{"search"}}, {"parallel", false}}},
        {"created_by", "alice"},
        {"is_active", true},
    };
}

QJsonArray validationDetail(const QJsonArray &loc, const QString &msg, const QString &type)
{
    return QJsonArray{QJsonObject{{"loc", loc}, {"msg", msg}, {"type", type}}};
}

QJsonArray pathIdError()
{
    return validationDetail(QJsonArray{"path", "template_id"}, QStringLiteral("must be a UUID"),
                            QStringLiteral("value_error"));
}

// The members that are the same for every template created from `request`: all but
// the id and the timestamps.
QJsonObject withoutGeneratedMembers(QJsonObject object)
{
    object.remove("id");
    object.remove("created_at");
    object.remove("updated_at");
    object.remove("last_used_at");
    return object;
}

QStringList namesOf(const QJsonArray &templates, const QString &member = QStringLiteral("name"))
{
    QStringList names;
    for (const QJsonValue &item : templates)
        names.append(item.toObject().value(member).toString());
    return names;
}

} // namespace

class tst_Templates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createReturnsTemplate();
    void createAppliesDefaults();
    void createAcceptsIntegralFraction();
    void createCountsCodePoints();
    void createRejectsInvalid_data();
    void createRejectsInvalid();
    void createRejectsNulCharacter();

    void getReturnsTemplate();
    void getAcceptsUppercaseId();
    void unknownIdIsNotFound_data();
    void unknownIdIsNotFound();
    void malformedIdIsRejected_data();
    void malformedIdIsRejected();

    void listNewestFirst();
    void listPages();
    void listFiltersByActive();
    void listRejectsBadQuery_data();
    void listRejectsBadQuery();

    void updateIsPartial();
    void updateIgnoresCreatedBy();
    void updateRejectsInvalid_data();
    void updateRejectsInvalid();
    void updateReportsPathAndBody();

    void deleteRemovesTemplate();

    void useCountsAndStamps();
    void concurrentUsesAreExact();
    void statsMostUsedFirst();

    void projectsAreIsolated();

private:
    HttpResponse create(const QByteArray &project, const QJsonObject &request);
    // Creates a template and returns its JSON, or an empty object after a failed check.
    QJsonObject createOk(const QByteArray &project, const QJsonObject &request);
    HttpResponse put(const QByteArray &project, const QString &id, const QByteArray &body);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_Templates::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("templates"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_Templates::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

HttpResponse tst_Templates::create(const QByteArray &project, const QJsonObject &request)
{
    return m_client->post(Templates, bodyOf(request), apiKey(project));
}

QJsonObject tst_Templates::createOk(const QByteArray &project, const QJsonObject &request)
{
    const HttpResponse response = create(project, request);
    if (response.status != 201) {
        qWarning("create returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

HttpResponse tst_Templates::put(const QByteArray &project, const QString &id, const QByteArray &body)
{
    return m_client->send("PUT", Templates + u'/' + id, body, apiKey(project));
}

void tst_Templates::createReturnsTemplate()
{
    const HttpResponse response = create("tpl-create", fullRequest());

    QCOMPARE(response.status, 201);
    const QJsonObject created = response.json().toObject();
    QVERIFY2(isUuid(created.value("id")), response.body.constData());
    QVERIFY2(isTimestamp(created.value("created_at")), response.body.constData());
    QCOMPARE(created.value("updated_at"), created.value("created_at"));
    QCOMPARE(created.value("last_used_at"), QJsonValue(QJsonValue::Null));
    const QJsonObject expected{
        {"name", "Support reply"},
        {"description", "Answers customer questions"},
        {"system_prompt", "You are a helpful support agent."},
        {"model", "openai:gpt-4o"},
        {"temperature", 0.3},
        {"max_tokens", 800},
        {"tool_config", QJsonObject{{"tools", QJsonArray{"search"}}, {"parallel", false}}},
        {"created_by", "alice"},
        {"is_active", true},
        {"usage_count", 0},
    };
    QCOMPARE(withoutGeneratedMembers(created), expected);
    QCOMPARE(created.keys().size(), 14);
}

void tst_Templates::createAppliesDefaults()
{
    const QJsonObject request{{"name", "Minimal"},   {"description", QJsonValue::Null},
                              {"temperature", QJsonValue::Null}, {"tool_config", QJsonValue::Null},
                              {"project_id", "ignored"}, {"unknown", QJsonArray{1, 2}}};

    const HttpResponse response = create("tpl-defaults", request);

    QCOMPARE(response.status, 201);
    const QJsonObject expected{
        {"name", "Minimal"},
        {"description", QJsonValue::Null},
        {"system_prompt", QJsonValue::Null},
        {"model", QJsonValue::Null},
        {"temperature", 0.7},
        {"max_tokens", QJsonValue::Null},
        {"tool_config", QJsonObject{}},
        {"created_by", "api"},
        {"is_active", true},
        {"usage_count", 0},
    };
    QCOMPARE(withoutGeneratedMembers(response.json().toObject()), expected);
}

void tst_Templates::createAcceptsIntegralFraction()
{
    const HttpResponse response =
        m_client->post(Templates, R"({"name": "Fraction", "max_tokens": 1200.0, "temperature": 2})",
                       apiKey("tpl-fraction"));

    QCOMPARE(response.status, 201);
    QCOMPARE(response.json().toObject().value("max_tokens"), QJsonValue(1200));
    QCOMPARE(response.json().toObject().value("temperature"), QJsonValue(2));
}

void tst_Templates::createCountsCodePoints()
{
    // 255 characters outside the BMP are 510 UTF-16 code units, but PostgreSQL counts
    // characters, so the name fits varchar(255).
    QString name;
    for (int i = 0; i < 255; ++i)
        name.append(QString::fromUcs4(U"\U0001F600", 1));

    const HttpResponse response = create("tpl-emoji", QJsonObject{{"name", name}, {"model", name}});

    QCOMPARE(response.status, 201);
    QCOMPARE(response.json().toObject().value("name"), QJsonValue(name));
}

void tst_Templates::createRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QByteArray long256 = QByteArray(256, 'x');
    const auto body = [](const QByteArray &members) { return QByteArray("{") + members + '}'; };

    QTest::newRow("name missing") << body(R"("model": "m")") << QJsonArray{"body", "name"}
                                  << QStringLiteral("field required") << QStringLiteral("missing");
    QTest::newRow("name null") << body(R"("name": null)") << QJsonArray{"body", "name"}
                               << QStringLiteral("field required") << QStringLiteral("missing");
    QTest::newRow("name empty") << body(R"("name": "")") << QJsonArray{"body", "name"}
                                << QStringLiteral("must be at least 1 character") << QStringLiteral("value_error");
    QTest::newRow("name too long") << body("\"name\": \"" + long256 + '"') << QJsonArray{"body", "name"}
                                   << QStringLiteral("must be at most 255 characters")
                                   << QStringLiteral("value_error");
    QTest::newRow("name number") << body(R"("name": 5)") << QJsonArray{"body", "name"}
                                 << QStringLiteral("must be a string") << QStringLiteral("type_error");
    QTest::newRow("description object") << body(R"("name": "t", "description": {})")
                                        << QJsonArray{"body", "description"} << QStringLiteral("must be a string")
                                        << QStringLiteral("type_error");
    QTest::newRow("system_prompt array") << body(R"("name": "t", "system_prompt": ["a"])")
                                         << QJsonArray{"body", "system_prompt"}
                                         << QStringLiteral("must be a string") << QStringLiteral("type_error");
    QTest::newRow("model too long") << body("\"name\": \"t\", \"model\": \"" + long256 + '"')
                                    << QJsonArray{"body", "model"}
                                    << QStringLiteral("must be at most 255 characters")
                                    << QStringLiteral("value_error");
    QTest::newRow("created_by too long") << body("\"name\": \"t\", \"created_by\": \"" + long256 + '"')
                                         << QJsonArray{"body", "created_by"}
                                         << QStringLiteral("must be at most 255 characters")
                                         << QStringLiteral("value_error");
    QTest::newRow("temperature negative") << body(R"("name": "t", "temperature": -0.1)")
                                          << QJsonArray{"body", "temperature"} << QStringLiteral("must be >= 0")
                                          << QStringLiteral("value_error");
    QTest::newRow("temperature above 2") << body(R"("name": "t", "temperature": 2.5)")
                                         << QJsonArray{"body", "temperature"} << QStringLiteral("must be <= 2")
                                         << QStringLiteral("value_error");
    QTest::newRow("temperature string") << body(R"("name": "t", "temperature": "0.5")")
                                        << QJsonArray{"body", "temperature"} << QStringLiteral("must be a number")
                                        << QStringLiteral("type_error");
    QTest::newRow("max_tokens zero") << body(R"("name": "t", "max_tokens": 0)") << QJsonArray{"body", "max_tokens"}
                                     << QStringLiteral("must be >= 1") << QStringLiteral("value_error");
    QTest::newRow("max_tokens fraction") << body(R"("name": "t", "max_tokens": 1.5)")
                                         << QJsonArray{"body", "max_tokens"} << QStringLiteral("must be an integer")
                                         << QStringLiteral("type_error");
    QTest::newRow("max_tokens above int32") << body(R"("name": "t", "max_tokens": 2147483648)")
                                            << QJsonArray{"body", "max_tokens"}
                                            << QStringLiteral("must be <= 2147483647")
                                            << QStringLiteral("value_error");
    QTest::newRow("max_tokens boolean") << body(R"("name": "t", "max_tokens": true)")
                                        << QJsonArray{"body", "max_tokens"} << QStringLiteral("must be an integer")
                                        << QStringLiteral("type_error");
    QTest::newRow("tool_config array") << body(R"("name": "t", "tool_config": [])")
                                       << QJsonArray{"body", "tool_config"} << QStringLiteral("must be an object")
                                       << QStringLiteral("type_error");
    QTest::newRow("is_active string") << body(R"("name": "t", "is_active": "yes")")
                                      << QJsonArray{"body", "is_active"} << QStringLiteral("must be a boolean")
                                      << QStringLiteral("type_error");
    QTest::newRow("body array") << QByteArray(R"([{"name": "t"}])") << QJsonArray{"body"}
                                << QStringLiteral("must be a JSON object") << QStringLiteral("type_error");
    QTest::newRow("body empty") << QByteArray() << QJsonArray{"body"}
                                << QStringLiteral("field required: the request body is empty")
                                << QStringLiteral("missing");
}

void tst_Templates::createRejectsInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response = m_client->post(Templates, body, apiKey("tpl-invalid"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(), validationDetail(loc, msg, type));
    const HttpResponse list = m_client->get(Templates, apiKey("tpl-invalid"));
    QCOMPARE(list.json().toArray(), QJsonArray());
}

void tst_Templates::createRejectsNulCharacter()
{
    // The escape starts at byte 11, after `{"name": "a`.
    const HttpResponse response = m_client->post(Templates, R"({"name": "a\u0000b"})", apiKey("tpl-nul"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(),
             validationDetail(QJsonArray{"body", 11}, QStringLiteral("Invalid JSON: U+0000 is not allowed in strings at byte 11"),
                              QStringLiteral("json_invalid")));
}

void tst_Templates::getReturnsTemplate()
{
    const QJsonObject created = createOk("tpl-get", fullRequest());
    QVERIFY(!created.isEmpty());

    const HttpResponse response =
        m_client->get(Templates + u'/' + created.value("id").toString(), apiKey("tpl-get"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(), created);
}

void tst_Templates::getAcceptsUppercaseId()
{
    const QJsonObject created = createOk("tpl-upper", QJsonObject{{"name", "Upper"}});
    QVERIFY(!created.isEmpty());

    const HttpResponse response =
        m_client->get(Templates + u'/' + created.value("id").toString().toUpper(), apiKey("tpl-upper"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(), created);
}

void tst_Templates::unknownIdIsNotFound_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("GET") << QByteArray("GET") << QString() << QByteArray();
    QTest::newRow("PUT") << QByteArray("PUT") << QString() << QByteArray(R"({"name": "x"})");
    QTest::newRow("DELETE") << QByteArray("DELETE") << QString() << QByteArray();
    QTest::newRow("POST use") << QByteArray("POST") << QStringLiteral("/use") << QByteArray();
}

void tst_Templates::unknownIdIsNotFound()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(QByteArray, body);

    const HttpResponse response =
        m_client->send(method, Templates + u'/' + UnknownId + suffix, body, apiKey("tpl-unknown"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, QByteArray(R"({"detail":"Template not found"})"));
}

void tst_Templates::malformedIdIsRejected_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("GET word") << QByteArray("GET") << QStringLiteral("/not-a-uuid") << QByteArray();
    QTest::newRow("GET braces") << QByteArray("GET") << QStringLiteral("/{") + UnknownId + u'}' << QByteArray();
    QTest::newRow("GET without hyphens") << QByteArray("GET") << QStringLiteral("/00000000000040008000000000000000")
                                         << QByteArray();
    QTest::newRow("GET non-hex") << QByteArray("GET") << QStringLiteral("/g0000000-0000-4000-8000-000000000000")
                                 << QByteArray();
    QTest::newRow("PUT") << QByteArray("PUT") << QStringLiteral("/123") << QByteArray(R"({"name": "x"})");
    QTest::newRow("DELETE") << QByteArray("DELETE") << QStringLiteral("/123") << QByteArray();
    QTest::newRow("POST use") << QByteArray("POST") << QStringLiteral("/123/use") << QByteArray();
}

void tst_Templates::malformedIdIsRejected()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);

    const HttpResponse response = m_client->send(method, Templates + path, body, apiKey("tpl-malformed"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(), pathIdError());
}

void tst_Templates::listNewestFirst()
{
    for (const char *name : {"first", "second", "third"})
        QVERIFY(!createOk("tpl-order", QJsonObject{{"name", name}}).isEmpty());

    const HttpResponse response = m_client->get(Templates, apiKey("tpl-order"));

    QCOMPARE(response.status, 200);
    const QJsonArray templates = response.json().toArray();
    QCOMPARE(namesOf(templates), QStringList({"third", "second", "first"}));
    const HttpResponse single =
        m_client->get(Templates + u'/' + templates.first().toObject().value("id").toString(), apiKey("tpl-order"));
    QCOMPARE(templates.first().toObject(), single.json().toObject());
}

void tst_Templates::listPages()
{
    for (int i = 1; i <= 5; ++i)
        QVERIFY(!createOk("tpl-paging", QJsonObject{{"name", QStringLiteral("t%1").arg(i)}}).isEmpty());

    const HttpResponse defaults = m_client->get(Templates, apiKey("tpl-paging"));
    const HttpResponse middle = m_client->get(Templates + QStringLiteral("?limit=2&offset=1"), apiKey("tpl-paging"));
    const HttpResponse last = m_client->get(Templates + QStringLiteral("?limit=2&offset=4"), apiKey("tpl-paging"));
    const HttpResponse beyond = m_client->get(Templates + QStringLiteral("?offset=5"), apiKey("tpl-paging"));

    QCOMPARE(namesOf(defaults.json().toArray()), QStringList({"t5", "t4", "t3", "t2", "t1"}));
    QCOMPARE(namesOf(middle.json().toArray()), QStringList({"t4", "t3"}));
    QCOMPARE(namesOf(last.json().toArray()), QStringList({"t1"}));
    QCOMPARE(beyond.status, 200);
    QCOMPARE(beyond.json().toArray(), QJsonArray());
}

void tst_Templates::listFiltersByActive()
{
    QVERIFY(!createOk("tpl-active", QJsonObject{{"name", "on"}}).isEmpty());
    QVERIFY(!createOk("tpl-active", QJsonObject{{"name", "off"}, {"is_active", false}}).isEmpty());
    const QJsonObject switched = createOk("tpl-active", QJsonObject{{"name", "switched off"}});
    QVERIFY(!switched.isEmpty());
    QCOMPARE(put("tpl-active", switched.value("id").toString(), R"({"is_active": false})").status, 200);

    const HttpResponse active = m_client->get(Templates + QStringLiteral("?is_active=true"), apiKey("tpl-active"));
    const HttpResponse inactive = m_client->get(Templates + QStringLiteral("?is_active=false"), apiKey("tpl-active"));
    const HttpResponse both = m_client->get(Templates, apiKey("tpl-active"));

    QCOMPARE(namesOf(active.json().toArray()), QStringList({"on"}));
    QCOMPARE(namesOf(inactive.json().toArray()), QStringList({"switched off", "off"}));
    QCOMPARE(namesOf(both.json().toArray()), QStringList({"switched off", "off", "on"}));
}

void tst_Templates::listRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    QTest::newRow("limit zero") << "limit=0" << "limit" << "must be >= 1" << "value_error";
    QTest::newRow("limit above 100") << "limit=101" << "limit" << "must be <= 100" << "value_error";
    QTest::newRow("limit word") << "limit=ten" << "limit" << "must be an integer" << "type_error";
    QTest::newRow("offset negative") << "offset=-1" << "offset" << "must be >= 0" << "value_error";
    QTest::newRow("is_active yes") << "is_active=yes" << "is_active" << "must be one of: true, false"
                                   << "value_error";
    QTest::newRow("is_active empty") << "is_active=" << "is_active" << "must be one of: true, false"
                                     << "value_error";
}

void tst_Templates::listRejectsBadQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, name);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response = m_client->get(Templates + u'?' + query, apiKey("tpl-query"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(),
             validationDetail(QJsonArray{"query", name}, msg, type));
}

void tst_Templates::updateIsPartial()
{
    const QJsonObject created = createOk("tpl-update", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString id = created.value("id").toString();

    const HttpResponse response =
        put("tpl-update", id, R"({"temperature": 1.5, "description": null, "model": "anthropic:claude", "extra": 1})");

    QCOMPARE(response.status, 200);
    const QJsonObject updated = response.json().toObject();
    QJsonObject expected = created;
    expected.insert("temperature", 1.5);
    expected.insert("model", "anthropic:claude");
    expected.insert("updated_at", updated.value("updated_at"));
    QCOMPARE(updated, expected);
    QVERIFY(isTimestamp(updated.value("updated_at")));
    QVERIFY(updated.value("updated_at").toString() > created.value("updated_at").toString());
    const HttpResponse fetched = m_client->get(Templates + u'/' + id, apiKey("tpl-update"));
    QCOMPARE(fetched.json().toObject(), updated);

    const HttpResponse everything = put(
        "tpl-update", id,
        R"({"name": "Renamed", "description": "New", "system_prompt": "Be brief.", "max_tokens": 50,
            "tool_config": {"a": 1}, "is_active": false})");
    QCOMPARE(everything.status, 200);
    QJsonObject renamed = expected;
    renamed.insert("name", "Renamed");
    renamed.insert("description", "New");
    renamed.insert("system_prompt", "Be brief.");
    renamed.insert("max_tokens", 50);
    renamed.insert("tool_config", QJsonObject{{"a", 1}});
    renamed.insert("is_active", false);
    renamed.insert("updated_at", everything.json().toObject().value("updated_at"));
    QCOMPARE(everything.json().toObject(), renamed);
}

void tst_Templates::updateIgnoresCreatedBy()
{
    const QJsonObject created = createOk("tpl-creator", fullRequest());
    QVERIFY(!created.isEmpty());

    const HttpResponse response = put("tpl-creator", created.value("id").toString(), R"({"created_by": "mallory"})");

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject().value("created_by"), QJsonValue("alice"));
}

void tst_Templates::updateRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    QTest::newRow("name empty") << QByteArray(R"({"name": ""})") << QJsonArray{"body", "name"}
                                << QStringLiteral("must be at least 1 character") << QStringLiteral("value_error");
    QTest::newRow("name too long") << QByteArray("{\"name\": \"" + QByteArray(256, 'x') + "\"}")
                                   << QJsonArray{"body", "name"}
                                   << QStringLiteral("must be at most 255 characters")
                                   << QStringLiteral("value_error");
    QTest::newRow("temperature above 2") << QByteArray(R"({"temperature": 3})") << QJsonArray{"body", "temperature"}
                                         << QStringLiteral("must be <= 2") << QStringLiteral("value_error");
    QTest::newRow("max_tokens negative") << QByteArray(R"({"max_tokens": -5})") << QJsonArray{"body", "max_tokens"}
                                         << QStringLiteral("must be >= 1") << QStringLiteral("value_error");
    QTest::newRow("is_active number") << QByteArray(R"({"is_active": 1})") << QJsonArray{"body", "is_active"}
                                      << QStringLiteral("must be a boolean") << QStringLiteral("type_error");
    QTest::newRow("tool_config string") << QByteArray(R"({"tool_config": "{}"})")
                                        << QJsonArray{"body", "tool_config"} << QStringLiteral("must be an object")
                                        << QStringLiteral("type_error");
    QTest::newRow("body string") << QByteArray(R"("name")") << QJsonArray{"body"}
                                 << QStringLiteral("must be a JSON object") << QStringLiteral("type_error");
}

void tst_Templates::updateRejectsInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QJsonObject created = createOk("tpl-update-invalid", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString id = created.value("id").toString();

    const HttpResponse response = put("tpl-update-invalid", id, body);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(), validationDetail(loc, msg, type));
    const HttpResponse fetched = m_client->get(Templates + u'/' + id, apiKey("tpl-update-invalid"));
    QCOMPARE(fetched.json().toObject(), created);
}

void tst_Templates::updateReportsPathAndBody()
{
    const HttpResponse response = put("tpl-update-both", QStringLiteral("nope"), R"({"temperature": -1})");

    QCOMPARE(response.status, 422);
    const QJsonArray expected{
        QJsonObject{{"loc", QJsonArray{"path", "template_id"}}, {"msg", "must be a UUID"}, {"type", "value_error"}},
        QJsonObject{{"loc", QJsonArray{"body", "temperature"}}, {"msg", "must be >= 0"}, {"type", "value_error"}},
    };
    QCOMPARE(response.json().toObject().value("detail").toArray(), expected);
}

void tst_Templates::deleteRemovesTemplate()
{
    const QJsonObject kept = createOk("tpl-delete", QJsonObject{{"name", "kept"}});
    const QJsonObject deleted = createOk("tpl-delete", QJsonObject{{"name", "deleted"}});
    QVERIFY(!kept.isEmpty());
    QVERIFY(!deleted.isEmpty());
    const QString path = Templates + u'/' + deleted.value("id").toString();

    const HttpResponse response = m_client->send("DELETE", path, {}, apiKey("tpl-delete"));
    const HttpResponse again = m_client->send("DELETE", path, {}, apiKey("tpl-delete"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray(R"({"message":"Template deleted"})"));
    QCOMPARE(again.status, 404);
    QCOMPARE(again.detail(), QStringLiteral("Template not found"));
    QCOMPARE(m_client->get(path, apiKey("tpl-delete")).status, 404);
    QCOMPARE(m_client->get(Templates, apiKey("tpl-delete")).json().toArray(), QJsonArray({kept}));
}

void tst_Templates::useCountsAndStamps()
{
    const QJsonObject created = createOk("tpl-use", fullRequest());
    QVERIFY(!created.isEmpty());
    const QString path = Templates + u'/' + created.value("id").toString() + QStringLiteral("/use");

    const HttpResponse first = m_client->post(path, {}, apiKey("tpl-use"));
    const HttpResponse second = m_client->post(path, {}, apiKey("tpl-use"));

    QCOMPARE(first.status, 200);
    const QJsonObject once = first.json().toObject();
    QCOMPARE(once.value("usage_count"), QJsonValue(1));
    QVERIFY2(isTimestamp(once.value("last_used_at")), first.body.constData());
    QVERIFY(once.value("last_used_at").toString() >= created.value("created_at").toString());
    // Using a template does not change it, so updated_at stays.
    QJsonObject expected = created;
    expected.insert("usage_count", 1);
    expected.insert("last_used_at", once.value("last_used_at"));
    QCOMPARE(once, expected);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json().toObject().value("usage_count"), QJsonValue(2));
    QVERIFY(second.json().toObject().value("last_used_at").toString() >= once.value("last_used_at").toString());
}

void tst_Templates::concurrentUsesAreExact()
{
    constexpr int Calls = 20;
    const QJsonObject created = createOk("tpl-concurrent", QJsonObject{{"name", "busy"}});
    QVERIFY(!created.isEmpty());
    const QUrl url = m_service.baseUrl().resolved(
        QUrl(Templates + u'/' + created.value("id").toString() + QStringLiteral("/use")));

    // Every request is sent before any response is read. QNetworkAccessManager opens up
    // to six connections per host, which the service spreads over its worker loops.
    QNetworkAccessManager network;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < Calls; ++i) {
        QNetworkRequest request(url);
        request.setRawHeader("X-API-Key", "tpl-concurrent");
        replies.append(network.post(request, QByteArray()));
    }
    const auto allFinished = [&replies] {
        return std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *reply) { return reply->isFinished(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(), 30000);

    QList<qint64> counts;
    for (QNetworkReply *reply : std::as_const(replies)) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        counts.append(QJsonDocument::fromJson(reply->readAll()).object().value("usage_count").toInteger());
        reply->deleteLater();
    }
    std::sort(counts.begin(), counts.end());
    QList<qint64> expectedCounts;
    for (int i = 1; i <= Calls; ++i)
        expectedCounts.append(i);
    QCOMPARE(counts, expectedCounts);
    const QJsonObject fetched =
        m_client->get(Templates + u'/' + created.value("id").toString(), apiKey("tpl-concurrent")).json().toObject();
    QCOMPARE(fetched.value("usage_count"), QJsonValue(Calls));
    QVERIFY(isTimestamp(fetched.value("last_used_at")));
}

void tst_Templates::statsMostUsedFirst()
{
    const QJsonObject rare = createOk("tpl-stats", QJsonObject{{"name", "rare"}});
    const QJsonObject popular = createOk("tpl-stats", QJsonObject{{"name", "popular"}, {"is_active", false}});
    const QJsonObject unused = createOk("tpl-stats", QJsonObject{{"name", "unused"}});
    QVERIFY(!rare.isEmpty() && !popular.isEmpty() && !unused.isEmpty());
    const auto use = [this](const QJsonObject &item) {
        return m_client->post(Templates + u'/' + item.value("id").toString() + QStringLiteral("/use"), {},
                              apiKey("tpl-stats"));
    };
    QCOMPARE(use(popular).status, 200);
    QCOMPARE(use(popular).status, 200);
    const QJsonObject lastPopularUse = use(popular).json().toObject();
    const QJsonObject lastRareUse = use(rare).json().toObject();

    const HttpResponse response = m_client->get(Templates + QStringLiteral("/stats"), apiKey("tpl-stats"));

    QCOMPARE(response.status, 200);
    const QJsonArray expected{
        QJsonObject{{"template_id", popular.value("id")}, {"template_name", "popular"}, {"usage_count", 3},
                    {"last_used_at", lastPopularUse.value("last_used_at")}, {"created_at", popular.value("created_at")}},
        QJsonObject{{"template_id", rare.value("id")}, {"template_name", "rare"}, {"usage_count", 1},
                    {"last_used_at", lastRareUse.value("last_used_at")}, {"created_at", rare.value("created_at")}},
        QJsonObject{{"template_id", unused.value("id")}, {"template_name", "unused"}, {"usage_count", 0},
                    {"last_used_at", QJsonValue::Null}, {"created_at", unused.value("created_at")}},
    };
    QCOMPARE(response.json().toArray(), expected);
}

void tst_Templates::projectsAreIsolated()
{
    const QJsonObject owned = createOk("tpl-owner", fullRequest());
    QVERIFY(!owned.isEmpty());
    QVERIFY(!createOk("tpl-other", QJsonObject{{"name", "other's"}}).isEmpty());
    const QString path = Templates + u'/' + owned.value("id").toString();

    const HttpResponse get = m_client->get(path, apiKey("tpl-other"));
    const HttpResponse update = put("tpl-other", owned.value("id").toString(), R"({"name": "taken"})");
    const HttpResponse use = m_client->post(path + QStringLiteral("/use"), {}, apiKey("tpl-other"));
    const HttpResponse remove = m_client->send("DELETE", path, {}, apiKey("tpl-other"));
    const HttpResponse list = m_client->get(Templates, apiKey("tpl-other"));
    const HttpResponse stats = m_client->get(Templates + QStringLiteral("/stats"), apiKey("tpl-other"));

    for (const HttpResponse *response : {&get, &update, &use, &remove}) {
        QCOMPARE(response->status, 404);
        QCOMPARE(response->body, QByteArray(R"({"detail":"Template not found"})"));
    }
    QCOMPARE(namesOf(list.json().toArray()), QStringList({"other's"}));
    QCOMPARE(namesOf(stats.json().toArray(), QStringLiteral("template_name")), QStringList({"other's"}));
    const HttpResponse unchanged = m_client->get(path, apiKey("tpl-owner"));
    QCOMPARE(unchanged.status, 200);
    QCOMPARE(unchanged.json().toObject(), owned);
    const HttpResponse withoutKey = m_client->get(Templates);
    QCOMPARE(withoutKey.status, 401);
}

QTEST_GUILESS_MAIN(tst_Templates)
#include "tst_templates.moc"
