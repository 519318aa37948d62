// SPDX-License-Identifier: MIT
// The conversation message routes against the real service and database, under both
// prefixes. Covers single messages and batches, validation, counters under concurrent
// batches, message logging levels, the tracking switch, POST /conversations/log as the
// llmring client sends it, retention cleanup, text round trips and project isolation.

#include "httpclient.h"
#include "responsechecks.h"
#include "jsonprinting.h"
#include "registry/registryclient.h"
#include "service.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>

using namespace llmring;
using namespace llmring::test;
using namespace std::chrono_literals;

namespace {

const QString UnknownId = QStringLiteral("00000000-0000-4000-8000-000000000000");
const QByteArray NotFoundBody = R"({"detail":"Conversation not found"})";
const QByteArray LoggingDisabledBody = R"({"detail":"Message logging is disabled"})";
const QByteArray TrackingDisabledBody = R"({"detail":"Conversation tracking is disabled"})";

// The body the llmring client sends to POST /conversations/log after a model call.
const QByteArray ClientLogPayload = R"({"messages": [{"role": "user", "content": "Summarise this"}],
 "response": {"content": "Here it is", "model": "gpt-4o-2024-08-06", "finish_reason": "stop",
              "usage": {"prompt_tokens": 12, "completion_tokens": 5}},
 "metadata": {"provider": "openai", "model": "gpt-4o", "alias": "summarizer", "profile": null,
              "origin": "llmring", "cost": 0.0001, "input_cost": 0.00003, "output_cost": 0.00007,
              "input_tokens": 12, "output_tokens": 5, "cached_tokens": 0}})";

QJsonObject clientLogPayload()
{
    return QJsonDocument::fromJson(ClientLogPayload).object();
}

QJsonObject pathIdError()
{
    return validationBody(QJsonArray{"path", "conversation_id"}, QStringLiteral("must be a UUID"),
                          QStringLiteral("value_error"));
}

// The 422 of a body that the strict JSON parser rejects for a U+0000 escape at `offset`.
QJsonObject nulCharacterError(qsizetype offset)
{
    return validationBody(QJsonArray{"body", offset},
                          QStringLiteral("Invalid JSON: U+0000 is not allowed in strings at byte %1").arg(offset),
                          QStringLiteral("json_invalid"));
}

QString sha256Hex(const QString &text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// A message as the service returns it when only `role` and `content` were sent,
// without the generated id and timestamp.
QJsonObject plainMessage(const QString &conversationId, const QString &role, const QJsonValue &content)
{
    return QJsonObject{
        {"conversation_id", conversationId},
        {"role", role},
        {"content", content},
        {"content_hash", content.isString() ? QJsonValue(sha256Hex(content.toString())) : QJsonValue()},
        {"input_tokens", QJsonValue::Null},
        {"output_tokens", QJsonValue::Null},
        {"tool_calls", QJsonValue::Null},
        {"tool_results", QJsonValue::Null},
        {"metadata", QJsonObject()},
    };
}

QJsonObject withoutGeneratedMembers(QJsonObject message)
{
    message.remove("id");
    message.remove("timestamp");
    return message;
}

QJsonArray withoutGeneratedMembers(const QJsonArray &messages)
{
    QJsonArray stripped;
    for (const QJsonValue &message : messages)
        stripped.append(withoutGeneratedMembers(message.toObject()));
    return stripped;
}

// True when `message` has the 11 members of a message, a UUID id and a timestamp.
bool hasMessageShape(const QJsonValue &message)
{
    const QJsonObject object = message.toObject();
    return object.size() == 11 && isUuid(object.value("id")) && isTimestamp(object.value("timestamp"));
}

QStringList idsOf(const QJsonArray &items)
{
    QStringList ids;
    for (const QJsonValue &item : items)
        ids.append(item.toObject().value("id").toString());
    return ids;
}

QJsonArray userMessages(int count, const QString &prefix)
{
    QJsonArray messages;
    for (int i = 0; i < count; ++i)
        messages.append(QJsonObject{{"role", "user"}, {"content", QStringLiteral("%1 %2").arg(prefix).arg(i)}});
    return messages;
}

} // namespace

class tst_Messages final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void initTestCase();
    void cleanupTestCase();

    void addMessageReturnsMessage();
    void addMessageAppliesDefaults();
    void addMessageRejectsInvalid_data();
    void addMessageRejectsInvalid();
    void addMessageChecksConversationId();

    void routesRejectMalformedId_data();
    void routesRejectMalformedId();
    void routesReportUnknownConversation_data();
    void routesReportUnknownConversation();

    void listMessagesPages();
    void listMessagesRejectsBadQuery_data();
    void listMessagesRejectsBadQuery();

    void batchStoresInOrder();
    void batchAcceptsBareArray();
    void batchAcceptsEmptyList();
    void batchAcceptsMaxMessages();
    void batchRejectsInvalid_data();
    void batchRejectsInvalid();
    void batchChecksConversationId();
    void concurrentBatchesAreExact();
    void costsRoundToTenPlaces();

    void requestLevelLowersFullServer();
    void metadataServerKeepsHashOnly();
    void noneServerStoresNoMessages();
    void trackingDisabled();

    void logStoresClientPayload();
    void logWithoutAliasNamesModel();
    void logCostFallbacks_data();
    void logCostFallbacks();
    void logTokensFallBackToResponseUsage_data();
    void logTokensFallBackToResponseUsage();
    void logRejectsInvalid_data();
    void logRejectsInvalid();

    void deleteOldMessagesKeepsCounters();
    void deleteOldMessagesRejectsBadQuery_data();
    void deleteOldMessagesRejectsBadQuery();

    void getConversationLimitsMessages();
    void deleteConversationDeletesMessages();

    void nulCharacterIsRejected_data();
    void nulCharacterIsRejected();
    void textRoundTripsExactly_data();
    void textRoundTripsExactly();

    void projectsAreIsolated();

private:
    // The project key of `name` for the current global row, so both prefixes start empty.
    static QByteArray projectKey(const QByteArray &name);
    // The projectKey() of `name` and the current data row, for rows that each need a project.
    static QByteArray rowProjectKey(const QByteArray &name);
    // Starts `service` on the suite's schema with settings changed by `configure`.
    bool startService(TestService &service, const std::function<void(Settings &)> &configure);

    QString createConversation(HttpClient &client, const QString &prefix, const QByteArray &project);
    QString createConversation(const QString &prefix, const QByteArray &project);
    // The conversation without its messages; empty when the GET fails.
    QJsonObject conversationOf(const QString &prefix, const QByteArray &project, const QString &id);
    // Every message of the conversation, oldest first.
    QJsonArray messagesOf(const QString &prefix, const QByteArray &project, const QString &id);
    // The usage rows of the project, oldest first.
    QJsonArray usageRowsOf(HttpClient &client, const QByteArray &project);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_Messages::initTestCase_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::newRow("/api/v1/conversations") << QStringLiteral("/api/v1/conversations");
    QTest::newRow("/conversations") << QStringLiteral("/conversations");
}

void tst_Messages::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("messages"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    Settings settings = m_database->settings();
    // More worker loops than the default two, so concurrent batches really overlap.
    settings.workers = 6;
    QString error;
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    // The log cost fallbacks price gpt-4o from the fixture registry.
    QVERIFY(m_service.service().registry().waitForAttemptsAfter(0, 10s));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_Messages::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

QByteArray tst_Messages::projectKey(const QByteArray &name)
{
    QFETCH_GLOBAL(QString, prefix);
    return name + prefix.toUtf8();
}

QByteArray tst_Messages::rowProjectKey(const QByteArray &name)
{
    // Keys must not contain whitespace, and row names do.
    return projectKey(name + '-' + QByteArray(QTest::currentDataTag()).replace(' ', '-'));
}

bool tst_Messages::startService(TestService &service, const std::function<void(Settings &)> &configure)
{
    Settings settings = m_database->settings();
    configure(settings);
    QString error;
    if (!service.start(settings, &error)) {
        qWarning("extra service failed to start: %s", qPrintable(error));
        return false;
    }
    return true;
}

QString tst_Messages::createConversation(HttpClient &client, const QString &prefix, const QByteArray &project)
{
    const HttpResponse response = client.post(prefix, R"({"title": "messages"})", apiKey(project));
    if (response.status != 201) {
        qWarning("create returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject().value("id").toString();
}

QString tst_Messages::createConversation(const QString &prefix, const QByteArray &project)
{
    return createConversation(*m_client, prefix, project);
}

QJsonObject tst_Messages::conversationOf(const QString &prefix, const QByteArray &project, const QString &id)
{
    const HttpResponse response =
        m_client->get(prefix + u'/' + id + QStringLiteral("?include_messages=false"), apiKey(project));
    if (response.status != 200) {
        qWarning("get conversation returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toObject();
}

QJsonArray tst_Messages::messagesOf(const QString &prefix, const QByteArray &project, const QString &id)
{
    const HttpResponse response =
        m_client->get(prefix + u'/' + id + QStringLiteral("/messages?limit=1000"), apiKey(project));
    if (response.status != 200) {
        qWarning("list messages returned %d: %s", response.status, response.body.constData());
        return {};
    }
    return response.json().toArray();
}

QJsonArray tst_Messages::usageRowsOf(HttpClient &client, const QByteArray &project)
{
    return client.get(QStringLiteral("/api/v1/logs?order=asc&limit=500"), apiKey(project)).json().toArray();
}

void tst_Messages::addMessageReturnsMessage()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-add");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QJsonObject request{
        {"role", "assistant"},
        {"content", "Hello there"},
        {"metadata", QJsonObject{{"cost", 0.25}, {"model", "gpt-4o"}}},
        {"input_tokens", 10},
        {"output_tokens", 20},
        {"tool_calls", QJsonArray{QJsonObject{{"id", "call_1"}, {"type", "function"}}}},
        {"tool_results", QJsonArray{QJsonObject{{"call_id", "call_1"}, {"output", "42"}}}},
    };

    const HttpResponse response = m_client->post(prefix + u'/' + id + QStringLiteral("/messages"),
                                                 bodyOf(request), apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonObject message = response.json().toObject();
    QVERIFY2(hasMessageShape(message), response.body.constData());
    QJsonObject expected = request;
    expected.insert("conversation_id", id);
    expected.insert("content_hash", sha256Hex(QStringLiteral("Hello there")));
    QCOMPARE(withoutGeneratedMembers(message), expected);
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray{message});
    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("message_count"), QJsonValue(1));
    QCOMPARE(conversation.value("total_input_tokens"), QJsonValue(10));
    QCOMPARE(conversation.value("total_output_tokens"), QJsonValue(20));
    QCOMPARE(conversation.value("total_cost"), QJsonValue(0.25));
    QCOMPARE(conversation.value("last_message_at"), message.value("timestamp"));
    QCOMPARE(conversation.value("updated_at"), message.value("timestamp"));
}

void tst_Messages::addMessageAppliesDefaults()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-defaults");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages");
    const QByteArray nulls = R"({"role": "user", "content": null, "metadata": null, "input_tokens": null,
        "output_tokens": null, "tool_calls": null, "tool_results": null, "conversation_id": null})";
    // An integral number with a fraction part is an integer, and the conversation id
    // may repeat the path's in any case.
    const QByteArray integral = "{\"role\": \"tool\", \"input_tokens\": 1200.0, \"output_tokens\": 0,"
                                " \"unknown\": [1], \"conversation_id\": \""
        + id.toUpper().toUtf8() + "\"}";

    const HttpResponse minimal = m_client->post(path, R"({"role": "system"})", apiKey(project));
    const HttpResponse explicitNulls = m_client->post(path, nulls, apiKey(project));
    const HttpResponse withIntegral = m_client->post(path, integral, apiKey(project));

    QCOMPARE(minimal.status, 201);
    QVERIFY2(hasMessageShape(minimal.json()), minimal.body.constData());
    QCOMPARE(withoutGeneratedMembers(minimal.json().toObject()), plainMessage(id, "system", QJsonValue::Null));
    QCOMPARE(explicitNulls.status, 201);
    QCOMPARE(withoutGeneratedMembers(explicitNulls.json().toObject()), plainMessage(id, "user", QJsonValue::Null));
    QCOMPARE(withIntegral.status, 201);
    QJsonObject expected = plainMessage(id, "tool", QJsonValue::Null);
    expected.insert("input_tokens", 1200);
    expected.insert("output_tokens", 0);
    QCOMPARE(withoutGeneratedMembers(withIntegral.json().toObject()), expected);
    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("message_count"), QJsonValue(3));
    QCOMPARE(conversation.value("total_input_tokens"), QJsonValue(1200));
    QCOMPARE(conversation.value("total_output_tokens"), QJsonValue(0));
    QCOMPARE(conversation.value("total_cost"), QJsonValue(0));
}

void tst_Messages::addMessageRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString roles = QStringLiteral("must be one of: system, user, assistant, tool");
    const QString value = QStringLiteral("value_error");
    const QString typeError = QStringLiteral("type_error");
    QTest::newRow("role missing") << QByteArray(R"({"content": "hi"})") << QJsonArray{"body", "role"}
                                  << QStringLiteral("field required") << QStringLiteral("missing");
    QTest::newRow("role null") << QByteArray(R"({"role": null})") << QJsonArray{"body", "role"}
                               << QStringLiteral("field required") << QStringLiteral("missing");
    QTest::newRow("role unknown") << QByteArray(R"({"role": "robot"})") << QJsonArray{"body", "role"} << roles
                                  << value;
    QTest::newRow("role number") << QByteArray(R"({"role": 1})") << QJsonArray{"body", "role"} << roles << typeError;
    QTest::newRow("content number") << QByteArray(R"({"role": "user", "content": 5})")
                                    << QJsonArray{"body", "content"} << QStringLiteral("must be a string") << typeError;
    QTest::newRow("metadata array") << QByteArray(R"({"role": "user", "metadata": []})")
                                    << QJsonArray{"body", "metadata"} << QStringLiteral("must be an object")
                                    << typeError;
    QTest::newRow("cost negative") << QByteArray(R"({"role": "user", "metadata": {"cost": -0.01}})")
                                   << QJsonArray{"body", "metadata", "cost"} << QStringLiteral("must be >= 0") << value;
    QTest::newRow("cost 1e10") << QByteArray(R"({"role": "user", "metadata": {"cost": 1e10}})")
                               << QJsonArray{"body", "metadata", "cost"} << QStringLiteral("must be < 10000000000")
                               << value;
    QTest::newRow("cost string") << QByteArray(R"({"role": "user", "metadata": {"cost": "0.1"}})")
                                 << QJsonArray{"body", "metadata", "cost"} << QStringLiteral("must be a number")
                                 << typeError;
    QTest::newRow("input_tokens negative") << QByteArray(R"({"role": "user", "input_tokens": -1})")
                                           << QJsonArray{"body", "input_tokens"} << QStringLiteral("must be >= 0")
                                           << value;
    QTest::newRow("input_tokens fraction") << QByteArray(R"({"role": "user", "input_tokens": 1.5})")
                                           << QJsonArray{"body", "input_tokens"}
                                           << QStringLiteral("must be an integer") << typeError;
    QTest::newRow("output_tokens above int32") << QByteArray(R"({"role": "user", "output_tokens": 2147483648})")
                                               << QJsonArray{"body", "output_tokens"}
                                               << QStringLiteral("must be <= 2147483647") << value;
    QTest::newRow("output_tokens string") << QByteArray(R"({"role": "user", "output_tokens": "5"})")
                                          << QJsonArray{"body", "output_tokens"}
                                          << QStringLiteral("must be an integer") << typeError;
    QTest::newRow("tool_calls object") << QByteArray(R"({"role": "user", "tool_calls": {}})")
                                       << QJsonArray{"body", "tool_calls"}
                                       << QStringLiteral("must be an array of objects or null") << typeError;
    QTest::newRow("tool_calls number item") << QByteArray(R"({"role": "user", "tool_calls": [1]})")
                                            << QJsonArray{"body", "tool_calls", 0} << QStringLiteral("must be an object")
                                            << typeError;
    QTest::newRow("tool_results string item") << QByteArray(R"({"role": "tool", "tool_results": [{}, "x"]})")
                                              << QJsonArray{"body", "tool_results", 1}
                                              << QStringLiteral("must be an object") << typeError;
    QTest::newRow("conversation_id malformed") << QByteArray(R"({"role": "user", "conversation_id": "nope"})")
                                               << QJsonArray{"body", "conversation_id"}
                                               << QStringLiteral("must be a UUID") << value;
    QTest::newRow("body array") << QByteArray(R"([{"role": "user"}])") << QJsonArray{"body"}
                                << QStringLiteral("must be a JSON object") << typeError;
}

void tst_Messages::addMessageRejectsInvalid()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = projectKey("msg-add-invalid");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());

    const HttpResponse response = m_client->post(prefix + u'/' + id + QStringLiteral("/messages"), body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray());
    QCOMPARE(conversationOf(prefix, project, id).value("message_count"), QJsonValue(0));
}

void tst_Messages::addMessageChecksConversationId()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-add-id");
    const QString id = createConversation(prefix, project);
    const QString other = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    QVERIFY(!other.isEmpty());
    const QJsonObject request{{"role", "user"}, {"content", "elsewhere"}, {"conversation_id", other}};

    const HttpResponse response =
        m_client->post(prefix + u'/' + id + QStringLiteral("/messages"), bodyOf(request), apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(),
             validationBody(QJsonArray{"body", "conversation_id"},
                            QStringLiteral("must equal the conversation id in the path, %1").arg(id),
                            QStringLiteral("value_error")));
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray());
    QCOMPARE(messagesOf(prefix, project, other), QJsonArray());
}

void tst_Messages::routesRejectMalformedId_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("GET messages") << QByteArray("GET") << QStringLiteral("/messages") << QByteArray();
    QTest::newRow("POST message") << QByteArray("POST") << QStringLiteral("/messages")
                                  << QByteArray(R"({"role": "user"})");
    QTest::newRow("POST batch") << QByteArray("POST") << QStringLiteral("/messages/batch")
                                << QByteArray(R"([{"role": "user"}])");
}

void tst_Messages::routesRejectMalformedId()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(QByteArray, body);

    for (const QString &id : {QStringLiteral("not-a-uuid"), QStringLiteral("00000000000040008000000000000000")}) {
        const HttpResponse response =
            m_client->send(method, prefix + u'/' + id + suffix, body, apiKey(projectKey("msg-malformed")));
        QCOMPARE(response.status, 422);
        QCOMPARE(response.json().toObject(), pathIdError());
    }
}

void tst_Messages::routesReportUnknownConversation_data()
{
    routesRejectMalformedId_data();
}

void tst_Messages::routesReportUnknownConversation()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(QByteArray, body);

    const HttpResponse response =
        m_client->send(method, prefix + u'/' + UnknownId + suffix, body, apiKey(projectKey("msg-unknown")));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, NotFoundBody);
}

void tst_Messages::listMessagesPages()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-pages");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages");
    // Separate requests, so the order is the order of arrival and not of one batch.
    QJsonArray sent;
    for (int i = 0; i < 5; ++i) {
        const HttpResponse response = m_client->post(
            path, bodyOf(QJsonObject{{"role", "user"}, {"content", QStringLiteral("page %1").arg(i)}}), apiKey(project));
        QCOMPARE(response.status, 201);
        sent.append(response.json());
    }

    const HttpResponse all = m_client->get(path, apiKey(project));
    const HttpResponse page = m_client->get(path + QStringLiteral("?limit=2&offset=1"), apiKey(project));
    const HttpResponse tail = m_client->get(path + QStringLiteral("?offset=4"), apiKey(project));
    const HttpResponse beyond = m_client->get(path + QStringLiteral("?limit=1000&offset=5"), apiKey(project));
    const HttpResponse trailingSlash = m_client->get(path + QStringLiteral("/?limit=1"), apiKey(project));

    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().toArray(), sent);
    QCOMPARE(page.status, 200);
    QCOMPARE(page.json().toArray(), (QJsonArray{sent.at(1), sent.at(2)}));
    QCOMPARE(tail.json().toArray(), QJsonArray{sent.at(4)});
    QCOMPARE(beyond.status, 200);
    QCOMPARE(beyond.json().toArray(), QJsonArray());
    QCOMPARE(trailingSlash.status, 200);
    QCOMPARE(trailingSlash.json().toArray(), QJsonArray{sent.at(0)});
    for (qsizetype i = 1; i < sent.size(); ++i)
        QVERIFY(sent.at(i - 1)["timestamp"].toString() <= sent.at(i)["timestamp"].toString());
}

void tst_Messages::listMessagesRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QJsonObject>("expected");

    const auto error = [](const char *parameter, const char *msg, const char *type) {
        return validationBody(QJsonArray{"query", parameter}, QString::fromLatin1(msg), QString::fromLatin1(type));
    };
    QTest::newRow("limit 0") << QStringLiteral("limit=0") << error("limit", "must be >= 1", "value_error");
    QTest::newRow("limit 1001") << QStringLiteral("limit=1001") << error("limit", "must be <= 1000", "value_error");
    QTest::newRow("limit word") << QStringLiteral("limit=ten") << error("limit", "must be an integer", "type_error");
    QTest::newRow("offset negative") << QStringLiteral("offset=-1") << error("offset", "must be >= 0", "value_error");
}

void tst_Messages::listMessagesRejectsBadQuery()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QString, query);
    QFETCH(QJsonObject, expected);
    const QByteArray project = projectKey("msg-list-query");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());

    const HttpResponse response =
        m_client->get(prefix + u'/' + id + QStringLiteral("/messages?") + query, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), expected);
}

void tst_Messages::batchStoresInOrder()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-batch");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QJsonArray messages{
        QJsonObject{{"role", "system"}, {"content", "Be brief."}},
        QJsonObject{{"role", "user"}, {"content", "Hi"}, {"input_tokens", 7}, {"conversation_id", id}},
        QJsonObject{{"role", "assistant"},
                    {"content", "Hello"},
                    {"output_tokens", 3},
                    {"metadata", QJsonObject{{"cost", 0.002}}},
                    {"tool_calls", QJsonArray{QJsonObject{{"id", "call_1"}}}}},
    };
    const QJsonObject request{{"messages", messages}, {"logging_level", "full"}, {"conversation_id", id}};

    const HttpResponse response =
        m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"), bodyOf(request), apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonArray stored = response.json().toArray();
    QCOMPARE(stored.size(), 3);
    for (const QJsonValue &message : stored)
        QVERIFY2(hasMessageShape(message), response.body.constData());
    QJsonObject user = plainMessage(id, "user", "Hi");
    user.insert("input_tokens", 7);
    QJsonObject assistant = plainMessage(id, "assistant", "Hello");
    assistant.insert("output_tokens", 3);
    assistant.insert("metadata", QJsonObject{{"cost", 0.002}});
    assistant.insert("tool_calls", QJsonArray{QJsonObject{{"id", "call_1"}}});
    QCOMPARE(withoutGeneratedMembers(stored), (QJsonArray{plainMessage(id, "system", "Be brief."), user, assistant}));
    QCOMPARE(messagesOf(prefix, project, id), stored);
    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("message_count"), QJsonValue(3));
    QCOMPARE(conversation.value("total_input_tokens"), QJsonValue(7));
    QCOMPARE(conversation.value("total_output_tokens"), QJsonValue(3));
    QCOMPARE(conversation.value("total_cost"), QJsonValue(0.002));
    QCOMPARE(conversation.value("last_message_at"), stored.at(2)["timestamp"]);
}

void tst_Messages::batchAcceptsBareArray()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-batch-bare");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages/batch");

    const HttpResponse first = m_client->post(path, bodyOf(userMessages(2, "first")), apiKey(project));
    const HttpResponse second = m_client->post(path, bodyOf(userMessages(3, "second")), apiKey(project));

    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QJsonArray expected;
    for (const QString &content : QStringList{"first 0", "first 1", "second 0", "second 1", "second 2"})
        expected.append(plainMessage(id, "user", content));
    QJsonArray both = first.json().toArray();
    for (const QJsonValue &message : second.json().toArray())
        both.append(message);
    QCOMPARE(withoutGeneratedMembers(both), expected);
    QCOMPARE(messagesOf(prefix, project, id), both);
    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("message_count"), QJsonValue(5));
    QCOMPARE(conversation.value("last_message_at"), both.at(4)["timestamp"]);
}

void tst_Messages::batchAcceptsEmptyList()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-batch-empty");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages/batch");
    const QJsonObject before = conversationOf(prefix, project, id);

    const HttpResponse bare = m_client->post(path, "[]", apiKey(project));
    const HttpResponse wrapped = m_client->post(path, R"({"messages": []})", apiKey(project));

    QCOMPARE(bare.status, 201);
    QCOMPARE(bare.body, QByteArray("[]"));
    QCOMPARE(wrapped.status, 201);
    QCOMPARE(wrapped.body, QByteArray("[]"));
    QCOMPARE(conversationOf(prefix, project, id), before);
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray());
}

void tst_Messages::batchAcceptsMaxMessages()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-batch-max");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());

    const HttpResponse response = m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"),
                                                 bodyOf(QJsonObject{{"messages", userMessages(1000, "max")}}),
                                                 apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonArray stored = response.json().toArray();
    QCOMPARE(stored.size(), 1000);
    QCOMPARE(stored.at(999)["content"], QJsonValue("max 999"));
    QCOMPARE(messagesOf(prefix, project, id), stored);
    QCOMPARE(conversationOf(prefix, project, id).value("message_count"), QJsonValue(1000));
}

void tst_Messages::batchRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const QString typeError = QStringLiteral("type_error");
    const QString value = QStringLiteral("value_error");
    // Valid messages before and after the bad one: all or nothing.
    const QByteArray validThenBad = R"([{"role": "user", "content": "a"}, {"role": "user", "content": "b"},
        {"role": "robot", "content": "c"}, {"role": "user", "content": "d"}])";
    QTest::newRow("wrapped bad role") << QByteArray("{\"messages\": " + validThenBad + "}")
                                      << QJsonArray{"body", "messages", 2, "role"}
                                      << QStringLiteral("must be one of: system, user, assistant, tool") << value;
    QTest::newRow("bare bad role") << validThenBad << QJsonArray{"body", 2, "role"}
                                   << QStringLiteral("must be one of: system, user, assistant, tool") << value;
    QTest::newRow("wrapped role missing") << QByteArray(R"({"messages": [{"role": "user"}, {"content": "x"}]})")
                                          << QJsonArray{"body", "messages", 1, "role"}
                                          << QStringLiteral("field required") << QStringLiteral("missing");
    QTest::newRow("bare cost negative") << QByteArray(R"([{"role": "user", "metadata": {"cost": -1}}])")
                                        << QJsonArray{"body", 0, "metadata", "cost"} << QStringLiteral("must be >= 0")
                                        << value;
    QTest::newRow("wrapped tool_calls item") << QByteArray(R"({"messages": [{"role": "user", "tool_calls": [[]]}]})")
                                             << QJsonArray{"body", "messages", 0, "tool_calls", 0}
                                             << QStringLiteral("must be an object") << typeError;
    QTest::newRow("bare tokens above int32") << QByteArray(R"([{"role": "user", "input_tokens": 2147483648}])")
                                             << QJsonArray{"body", 0, "input_tokens"}
                                             << QStringLiteral("must be <= 2147483647") << value;
    QTest::newRow("wrapped item not object") << QByteArray(R"({"messages": ["hi"]})")
                                             << QJsonArray{"body", "messages", 0}
                                             << QStringLiteral("must be a JSON object") << typeError;
    QTest::newRow("bare item not object") << QByteArray(R"([{"role": "user"}, 5])") << QJsonArray{"body", 1}
                                          << QStringLiteral("must be a JSON object") << typeError;
    QTest::newRow("messages missing") << QByteArray(R"({"logging_level": "full"})") << QJsonArray{"body", "messages"}
                                      << QStringLiteral("field required") << QStringLiteral("missing");
    QTest::newRow("messages object") << QByteArray(R"({"messages": {"role": "user"}})")
                                     << QJsonArray{"body", "messages"} << QStringLiteral("must be an array of messages")
                                     << typeError;
    QTest::newRow("body string") << QByteArray(R"("hello")") << QJsonArray{"body"}
                                 << QStringLiteral(
                                        "must be an array of messages or an object with a \"messages\" array")
                                 << typeError;
    QTest::newRow("logging_level unknown") << QByteArray(R"({"messages": [], "logging_level": "all"})")
                                           << QJsonArray{"body", "logging_level"}
                                           << QStringLiteral("must be one of: none, metadata, full") << value;
    QTest::newRow("conversation_id malformed") << QByteArray(R"({"messages": [], "conversation_id": 5})")
                                               << QJsonArray{"body", "conversation_id"}
                                               << QStringLiteral("must be a UUID") << value;
    const QByteArray tooMany = bodyOf(userMessages(1001, "over"));
    QTest::newRow("bare 1001 messages") << tooMany << QJsonArray{"body"}
                                        << QStringLiteral("must have at most 1000 messages") << value;
    QTest::newRow("wrapped 1001 messages") << QByteArray("{\"messages\": " + tooMany + "}")
                                           << QJsonArray{"body", "messages"}
                                           << QStringLiteral("must have at most 1000 messages") << value;
}

void tst_Messages::batchRejectsInvalid()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = projectKey("msg-batch-invalid");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages");
    QCOMPARE(m_client->post(path, R"({"role": "user", "content": "kept"})", apiKey(project)).status, 201);
    const QJsonObject before = conversationOf(prefix, project, id);
    const QJsonArray messagesBefore = messagesOf(prefix, project, id);

    const HttpResponse response = m_client->post(path + QStringLiteral("/batch"), body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(conversationOf(prefix, project, id), before);
    QCOMPARE(before.value("message_count"), QJsonValue(1));
    QCOMPARE(messagesOf(prefix, project, id), messagesBefore);
}

void tst_Messages::batchChecksConversationId()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-batch-id");
    const QString id = createConversation(prefix, project);
    const QString other = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    QVERIFY(!other.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages/batch");
    const QString mismatch = QStringLiteral("must equal the conversation id in the path, %1").arg(id);
    const QJsonObject otherMessage{{"role", "user"}, {"conversation_id", other}};

    const HttpResponse wrapper = m_client->post(
        path, bodyOf(QJsonObject{{"messages", userMessages(1, "a")}, {"conversation_id", other}}), apiKey(project));
    const HttpResponse wrappedItem = m_client->post(
        path, bodyOf(QJsonObject{{"messages", QJsonArray{QJsonObject{{"role", "user"}}, otherMessage}}}),
        apiKey(project));
    const HttpResponse bareItem = m_client->post(path, bodyOf(QJsonArray{otherMessage}), apiKey(project));
    const HttpResponse matching = m_client->post(
        path, bodyOf(QJsonObject{{"messages", QJsonArray{QJsonObject{{"role", "user"}, {"conversation_id", id}}}},
                                 {"conversation_id", id.toUpper()}}),
        apiKey(project));

    QCOMPARE(wrapper.status, 422);
    QCOMPARE(wrapper.json().toObject(),
             validationBody(QJsonArray{"body", "conversation_id"}, mismatch, QStringLiteral("value_error")));
    QCOMPARE(wrappedItem.status, 422);
    QCOMPARE(wrappedItem.json().toObject(), validationBody(QJsonArray{"body", "messages", 1, "conversation_id"},
                                                           mismatch, QStringLiteral("value_error")));
    QCOMPARE(bareItem.status, 422);
    QCOMPARE(bareItem.json().toObject(),
             validationBody(QJsonArray{"body", 0, "conversation_id"}, mismatch, QStringLiteral("value_error")));
    QCOMPARE(matching.status, 201);
    QCOMPARE(withoutGeneratedMembers(matching.json().toArray()), QJsonArray{plainMessage(id, "user", QJsonValue::Null)});
    QCOMPARE(messagesOf(prefix, project, id), matching.json().toArray());
    QCOMPARE(messagesOf(prefix, project, other), QJsonArray());
}

void tst_Messages::concurrentBatchesAreExact()
{
    QFETCH_GLOBAL(QString, prefix);
    constexpr int Batches = 20;
    constexpr int PerBatch = 5;
    const QByteArray project = projectKey("msg-concurrent");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());

    // Every message has its own figures. Costs are whole multiples of 10^-10 dollars,
    // so the expected total is exact in integer units.
    qint64 inputTotal = 0;
    qint64 outputTotal = 0;
    qint64 costUnits = 0;
    QList<QByteArray> bodies;
    for (int batch = 0; batch < Batches; ++batch) {
        QJsonArray messages;
        for (int i = 0; i < PerBatch; ++i) {
            const qint64 input = 100 * batch + i;
            const qint64 output = 3 * batch + 7 * i + 1;
            const qint64 units = 123456789 + 1000 * batch + i;
            inputTotal += input;
            outputTotal += output;
            costUnits += units;
            messages.append(QJsonObject{{"role", i % 2 == 0 ? "user" : "assistant"},
                                        {"content", QStringLiteral("batch %1 message %2").arg(batch).arg(i)},
                                        {"input_tokens", input},
                                        {"output_tokens", output},
                                        {"metadata", QJsonObject{{"cost", double(units) / 1e10}}}});
        }
        bodies.append(bodyOf(QJsonObject{{"messages", messages}}));
    }

    // Every request is sent before any response is read. Each QNetworkAccessManager
    // opens up to six connections to the service, so four of them carry all 20 batches
    // at once over the service's worker loops.
    const QUrl url = m_service.baseUrl().resolved(QUrl(prefix + u'/' + id + QStringLiteral("/messages/batch")));
    std::array<QNetworkAccessManager, 4> networks;
    QList<QNetworkReply *> replies;
    for (int batch = 0; batch < Batches; ++batch) {
        QNetworkRequest request(url);
        request.setRawHeader("X-API-Key", project);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        replies.append(networks.at(batch % networks.size()).post(request, bodies.at(batch)));
    }
    const auto allFinished = [&replies] {
        return std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *reply) { return reply->isFinished(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(), 60000);

    QList<QStringList> batchIds;
    for (int batch = 0; batch < Batches; ++batch) {
        QNetworkReply *reply = replies.at(batch);
        reply->deleteLater();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        const QJsonArray stored = QJsonDocument::fromJson(reply->readAll()).array();
        QCOMPARE(stored.size(), PerBatch);
        for (int i = 0; i < PerBatch; ++i)
            QCOMPARE(stored.at(i)["content"].toString(), QStringLiteral("batch %1 message %2").arg(batch).arg(i));
        batchIds.append(idsOf(stored));
    }

    const QJsonArray all = messagesOf(prefix, project, id);
    QCOMPARE(all.size(), Batches * PerBatch);
    const QStringList allIds = idsOf(all);
    QCOMPARE(QSet<QString>(allIds.cbegin(), allIds.cend()).size(), Batches * PerBatch);
    // Each batch's messages sit together and in the order they were sent.
    for (const QStringList &ids : std::as_const(batchIds)) {
        const qsizetype start = allIds.indexOf(ids.constFirst());
        QVERIFY(start >= 0);
        QCOMPARE(allIds.mid(start, PerBatch), ids);
    }
    for (qsizetype i = 1; i < all.size(); ++i)
        QVERIFY(all.at(i - 1)["timestamp"].toString() <= all.at(i)["timestamp"].toString());
    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("message_count"), QJsonValue(Batches * PerBatch));
    QCOMPARE(conversation.value("total_input_tokens"), QJsonValue(inputTotal));
    QCOMPARE(conversation.value("total_output_tokens"), QJsonValue(outputTotal));
    QCOMPARE(conversation.value("total_cost"), QJsonValue(double(costUnits) / 1e10));
    QCOMPARE(conversation.value("last_message_at"), all.last()["timestamp"]);
}

void tst_Messages::costsRoundToTenPlaces()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-cost-rounding");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QJsonArray messages{
        QJsonObject{{"role", "assistant"}, {"metadata", QJsonObject{{"cost", 0.12345678901234}}}},
        QJsonObject{{"role", "assistant"}, {"metadata", QJsonObject{{"cost", 0.00000000004}}}},
        QJsonObject{{"role", "assistant"}, {"metadata", QJsonObject{{"cost", 0.00000000004}}}},
        QJsonObject{{"role", "assistant"}, {"metadata", QJsonObject{{"cost", 9999999999.5}}}},
    };

    const HttpResponse response =
        m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"), bodyOf(messages), apiKey(project));

    QCOMPARE(response.status, 201);
    // The metadata keeps each amount as sent, and the total adds the amounts rounded to
    // 10 places.
    QCOMPARE(response.json().toArray().at(0)["metadata"], QJsonValue(QJsonObject{{"cost", 0.12345678901234}}));
    // 0.1234567890 + 0 + 0 + 9999999999.5. Rounding the sum of the amounts as sent
    // would give 9999999999.6234567891 instead. A double cannot tell the two apart at
    // this size, so the stored text is compared as well.
    QCOMPARE(conversationOf(prefix, project, id).value("total_cost"), QJsonValue(9999999999.623456789));
    const QString stored = m_database->scalar(QStringLiteral("SELECT total_cost::text FROM {{schema}}.conversations"
                                                             " WHERE id = CAST(:id AS uuid)"),
                                              {{QStringLiteral("id"), id}})
                               .toString();
    QCOMPARE(stored, QStringLiteral("9999999999.6234567890"));
}

void tst_Messages::requestLevelLowersFullServer()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-request-level");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages/batch");
    const auto batch = [](const char *level, const QString &content) {
        return bodyOf(QJsonObject{{"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", content}},
                                                          QJsonObject{{"role", "user"}}}},
                                  {"logging_level", level}});
    };

    const HttpResponse metadata = m_client->post(path, batch("metadata", "secret"), apiKey(project));
    const HttpResponse none = m_client->post(path, batch("none", "unseen"), apiKey(project));
    const HttpResponse full = m_client->post(path, batch("full", "visible"), apiKey(project));
    const HttpResponse noneUnknown = m_client->post(prefix + u'/' + UnknownId + QStringLiteral("/messages/batch"),
                                                    batch("none", "unseen"), apiKey(project));

    QCOMPARE(metadata.status, 201);
    QJsonObject hashed = plainMessage(id, "user", QJsonValue::Null);
    hashed.insert("content_hash", sha256Hex(QStringLiteral("secret")));
    QCOMPARE(withoutGeneratedMembers(metadata.json().toArray()),
             (QJsonArray{hashed, plainMessage(id, "user", QJsonValue::Null)}));
    QCOMPARE(none.status, 201);
    QCOMPARE(none.body, QByteArray("[]"));
    QCOMPARE(full.status, 201);
    QCOMPARE(withoutGeneratedMembers(full.json().toArray()),
             (QJsonArray{plainMessage(id, "user", "visible"), plainMessage(id, "user", QJsonValue::Null)}));
    QCOMPARE(noneUnknown.status, 404);
    QCOMPARE(noneUnknown.body, NotFoundBody);
    QJsonArray stored = metadata.json().toArray();
    for (const QJsonValue &message : full.json().toArray())
        stored.append(message);
    QCOMPARE(messagesOf(prefix, project, id), stored);
    QCOMPARE(conversationOf(prefix, project, id).value("message_count"), QJsonValue(4));
}

void tst_Messages::metadataServerKeepsHashOnly()
{
    QFETCH_GLOBAL(QString, prefix);
    TestService service;
    QVERIFY(startService(service, [](Settings &settings) {
        settings.conversations.loggingLevel = MessageLoggingLevel::Metadata;
    }));
    HttpClient client(service.baseUrl());
    const QByteArray project = projectKey("msg-metadata-server");
    const QString id = createConversation(client, prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages");

    const HttpResponse single =
        client.post(path, R"({"role": "user", "content": "private", "input_tokens": 4})", apiKey(project));
    const HttpResponse raised = client.post(
        path + QStringLiteral("/batch"),
        R"({"messages": [{"role": "assistant", "content": "also private"}, {"role": "user", "content": null}],
            "logging_level": "full"})",
        apiKey(project));
    const HttpResponse log = client.post(prefix + QStringLiteral("/log"), ClientLogPayload, apiKey(project));

    QCOMPARE(single.status, 201);
    QJsonObject expected = plainMessage(id, "user", QJsonValue::Null);
    expected.insert("content_hash", sha256Hex(QStringLiteral("private")));
    expected.insert("input_tokens", 4);
    QCOMPARE(withoutGeneratedMembers(single.json().toObject()), expected);
    QCOMPARE(raised.status, 201);
    QJsonObject hashed = plainMessage(id, "assistant", QJsonValue::Null);
    hashed.insert("content_hash", sha256Hex(QStringLiteral("also private")));
    QCOMPARE(withoutGeneratedMembers(raised.json().toArray()),
             (QJsonArray{hashed, plainMessage(id, "user", QJsonValue::Null)}));
    QCOMPARE(messagesOf(prefix, project, id).size(), 3);
    QCOMPARE(log.status, 201);
    QCOMPARE(log.json()["messages_stored"], QJsonValue(2));
    const QJsonArray logged = messagesOf(prefix, project, log.json()["conversation_id"].toString());
    QCOMPARE(logged.size(), 2);
    for (const QJsonValue &message : logged) {
        QCOMPARE(message["content"], QJsonValue(QJsonValue::Null));
        QVERIFY(message["content_hash"].isString());
    }
    QCOMPARE(logged.at(0)["content_hash"], QJsonValue(sha256Hex(QStringLiteral("Summarise this"))));
}

void tst_Messages::noneServerStoresNoMessages()
{
    QFETCH_GLOBAL(QString, prefix);
    TestService service;
    QVERIFY(startService(service,
                         [](Settings &settings) { settings.conversations.loggingLevel = MessageLoggingLevel::None; }));
    HttpClient client(service.baseUrl());
    const QByteArray project = projectKey("msg-none-server");
    const QString id = createConversation(client, prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = prefix + u'/' + id + QStringLiteral("/messages");

    const HttpResponse single = client.post(path, R"({"role": "user", "content": "hi"})", apiKey(project));
    const HttpResponse batch = client.post(path + QStringLiteral("/batch"), R"([{"role": "user"}])", apiKey(project));
    const HttpResponse log = client.post(prefix + QStringLiteral("/log"), ClientLogPayload, apiKey(project));

    QCOMPARE(single.status, 400);
    QCOMPARE(single.body, LoggingDisabledBody);
    QCOMPARE(batch.status, 400);
    QCOMPARE(batch.body, LoggingDisabledBody);
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray());
    QCOMPARE(log.status, 201);
    const QJsonObject logged = log.json().toObject();
    QVERIFY2(isUuid(logged.value("conversation_id")), log.body.constData());
    QCOMPARE(logged.value("message_id"), QJsonValue(QJsonValue::Null));
    QCOMPARE(logged.value("messages_stored"), QJsonValue(0));
    QCOMPARE(logged.size(), 3);
    const QString loggedId = logged.value("conversation_id").toString();
    const QJsonObject conversation = conversationOf(prefix, project, loggedId);
    QCOMPARE(conversation.value("title"), QJsonValue("summarizer conversation"));
    QCOMPARE(conversation.value("message_count"), QJsonValue(0));
    QCOMPARE(messagesOf(prefix, project, loggedId), QJsonArray());
    const QJsonArray usage = usageRowsOf(client, project);
    QCOMPARE(usage.size(), 1);
    QCOMPARE(usage.at(0)["conversation_id"], QJsonValue(loggedId));
    QCOMPARE(usage.at(0)["cost"], QJsonValue(0.0001));
}

void tst_Messages::trackingDisabled()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-untracked");
    // A conversation stored before tracking was switched off.
    QVERIFY(!createConversation(prefix, project).isEmpty());
    TestService service;
    QVERIFY(startService(service, [](Settings &settings) { settings.conversations.trackingEnabled = false; }));
    HttpClient client(service.baseUrl());

    const HttpResponse create = client.post(prefix, R"({"title": "refused"})", apiKey(project));
    const HttpResponse list = client.get(prefix, apiKey(project));
    const HttpResponse log = client.post(prefix + QStringLiteral("/log"), ClientLogPayload, apiKey(project));

    QCOMPARE(create.status, 400);
    QCOMPARE(create.body, TrackingDisabledBody);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().toArray(), QJsonArray());
    QCOMPARE(log.status, 400);
    QCOMPARE(log.body, TrackingDisabledBody);
    QCOMPARE(m_client->get(prefix, apiKey(project)).json().toArray().size(), 1);
    QCOMPARE(usageRowsOf(client, project), QJsonArray());
}

void tst_Messages::logStoresClientPayload()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-log");

    const HttpResponse response = m_client->post(prefix + QStringLiteral("/log"), ClientLogPayload, apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonObject logged = response.json().toObject();
    QCOMPARE(logged.size(), 3);
    QVERIFY2(isUuid(logged.value("conversation_id")), response.body.constData());
    QVERIFY2(isUuid(logged.value("message_id")), response.body.constData());
    QCOMPARE(logged.value("messages_stored"), QJsonValue(2));
    const QString id = logged.value("conversation_id").toString();

    const QJsonArray messages = messagesOf(prefix, project, id);
    QCOMPARE(messages.size(), 2);
    QVERIFY(hasMessageShape(messages.at(0)));
    QVERIFY(hasMessageShape(messages.at(1)));
    QCOMPARE(messages.at(1)["id"], logged.value("message_id"));
    QJsonObject assistant = plainMessage(id, "assistant", "Here it is");
    assistant.insert("input_tokens", 12);
    assistant.insert("output_tokens", 5);
    assistant.insert("metadata", QJsonObject{
                                     {"cost", 0.0001},
                                     {"finish_reason", "stop"},
                                     {"model", "gpt-4o-2024-08-06"},
                                     {"provider", "openai"},
                                     {"usage", QJsonObject{{"prompt_tokens", 12}, {"completion_tokens", 5}}},
                                 });
    QCOMPARE(withoutGeneratedMembers(messages), (QJsonArray{plainMessage(id, "user", "Summarise this"), assistant}));

    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("title"), QJsonValue("summarizer conversation"));
    QCOMPARE(conversation.value("model_alias"), QJsonValue("summarizer"));
    QCOMPARE(conversation.value("message_count"), QJsonValue(2));
    QCOMPARE(conversation.value("total_input_tokens"), QJsonValue(12));
    QCOMPARE(conversation.value("total_output_tokens"), QJsonValue(5));
    QCOMPARE(conversation.value("total_cost"), QJsonValue(0.0001));
    QCOMPARE(conversation.value("last_message_at"), messages.at(1)["timestamp"]);
    QCOMPARE(conversation.value("updated_at"), messages.at(1)["timestamp"]);
    QCOMPARE(m_client->get(prefix, apiKey(project)).json().toArray().size(), 1);

    const QJsonArray usage = usageRowsOf(*m_client, project);
    QCOMPARE(usage.size(), 1);
    QJsonObject row = usage.at(0).toObject();
    QVERIFY(isUuid(row.take("id")));
    QVERIFY(row.take("logged_at").isString());
    const QJsonObject expectedRow{
        {"provider", "openai"},
        {"model", "gpt-4o"},
        {"alias", "summarizer"},
        {"profile", "default"},
        {"origin", "llmring"},
        {"id_at_origin", QJsonValue::Null},
        {"input_tokens", 12},
        {"output_tokens", 5},
        {"cached_input_tokens", 0},
        {"cost", 0.0001},
        {"latency_ms", QJsonValue::Null},
        {"metadata", QJsonObject{{"finish_reason", "stop"}}},
        {"conversation_id", id},
    };
    QCOMPARE(row, expectedRow);
}

void tst_Messages::logWithoutAliasNamesModel()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-log-model");
    QJsonObject payload = clientLogPayload();
    QJsonObject metadata = payload.value("metadata").toObject();
    metadata.remove("alias");
    payload.insert("metadata", metadata);

    const HttpResponse response = m_client->post(prefix + QStringLiteral("/log"), bodyOf(payload), apiKey(project));

    QCOMPARE(response.status, 201);
    const QJsonObject conversation = conversationOf(prefix, project, response.json()["conversation_id"].toString());
    QCOMPARE(conversation.value("title"), QJsonValue("gpt-4o conversation"));
    QCOMPARE(conversation.value("model_alias"), QJsonValue("openai:gpt-4o"));
    const QJsonArray usage = usageRowsOf(*m_client, project);
    QCOMPARE(usage.size(), 1);
    QCOMPARE(usage.at(0)["alias"], QJsonValue(QJsonValue::Null));
}

void tst_Messages::logCostFallbacks_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QJsonObject>("costs");
    QTest::addColumn<double>("expected");

    const QString priced = QStringLiteral("gpt-4o");
    QTest::newRow("cost wins") << priced
                               << QJsonObject{{"cost", 0.0005}, {"input_cost", 0.00003}, {"output_cost", 0.00007}}
                               << 0.0005;
    QTest::newRow("input and output cost") << priced << QJsonObject{{"input_cost", 0.00003}, {"output_cost", 0.00007}}
                                           << 0.0001;
    QTest::newRow("output cost only") << priced << QJsonObject{{"output_cost", 0.00007}} << 0.00007;
    // The fixture registry prices gpt-4o at $2.50 input and $10 output per million
    // tokens: 12 × 2.5e-6 + 5 × 1e-5.
    QTest::newRow("registry price") << priced << QJsonObject() << 0.00008;
    QTest::newRow("unpriced model") << QStringLiteral("no-such-model") << QJsonObject() << 0.0;
}

void tst_Messages::logCostFallbacks()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QString, model);
    QFETCH(QJsonObject, costs);
    QFETCH(double, expected);
    const QByteArray project = rowProjectKey("msg-log-cost");
    QJsonObject payload = clientLogPayload();
    QJsonObject metadata = payload.value("metadata").toObject();
    metadata.remove("cost");
    metadata.remove("input_cost");
    metadata.remove("output_cost");
    metadata.insert("model", model);
    for (auto it = costs.constBegin(); it != costs.constEnd(); ++it)
        metadata.insert(it.key(), it.value());
    payload.insert("metadata", metadata);

    const HttpResponse response = m_client->post(prefix + QStringLiteral("/log"), bodyOf(payload), apiKey(project));

    QCOMPARE(response.status, 201);
    const QString id = response.json()["conversation_id"].toString();
    const QJsonArray messages = messagesOf(prefix, project, id);
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1)["metadata"]["cost"], QJsonValue(expected));
    QCOMPARE(conversationOf(prefix, project, id).value("total_cost"), QJsonValue(expected));
    const QJsonArray usage = usageRowsOf(*m_client, project);
    QCOMPARE(usage.size(), 1);
    QCOMPARE(usage.at(0)["cost"], QJsonValue(expected));
    QCOMPARE(usage.at(0)["model"], QJsonValue(model));
}

void tst_Messages::logTokensFallBackToResponseUsage_data()
{
    QTest::addColumn<QStringList>("removed");
    QTest::addColumn<qint64>("input");
    QTest::addColumn<qint64>("output");

    QTest::newRow("both from usage") << QStringList{"input_tokens", "output_tokens"} << qint64(30) << qint64(7);
    QTest::newRow("input from usage") << QStringList{"input_tokens"} << qint64(30) << qint64(40);
    QTest::newRow("metadata wins") << QStringList() << qint64(50) << qint64(40);
}

void tst_Messages::logTokensFallBackToResponseUsage()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QStringList, removed);
    QFETCH(qint64, input);
    QFETCH(qint64, output);
    const QByteArray project = rowProjectKey("msg-log-tokens");
    QJsonObject payload = clientLogPayload();
    QJsonObject response = payload.value("response").toObject();
    const QJsonObject usage{{"prompt_tokens", 30}, {"completion_tokens", 7}};
    response.insert("usage", usage);
    payload.insert("response", response);
    QJsonObject metadata = payload.value("metadata").toObject();
    metadata.insert("input_tokens", 50);
    metadata.insert("output_tokens", 40);
    for (const QString &name : removed)
        metadata.remove(name);
    payload.insert("metadata", metadata);

    const HttpResponse logged = m_client->post(prefix + QStringLiteral("/log"), bodyOf(payload), apiKey(project));

    QCOMPARE(logged.status, 201);
    const QString id = logged.json()["conversation_id"].toString();
    const QJsonArray messages = messagesOf(prefix, project, id);
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1)["input_tokens"], QJsonValue(input));
    QCOMPARE(messages.at(1)["output_tokens"], QJsonValue(output));
    QCOMPARE(messages.at(1)["metadata"]["usage"], QJsonValue(usage));
    const QJsonObject conversation = conversationOf(prefix, project, id);
    QCOMPARE(conversation.value("total_input_tokens"), QJsonValue(input));
    QCOMPARE(conversation.value("total_output_tokens"), QJsonValue(output));
    const QJsonArray rows = usageRowsOf(*m_client, project);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0)["input_tokens"], QJsonValue(input));
    QCOMPARE(rows.at(0)["output_tokens"], QJsonValue(output));
}

void tst_Messages::logRejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonArray>("loc");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");

    const auto changed = [](const QString &member, const std::function<void(QJsonObject &)> &change) {
        QJsonObject payload = clientLogPayload();
        QJsonObject part = payload.value(member).toObject();
        change(part);
        payload.insert(member, part);
        return bodyOf(payload);
    };
    const auto without = [](const QString &member) {
        QJsonObject payload = clientLogPayload();
        payload.remove(member);
        return bodyOf(payload);
    };
    const QString missing = QStringLiteral("missing");
    const QString required = QStringLiteral("field required");

    QTest::newRow("metadata missing") << without("metadata") << QJsonArray{"body", "metadata"} << required << missing;
    QTest::newRow("provider missing") << changed("metadata", [](QJsonObject &m) { m.remove("provider"); })
                                      << QJsonArray{"body", "metadata", "provider"} << required << missing;
    QTest::newRow("model missing") << changed("metadata", [](QJsonObject &m) { m.remove("model"); })
                                   << QJsonArray{"body", "metadata", "model"} << required << missing;
    QTest::newRow("provider empty") << changed("metadata", [](QJsonObject &m) { m.insert("provider", ""); })
                                    << QJsonArray{"body", "metadata", "provider"}
                                    << QStringLiteral("must be at least 1 character") << QStringLiteral("value_error");
    QTest::newRow("cached above input") << changed("metadata", [](QJsonObject &m) { m.insert("cached_tokens", 13); })
                                        << QJsonArray{"body", "metadata", "cached_tokens"}
                                        << QStringLiteral("must be <= the input tokens (12)")
                                        << QStringLiteral("value_error");
    QTest::newRow("cost negative") << changed("metadata", [](QJsonObject &m) { m.insert("cost", -0.1); })
                                   << QJsonArray{"body", "metadata", "cost"} << QStringLiteral("must be >= 0")
                                   << QStringLiteral("value_error");
    // response.usage is read only when the metadata has no token counts.
    const auto withUsage = [](const QJsonObject &usage) {
        QJsonObject payload = clientLogPayload();
        QJsonObject metadata = payload.value("metadata").toObject();
        metadata.remove("input_tokens");
        metadata.remove("output_tokens");
        metadata.insert("cached_tokens", 4);
        payload.insert("metadata", metadata);
        QJsonObject response = payload.value("response").toObject();
        response.insert("usage", usage);
        payload.insert("response", response);
        return bodyOf(payload);
    };
    QTest::newRow("prompt tokens negative") << withUsage(QJsonObject{{"prompt_tokens", -5}})
                                            << QJsonArray{"body", "response", "usage", "prompt_tokens"}
                                            << QStringLiteral("must be >= 0") << QStringLiteral("value_error");
    QTest::newRow("completion tokens text") << withUsage(QJsonObject{{"prompt_tokens", 5}, {"completion_tokens", "x"}})
                                            << QJsonArray{"body", "response", "usage", "completion_tokens"}
                                            << QStringLiteral("must be an integer") << QStringLiteral("type_error");
    QTest::newRow("cached above prompt tokens") << withUsage(QJsonObject{{"prompt_tokens", 3}})
                                                << QJsonArray{"body", "metadata", "cached_tokens"}
                                                << QStringLiteral("must be <= the input tokens (3)")
                                                << QStringLiteral("value_error");
    QTest::newRow("messages missing") << without("messages") << QJsonArray{"body", "messages"} << required << missing;
    QTest::newRow("response missing") << without("response") << QJsonArray{"body", "response"} << required << missing;
    QJsonObject badRole = clientLogPayload();
    badRole.insert("messages", QJsonArray{QJsonObject{{"role", "robot"}}});
    QTest::newRow("message role unknown") << bodyOf(badRole) << QJsonArray{"body", "messages", 0, "role"}
                                          << QStringLiteral("must be one of: system, user, assistant, tool")
                                          << QStringLiteral("value_error");
}

void tst_Messages::logRejectsInvalid()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QByteArray, body);
    QFETCH(QJsonArray, loc);
    QFETCH(QString, msg);
    QFETCH(QString, type);
    const QByteArray project = projectKey("msg-log-invalid");

    const HttpResponse response = m_client->post(prefix + QStringLiteral("/log"), body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(loc, msg, type));
    QCOMPARE(m_client->get(prefix, apiKey(project)).json().toArray(), QJsonArray());
    QCOMPARE(usageRowsOf(*m_client, project), QJsonArray());
}

void tst_Messages::deleteOldMessagesKeepsCounters()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-retention");
    const QByteArray other = projectKey("msg-retention-other");
    const QString id = createConversation(prefix, project);
    const QString otherId = createConversation(prefix, other);
    QVERIFY(!id.isEmpty());
    QVERIFY(!otherId.isEmpty());
    const QJsonArray messages{
        QJsonObject{{"role", "user"}, {"content", "old 1"}, {"input_tokens", 3}},
        QJsonObject{{"role", "assistant"}, {"content", "old 2"}, {"metadata", QJsonObject{{"cost", 0.5}}}},
        QJsonObject{{"role", "user"}, {"content", "recent"}, {"output_tokens", 4}},
    };
    QCOMPARE(m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"), bodyOf(messages), apiKey(project))
                 .status,
             201);
    QCOMPARE(m_client->post(prefix + u'/' + otherId + QStringLiteral("/messages/batch"),
                            bodyOf(userMessages(2, "other")), apiKey(other))
                 .status,
             201);
    // Forty days old: the first two messages of the project and both of the other one.
    const QString age = QStringLiteral("UPDATE {{schema}}.messages SET created_at = now() - interval '40 days'"
                                       " WHERE conversation_id = CAST(:id AS uuid) AND position <= :last");
    m_database->exec(age, {{QStringLiteral("id"), id}, {QStringLiteral("last"), 2}});
    m_database->exec(age, {{QStringLiteral("id"), otherId}, {QStringLiteral("last"), 2}});
    const QJsonObject before = conversationOf(prefix, project, id);
    const QJsonArray messagesBefore = messagesOf(prefix, project, id);
    const QString path = prefix + QStringLiteral("/old-messages");

    const HttpResponse longer = m_client->send("DELETE", path + QStringLiteral("?retention_days=41"), {}, apiKey(project));
    const HttpResponse byDefault = m_client->send("DELETE", path, {}, apiKey(project));
    const HttpResponse again = m_client->send("DELETE", path + QStringLiteral("?retention_days=1"), {}, apiKey(project));

    QCOMPARE(longer.status, 200);
    QCOMPARE(longer.json().toObject(), (QJsonObject{{"deleted_count", 0}, {"retention_days", 41}}));
    QCOMPARE(byDefault.status, 200);
    QCOMPARE(byDefault.json().toObject(), (QJsonObject{{"deleted_count", 2}, {"retention_days", 30}}));
    QCOMPARE(again.json().toObject(), (QJsonObject{{"deleted_count", 0}, {"retention_days", 1}}));
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray{messagesBefore.at(2)});
    // Counters are lifetime totals.
    QCOMPARE(conversationOf(prefix, project, id), before);
    QCOMPARE(before.value("message_count"), QJsonValue(3));
    QCOMPARE(before.value("total_cost"), QJsonValue(0.5));
    // Only the other project's own cleanup deletes its old messages.
    QCOMPARE(messagesOf(prefix, other, otherId).size(), 2);
    const HttpResponse otherDelete = m_client->send("DELETE", path + QStringLiteral("?retention_days=30"), {}, apiKey(other));
    QCOMPARE(otherDelete.json().toObject(), (QJsonObject{{"deleted_count", 2}, {"retention_days", 30}}));
    QCOMPARE(messagesOf(prefix, other, otherId), QJsonArray());
    // A new message is numbered after the lifetime count, so it is stored and counted.
    QCOMPARE(m_client->post(prefix + u'/' + id + QStringLiteral("/messages"), R"({"role": "user"})", apiKey(project))
                 .status,
             201);
    QCOMPARE(messagesOf(prefix, project, id).size(), 2);
    QCOMPARE(conversationOf(prefix, project, id).value("message_count"), QJsonValue(4));
}

void tst_Messages::deleteOldMessagesRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("msg");
    QTest::addColumn<QString>("type");
    QTest::newRow("zero") << QStringLiteral("retention_days=0") << QStringLiteral("must be >= 1")
                          << QStringLiteral("value_error");
    QTest::newRow("negative") << QStringLiteral("retention_days=-5") << QStringLiteral("must be >= 1")
                              << QStringLiteral("value_error");
    QTest::newRow("above maximum") << QStringLiteral("retention_days=1000001") << QStringLiteral("must be <= 1000000")
                                   << QStringLiteral("value_error");
    QTest::newRow("word") << QStringLiteral("retention_days=month") << QStringLiteral("must be an integer")
                          << QStringLiteral("type_error");
    QTest::newRow("fraction") << QStringLiteral("retention_days=1.5") << QStringLiteral("must be an integer")
                              << QStringLiteral("type_error");
}

void tst_Messages::deleteOldMessagesRejectsBadQuery()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QString, query);
    QFETCH(QString, msg);
    QFETCH(QString, type);

    const HttpResponse response = m_client->send("DELETE", prefix + QStringLiteral("/old-messages?") + query, {},
                                                 apiKey(projectKey("msg-retention-query")));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), validationBody(QJsonArray{"query", "retention_days"}, msg, type));
    const HttpResponse maximum = m_client->send("DELETE", prefix + QStringLiteral("/old-messages?retention_days=1000000"),
                                                {}, apiKey(projectKey("msg-retention-query")));
    QCOMPARE(maximum.status, 200);
    QCOMPARE(maximum.json().toObject(), (QJsonObject{{"deleted_count", 0}, {"retention_days", 1000000}}));
}

void tst_Messages::getConversationLimitsMessages()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-get-limit");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const HttpResponse batch = m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"),
                                              bodyOf(userMessages(5, "limit")), apiKey(project));
    QCOMPARE(batch.status, 201);
    const QJsonArray stored = batch.json().toArray();
    const QString path = prefix + u'/' + id;

    const HttpResponse limited = m_client->get(path + QStringLiteral("?message_limit=2"), apiKey(project));
    const HttpResponse all = m_client->get(path, apiKey(project));
    const HttpResponse bare = m_client->get(path + QStringLiteral("?include_messages=false&message_limit=2"),
                                            apiKey(project));

    QCOMPARE(limited.status, 200);
    QCOMPARE(limited.json()["messages"].toArray(), (QJsonArray{stored.at(0), stored.at(1)}));
    QCOMPARE(limited.json()["message_count"], QJsonValue(5));
    QCOMPARE(all.json()["messages"].toArray(), stored);
    QCOMPARE(bare.status, 200);
    QVERIFY(!bare.json().toObject().contains("messages"));
    QCOMPARE(bare.json().toObject().size(), 13);
    QCOMPARE(bare.json()["last_message_at"], stored.at(4)["timestamp"]);
}

void tst_Messages::deleteConversationDeletesMessages()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray project = projectKey("msg-delete");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"), bodyOf(userMessages(3, "gone")),
                            apiKey(project))
                 .status,
             201);
    const QString count = QStringLiteral("SELECT count(*) FROM {{schema}}.messages WHERE conversation_id = CAST(:id AS uuid)");
    QCOMPARE(m_database->scalar(count, {{QStringLiteral("id"), id}}).toLongLong(), qint64(3));

    const HttpResponse response = m_client->send("DELETE", prefix + u'/' + id, {}, apiKey(project));

    QCOMPARE(response.status, 200);
    QCOMPARE(m_database->scalar(count, {{QStringLiteral("id"), id}}).toLongLong(), qint64(0));
    const HttpResponse list = m_client->get(prefix + u'/' + id + QStringLiteral("/messages"), apiKey(project));
    QCOMPARE(list.status, 404);
    QCOMPARE(list.body, NotFoundBody);
}

void tst_Messages::nulCharacterIsRejected_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<QByteArray>("body");

    const QString single = QStringLiteral("messages");
    const QString batch = QStringLiteral("messages/batch");
    QTest::newRow("content") << single << QByteArray(R"({"role": "user", "content": "a\u0000b"})");
    QTest::newRow("role") << single << QByteArray(R"({"role": "user\u0000"})");
    QTest::newRow("metadata value") << single << QByteArray(R"({"role": "user", "metadata": {"note": "\u0000"}})");
    QTest::newRow("metadata member name") << single << QByteArray(R"({"role": "user", "metadata": {"a\u0000": 1}})");
    QTest::newRow("tool_calls item") << single
                                     << QByteArray(R"({"role": "assistant", "tool_calls": [{"args": "x\u0000y"}]})");
    QTest::newRow("batch content") << batch
                                   << QByteArray(R"({"messages": [{"role": "user", "content": "ok"},
                                                  {"role": "user", "content": "\u0000"}]})");
    QTest::newRow("bare batch tool_results") << batch
                                             << QByteArray(R"([{"role": "tool", "tool_results": [{"out": "\u0000"}]}])");
    QTest::newRow("log content") << QStringLiteral("log")
                                 << QByteArray(ClientLogPayload).replace("Summarise this", "Summarise\\u0000this");
}

void tst_Messages::nulCharacterIsRejected()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QString, route);
    QFETCH(QByteArray, body);
    const QByteArray project = rowProjectKey("msg-nul");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QString path = route == QStringLiteral("log") ? prefix + QStringLiteral("/log")
                                                        : prefix + u'/' + id + u'/' + route;

    const HttpResponse response = m_client->post(path, body, apiKey(project));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject(), nulCharacterError(body.indexOf("\\u0000")));
    QCOMPARE(messagesOf(prefix, project, id), QJsonArray());
    QCOMPARE(m_client->get(prefix, apiKey(project)).json().toArray().size(), 1);
}

void tst_Messages::textRoundTripsExactly_data()
{
    QTest::addColumn<QString>("content");

    QTest::newRow("emoji") << QStringLiteral("👋🏽 family 👨‍👩‍👧 flag 🇯🇵 and 𝄞");
    QTest::newRow("arabic") << QStringLiteral("مرحبا بالعالم، كيف حالك؟");
    QTest::newRow("hebrew") << QStringLiteral("שלום עולם, מה שלומך?");
    QTest::newRow("mixed direction") << QStringLiteral("abc \u202Bשלום\u202C 123 مرحبا \u200F!");
    QTest::newRow("escapes and controls") << QStringLiteral("tab\tquote\" backslash\\ newline\n\u0001\u001F");
    // QString::fromUtf8 drops a leading U+FEFF, so this checks the read path keeps it.
    QTest::newRow("leading byte order mark") << QStringLiteral("\uFEFFstarts with a byte order mark");
    QTest::newRow("two byte order marks") << QStringLiteral("\uFEFF\uFEFFtwo marks");
    QString large;
    const QString unit = QStringLiteral("Ωмир😀 שלום مرحبا text ");
    while (large.toUtf8().size() < 1024 * 1024)
        large += unit.repeated(1024);
    QTest::newRow("1 MB") << large;
}

void tst_Messages::textRoundTripsExactly()
{
    QFETCH_GLOBAL(QString, prefix);
    QFETCH(QString, content);
    const QByteArray project = projectKey("msg-text");
    const QString id = createConversation(prefix, project);
    QVERIFY(!id.isEmpty());
    const QJsonObject request{{"role", "user"}, {"content", content}, {"metadata", QJsonObject{{"echo", content}}}};

    const HttpResponse single =
        m_client->post(prefix + u'/' + id + QStringLiteral("/messages"), bodyOf(request), apiKey(project));
    const HttpResponse batch = m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"),
                                              bodyOf(QJsonArray{request}), apiKey(project));

    QCOMPARE(single.status, 201);
    QCOMPARE(batch.status, 201);
    const QString hash = sha256Hex(content);
    const QJsonArray stored = messagesOf(prefix, project, id);
    QCOMPARE(stored.size(), 2);
    for (const QJsonValue &message : {single.json(), batch.json().toArray().at(0), stored.at(0), stored.at(1)}) {
        QVERIFY(message["content"].toString() == content);
        QCOMPARE(message["content_hash"].toString(), hash);
        QVERIFY(message["metadata"]["echo"].toString() == content);
    }
}

void tst_Messages::projectsAreIsolated()
{
    QFETCH_GLOBAL(QString, prefix);
    const QByteArray owner = projectKey("msg-owner");
    const QByteArray intruder = projectKey("msg-intruder");
    const QString id = createConversation(prefix, owner);
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_client->post(prefix + u'/' + id + QStringLiteral("/messages/batch"), bodyOf(userMessages(2, "owned")),
                            apiKey(owner))
                 .status,
             201);
    const HttpResponse before = m_client->get(prefix + u'/' + id, apiKey(owner));
    QCOMPARE(before.status, 200);
    const QString path = prefix + u'/' + id;

    const QList<HttpResponse> responses{
        m_client->get(path + QStringLiteral("/messages"), apiKey(intruder)),
        m_client->post(path + QStringLiteral("/messages"), R"({"role": "user", "content": "injected"})",
                       apiKey(intruder)),
        m_client->post(path + QStringLiteral("/messages/batch"), R"([{"role": "user", "content": "injected"}])",
                       apiKey(intruder)),
        m_client->post(path + QStringLiteral("/messages/batch"), R"({"messages": [], "logging_level": "none"})",
                       apiKey(intruder)),
        m_client->get(path, apiKey(intruder)),
        m_client->send("PATCH", path, R"({"title": "taken"})", apiKey(intruder)),
        m_client->send("DELETE", path, {}, apiKey(intruder)),
    };
    const HttpResponse cleanup = m_client->send("DELETE", prefix + QStringLiteral("/old-messages?retention_days=1"),
                                                {}, apiKey(intruder));

    for (const HttpResponse &response : responses) {
        QCOMPARE(response.status, 404);
        QCOMPARE(response.body, NotFoundBody);
    }
    QCOMPARE(cleanup.json().toObject(), (QJsonObject{{"deleted_count", 0}, {"retention_days", 1}}));
    const HttpResponse after = m_client->get(prefix + u'/' + id, apiKey(owner));
    QCOMPARE(after.status, 200);
    QCOMPARE(after.json(), before.json());
    QCOMPARE(after.json()["messages"].toArray().size(), 2);
}

QTEST_GUILESS_MAIN(tst_Messages)
#include "tst_messages.moc"
