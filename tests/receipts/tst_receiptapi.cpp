// SPDX-License-Identifier: MIT
// The project receipt routes against the real service: issuing, storing, fetching and
// listing receipts, their validation errors, and the separation between projects.

#include "httpclient.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include "json/canonicaljson.h"
#include "receipts/receiptkeys.h"
#include "receipts/signingkey.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

// RFC 8032 section 7.1, TEST 1 (the active key) and TEST 2 (a rotated key).
const QByteArray ActiveSeed = QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QByteArray ActivePublic = QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const QByteArray RotatedSeed = QByteArray::fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
const QByteArray RotatedPublic = QByteArray::fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
const QString ActiveKeyId = QStringLiteral("k_active");
const QString RotatedKeyId = QStringLiteral("k_rotated");

constexpr QByteArray::Base64Options UnpaddedBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

// A complete receipt without its signature.
QJsonObject receiptMembers(const QString &id, const QString &keyId = ActiveKeyId)
{
    return QJsonObject{
        {"id", id},
        {"timestamp", "2025-08-26T12:00:00Z"},
        {"model", "openai:gpt-4o"},
        {"alias", "summarizer"},
        {"profile", "default"},
        {"lock_digest", "sha256:3f1c"},
        {"key_id", keyId},
        {"tokens", QJsonObject{{"input", 1200}, {"output", 350}, {"cached_input", 200}}},
        {"cost", QJsonObject{{"amount", 0.00625}, {"calculation", "1000*2.5/1e6 + 200*1.25/1e6 + 350*10/1e6"}}},
    };
}

// A body for POST /api/v1/receipts/issue without id, timestamp, key_id, profile or cached_input.
QJsonObject issueRequest()
{
    return QJsonObject{
        {"model", "openai:gpt-4o"},
        {"alias", "summarizer"},
        {"lock_digest", "sha256:3f1c"},
        {"tokens", QJsonObject{{"input", 1200}, {"output", 350}}},
        {"cost", QJsonObject{{"amount", 0.0065}, {"calculation", "1200*2.5/1e6 + 350*10/1e6"}}},
    };
}

QByteArray signatureOf(const QJsonObject &members, const QByteArray &seed)
{
    const auto key = receipts::SigningKey::fromBytes(seed, nullptr);
    return key->sign(json::canonicalize(QJsonValue(members)));
}

// Signs the members with the given seed and adds the signature in the given encoding.
QJsonObject signedReceipt(const QJsonObject &members, const QByteArray &seed = ActiveSeed,
                          QByteArray::Base64Options encoding = UnpaddedBase64Url)
{
    QJsonObject receipt = members;
    receipt.insert("signature", QString::fromLatin1("ed25519:" + signatureOf(members, seed).toBase64(encoding)));
    return receipt;
}

QByteArray storeBody(const QJsonObject &receipt)
{
    return bodyOf(QJsonObject{{"receipt", receipt}});
}

QJsonObject storedBody(const QString &receiptId)
{
    return QJsonObject{{"receipt_id", receiptId}, {"status", "verified"}};
}

QJsonArray validationDetail(const QJsonArray &loc, const QString &msg, const QString &type)
{
    return QJsonArray{QJsonObject{{"loc", loc}, {"msg", msg}, {"type", type}}};
}

// The ids of a list response's receipts, in order.
QStringList listedIds(const QJsonObject &list)
{
    QStringList ids;
    for (const QJsonValue &receipt : list.value("receipts").toArray())
        ids.append(receipt.toObject().value("id").toString());
    return ids;
}

// Checks the signature of a receipt with the active public key, without the service.
bool verifiesWithActiveKey(const QJsonObject &receipt)
{
    const QString signature = receipt.value("signature").toString();
    if (!signature.startsWith(QLatin1String("ed25519:")))
        return false;
    const QByteArray bytes = QByteArray::fromBase64(signature.mid(8).toLatin1(), QByteArray::Base64UrlEncoding);
    const auto key = receipts::VerifyingKey::fromBytes(ActivePublic, nullptr);
    return key && key->verify(json::canonicalizeWithout(receipt, u"signature"), bytes);
}

} // namespace

class tst_ReceiptApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void issueSignsAndStores();
    void issueKeepsIdAndTimestamp();
    void issueIgnoresSignatureAndKeyId();
    void issueWithoutPrivateKey();
    void issueRejectsMalformed_data();
    void issueRejectsMalformed();

    void storeIsIdempotent();
    void storeReplayWithOtherFormatting();
    void issueIdAlreadyStored();
    void fetchUnknownOrInvalidId_data();
    void fetchUnknownOrInvalidId();
    void storeConflictingContent();
    void storeInvalidSignature_data();
    void storeInvalidSignature();
    void storeRotatedKey();
    void storeKeepsUnknownMember();
    void storeWithoutWrapper();
    void storeRejectsMalformed_data();
    void storeRejectsMalformed();
    void storeRejectsDuplicateMember();

    void listFilters_data();
    void listFilters();
    void listRejectsBadQuery_data();
    void listRejectsBadQuery();

    void projectsAreIsolated();

private:
    HttpResponse issue(const QByteArray &project, const QJsonObject &request);
    HttpResponse store(const QByteArray &project, const QJsonObject &receipt);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_ReceiptApi::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("receiptapi"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QProcessEnvironment environment;
    environment.insert("LLMRING_RECEIPTS_PRIVATE_KEY_B64", QString::fromLatin1(ActiveSeed.toBase64()));
    environment.insert("LLMRING_RECEIPTS_KEY_ID", ActiveKeyId);
    environment.insert("LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS",
                       RotatedKeyId + ':' + QString::fromLatin1(RotatedPublic.toBase64()));
    Settings settings = m_database->settings();
    QString error;
    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, &error);
    QVERIFY2(settings.receiptKeys, qPrintable(error));
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_ReceiptApi::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

HttpResponse tst_ReceiptApi::issue(const QByteArray &project, const QJsonObject &request)
{
    return m_client->post(QStringLiteral("/api/v1/receipts/issue"), bodyOf(request), apiKey(project));
}

HttpResponse tst_ReceiptApi::store(const QByteArray &project, const QJsonObject &receipt)
{
    return m_client->post(QStringLiteral("/api/v1/receipts"), storeBody(receipt), apiKey(project));
}

void tst_ReceiptApi::issueSignsAndStores()
{
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-5);

    const HttpResponse issued = issue("receiptapi-issue", issueRequest());

    QCOMPARE(issued.status, 201);
    const QJsonObject receipt = issued.json().toObject();
    const QString id = receipt.value("id").toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^rcpt_[0-9a-f]{16}$")).match(id).hasMatch(), qPrintable(id));
    const QDateTime timestamp = QDateTime::fromString(receipt.value("timestamp").toString(), Qt::ISODateWithMs);
    QVERIFY2(timestamp.isValid(), qPrintable(receipt.value("timestamp").toString()));
    QVERIFY(timestamp >= before);
    QVERIFY(timestamp <= QDateTime::currentDateTimeUtc().addSecs(5));
    QCOMPARE(receipt.value("key_id"), QJsonValue(ActiveKeyId));
    QCOMPARE(receipt.value("profile"), QJsonValue("default"));
    QCOMPARE(receipt.value("tokens").toObject(), QJsonObject({{"input", 1200}, {"output", 350}, {"cached_input", 0}}));
    QCOMPARE(receipt.value("model"), QJsonValue("openai:gpt-4o"));
    QCOMPARE(receipt.value("signature").toString().size(), 8 + 86);
    QVERIFY(verifiesWithActiveKey(receipt));

    const HttpResponse verified = m_client->post(QStringLiteral("/receipts/verify"), issued.body);
    QCOMPARE(verified.status, 200);
    QCOMPARE(verified.json().toObject(), QJsonObject({{"valid", true}, {"key_id", ActiveKeyId}, {"receipt_id", id}}));

    const HttpResponse fetched = m_client->get(QStringLiteral("/api/v1/receipts/") + id, apiKey("receiptapi-issue"));
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.body, issued.body);
}

void tst_ReceiptApi::issueKeepsIdAndTimestamp()
{
    QJsonObject request = issueRequest();
    request.insert("id", "rcpt_given.1");
    // Not in the service's own output form, so a rewritten timestamp would show.
    request.insert("timestamp", "2025-08-26T14:00:00.5+02:00");

    const HttpResponse issued = issue("receiptapi-given", request);
    const HttpResponse again = issue("receiptapi-given", request);

    QCOMPARE(issued.status, 201);
    const QJsonObject receipt = issued.json().toObject();
    QCOMPARE(receipt.value("id"), QJsonValue("rcpt_given.1"));
    QCOMPARE(receipt.value("timestamp"), QJsonValue("2025-08-26T14:00:00.5+02:00"));
    QVERIFY(verifiesWithActiveKey(receipt));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.detail(), QStringLiteral("Receipt id rcpt_given.1 is already used in this project"));
}

void tst_ReceiptApi::issueIgnoresSignatureAndKeyId()
{
    QJsonObject request = issueRequest();
    request.insert("key_id", RotatedKeyId);
    const QString givenSignature =
        QString::fromLatin1("ed25519:" + signatureOf(receiptMembers("rcpt_any"), RotatedSeed).toBase64(UnpaddedBase64Url));
    request.insert("signature", givenSignature);

    const HttpResponse issued = issue("receiptapi-ignore", request);

    QCOMPARE(issued.status, 201);
    const QJsonObject receipt = issued.json().toObject();
    QCOMPARE(receipt.value("key_id"), QJsonValue(ActiveKeyId));
    QVERIFY(receipt.value("signature").toString() != givenSignature);
    QVERIFY(verifiesWithActiveKey(receipt));
    const HttpResponse verified = m_client->post(QStringLiteral("/receipts/verify"), issued.body);
    QCOMPARE(verified.json().toObject().value("valid"), QJsonValue(true));
}

void tst_ReceiptApi::issueWithoutPrivateKey()
{
    QProcessEnvironment environment;
    environment.insert("LLMRING_RECEIPTS_PUBLIC_KEY_B64", QString::fromLatin1(ActivePublic.toBase64()));
    Settings settings = m_database->settings();
    QString error;
    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, &error);
    QVERIFY2(settings.receiptKeys, qPrintable(error));
    TestService service;
    QVERIFY2(service.start(settings, &error), qPrintable(error));
    HttpClient client(service.baseUrl());

    const HttpResponse response =
        client.post(QStringLiteral("/api/v1/receipts/issue"), bodyOf(issueRequest()), apiKey("receiptapi-verify-only"));

    QCOMPARE(response.status, 503);
    QCOMPARE(response.json().toObject(), QJsonObject({{"detail", "Receipt signing key not configured"}}));
}

void tst_ReceiptApi::issueRejectsMalformed_data()
{
    QTest::addColumn<QJsonObject>("request");
    QTest::addColumn<QJsonArray>("detail");

    QJsonObject missingModel = issueRequest();
    missingModel.remove("model");
    QTest::newRow("model missing") << missingModel
                                   << validationDetail({"body", "model"}, "field required", "missing");

    QJsonObject negativeInput = issueRequest();
    negativeInput.insert("tokens", QJsonObject{{"input", -1}, {"output", 350}});
    QTest::newRow("tokens.input negative")
        << negativeInput << validationDetail({"body", "tokens", "input"}, "must be >= 0", "value_error");

    QJsonObject badId = issueRequest();
    badId.insert("id", "rcpt with space");
    QTest::newRow("id with space")
        << badId
        << validationDetail({"body", "id"}, "must be 1 to 128 characters from A-Z a-z 0-9 _ . : -", "value_error");

    QJsonObject dateOnly = issueRequest();
    dateOnly.insert("timestamp", "2025-08-26");
    QTest::newRow("timestamp date only")
        << dateOnly << validationDetail({"body", "timestamp"}, "must be an RFC 3339 timestamp", "value_error");
}

void tst_ReceiptApi::issueRejectsMalformed()
{
    QFETCH(QJsonObject, request);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = issue("receiptapi-malformed", request);

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(), detail);
}

void tst_ReceiptApi::storeIsIdempotent()
{
    const QJsonObject members = receiptMembers("rcpt_store_1");
    const QByteArray project = "receiptapi-store";

    const HttpResponse first = store(project, signedReceipt(members));
    const HttpResponse again = store(project, signedReceipt(members));
    const HttpResponse padded = store(project, signedReceipt(members, ActiveSeed, QByteArray::Base64UrlEncoding));
    const HttpResponse standard = store(project, signedReceipt(members, ActiveSeed, QByteArray::Base64Encoding));

    QCOMPARE(first.status, 201);
    QCOMPARE(first.json().toObject(), storedBody("rcpt_store_1"));
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().toObject(), storedBody("rcpt_store_1"));
    QCOMPARE(padded.status, 200);
    QCOMPARE(padded.json().toObject(), storedBody("rcpt_store_1"));
    QCOMPARE(standard.status, 200);
    QCOMPARE(standard.json().toObject(), storedBody("rcpt_store_1"));

    const HttpResponse fetched = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_store_1"), apiKey(project));
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.json().toObject(), signedReceipt(members));
}

void tst_ReceiptApi::storeReplayWithOtherFormatting()
{
    const QByteArray project = "receiptapi-formatting";
    const QJsonObject receipt = signedReceipt(receiptMembers("rcpt_formatting"));
    const QString signature = receipt.value("signature").toString();
    // The same members in another order, with white space and numbers written as 1200.0,
    // 2e2 and 6.25e-3. The canonical form is unchanged, so this is a replay.
    const QByteArray reformatted =
        R"({ "receipt" : { "tokens": {"output": 350, "input": 1200.0, "cached_input": 2e2},)"
        R"( "signature": ")" + signature.toLatin1() + R"(",)"
        R"( "cost": {"calculation": "1000*2.5/1e6 + 200*1.25/1e6 + 350*10/1e6", "amount": 6.25e-3},)"
        R"( "alias": "summarizer", "model": "openai:gpt-4o", "lock_digest": "sha256:3f1c",)"
        R"( "key_id": "k_active", "profile": "default", "timestamp": "2025-08-26T12:00:00Z", "id": "rcpt_formatting" } })";

    const HttpResponse first = store(project, receipt);
    const HttpResponse replay = m_client->post(QStringLiteral("/api/v1/receipts"), reformatted, apiKey(project));

    QCOMPARE(first.status, 201);
    QCOMPARE(replay.status, 200);
    QCOMPARE(replay.json().toObject(), storedBody("rcpt_formatting"));
}

void tst_ReceiptApi::issueIdAlreadyStored()
{
    const QByteArray project = "receiptapi-issue-stored";
    QJsonObject request = issueRequest();
    request.insert("id", "rcpt_stored_first");

    const HttpResponse stored = store(project, signedReceipt(receiptMembers("rcpt_stored_first")));
    const HttpResponse issued = issue(project, request);
    const HttpResponse fetched = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_stored_first"), apiKey(project));

    QCOMPARE(stored.status, 201);
    QCOMPARE(issued.status, 409);
    QCOMPARE(issued.json().toObject(),
             QJsonObject({{"detail", "Receipt id rcpt_stored_first is already used in this project"}}));
    QCOMPARE(fetched.json().toObject(), signedReceipt(receiptMembers("rcpt_stored_first")));
}

void tst_ReceiptApi::fetchUnknownOrInvalidId_data()
{
    QTest::addColumn<QString>("path");

    QTest::newRow("unknown id") << QStringLiteral("/api/v1/receipts/rcpt_never_stored");
    QTest::newRow("id with a space") << QStringLiteral("/api/v1/receipts/rcpt%20x");
    QTest::newRow("id of 129 characters") << QStringLiteral("/api/v1/receipts/") + QString(129, u'a');
}

void tst_ReceiptApi::fetchUnknownOrInvalidId()
{
    QFETCH(QString, path);

    const HttpResponse response = m_client->get(path, apiKey("receiptapi-fetch"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.json().toObject(), QJsonObject({{"detail", "Receipt not found"}}));
}

void tst_ReceiptApi::storeConflictingContent()
{
    const QByteArray project = "receiptapi-conflict";
    QJsonObject changed = receiptMembers("rcpt_conflict");
    changed.insert("model", "openai:gpt-4o-mini");

    const HttpResponse first = store(project, signedReceipt(receiptMembers("rcpt_conflict")));
    const HttpResponse conflict = store(project, signedReceipt(changed));

    QCOMPARE(first.status, 201);
    QCOMPARE(conflict.status, 409);
    QCOMPARE(conflict.json().toObject(),
             QJsonObject({{"detail", "Receipt rcpt_conflict is already stored with other content"}}));

    const HttpResponse fetched = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_conflict"), apiKey(project));
    QCOMPARE(fetched.json().toObject().value("model"), QJsonValue("openai:gpt-4o"));
}

void tst_ReceiptApi::storeInvalidSignature_data()
{
    QTest::addColumn<QJsonObject>("receipt");

    QJsonObject tampered = signedReceipt(receiptMembers("rcpt_bad_1"));
    tampered.insert("model", "openai:gpt-4o-mini");
    QTest::newRow("model tampered") << tampered;

    QJsonObject tamperedTokens = signedReceipt(receiptMembers("rcpt_bad_2"));
    tamperedTokens.insert("tokens", QJsonObject{{"input", 1}, {"output", 350}, {"cached_input", 200}});
    QTest::newRow("tokens tampered") << tamperedTokens;

    QTest::newRow("unknown key_id") << signedReceipt(receiptMembers("rcpt_bad_3", "k_unknown"));
    QTest::newRow("signed with the rotated key under the active key_id")
        << signedReceipt(receiptMembers("rcpt_bad_4"), RotatedSeed);

    QJsonObject noPrefix = signedReceipt(receiptMembers("rcpt_bad_5"));
    noPrefix.insert("signature", noPrefix.value("signature").toString().mid(8));
    QTest::newRow("signature without prefix") << noPrefix;
}

void tst_ReceiptApi::storeInvalidSignature()
{
    QFETCH(QJsonObject, receipt);

    const HttpResponse response = store("receiptapi-invalid", receipt);
    const HttpResponse fetched =
        m_client->get(QStringLiteral("/api/v1/receipts/") + receipt.value("id").toString(), apiKey("receiptapi-invalid"));

    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().toObject(), QJsonObject({{"detail", "Invalid receipt signature"}}));
    QCOMPARE(fetched.status, 404);
}

void tst_ReceiptApi::storeRotatedKey()
{
    const QJsonObject receipt = signedReceipt(receiptMembers("rcpt_rotated", RotatedKeyId), RotatedSeed);

    const HttpResponse response = store("receiptapi-rotated", receipt);
    const HttpResponse fetched = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_rotated"), apiKey("receiptapi-rotated"));

    QCOMPARE(response.status, 201);
    QCOMPARE(response.json().toObject(), storedBody("rcpt_rotated"));
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.json().toObject(), receipt);
}

void tst_ReceiptApi::storeKeepsUnknownMember()
{
    QJsonObject members = receiptMembers("rcpt_extension");
    members.insert("client_extension", QJsonObject{{"trace", "abc/é"}, {"ratio", 1.5}, {"flags", QJsonArray{true, QJsonValue::Null}}});
    const QJsonObject receipt = signedReceipt(members);

    const HttpResponse response = store("receiptapi-extension", receipt);
    const HttpResponse fetched =
        m_client->get(QStringLiteral("/api/v1/receipts/rcpt_extension"), apiKey("receiptapi-extension"));

    QCOMPARE(response.status, 201);
    QCOMPARE(fetched.status, 200);
    const QJsonObject fetchedReceipt = fetched.json().toObject();
    QCOMPARE(fetchedReceipt.value("client_extension"), members.value("client_extension"));
    QCOMPARE(fetchedReceipt, receipt);
    QVERIFY(verifiesWithActiveKey(fetchedReceipt));
    const HttpResponse verified = m_client->post(QStringLiteral("/receipts/verify"), fetched.body);
    QCOMPARE(verified.json().toObject(),
             QJsonObject({{"valid", true}, {"key_id", ActiveKeyId}, {"receipt_id", "rcpt_extension"}}));
}

void tst_ReceiptApi::storeWithoutWrapper()
{
    const HttpResponse response = m_client->post(QStringLiteral("/api/v1/receipts"),
                                                 bodyOf(signedReceipt(receiptMembers("rcpt_bare"))),
                                                 apiKey("receiptapi-wrapper"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(),
             validationDetail({"body", "receipt"}, "field required", "missing"));
}

void tst_ReceiptApi::storeRejectsMalformed_data()
{
    QTest::addColumn<QJsonValue>("receipt");
    QTest::addColumn<QJsonArray>("detail");

    QJsonObject missingAlias = signedReceipt(receiptMembers("rcpt_malformed"));
    missingAlias.remove("alias");
    QTest::newRow("alias missing") << QJsonValue(missingAlias)
                                   << validationDetail({"body", "receipt", "alias"}, "field required", "missing");

    QJsonObject textTokens = signedReceipt(receiptMembers("rcpt_malformed"));
    textTokens.insert("tokens", QJsonObject{{"input", "1200"}, {"output", 350}});
    QTest::newRow("tokens.input a string")
        << QJsonValue(textTokens)
        << validationDetail({"body", "receipt", "tokens", "input"}, "must be an integer", "type_error");

    QJsonObject fractionTokens = signedReceipt(receiptMembers("rcpt_malformed"));
    fractionTokens.insert("tokens", QJsonObject{{"input", 1200}, {"output", 1.5}});
    QTest::newRow("tokens.output a fraction")
        << QJsonValue(fractionTokens)
        << validationDetail({"body", "receipt", "tokens", "output"}, "must be an integer", "type_error");

    QJsonObject tokensArray = signedReceipt(receiptMembers("rcpt_malformed"));
    tokensArray.insert("tokens", QJsonArray{1200, 350});
    QTest::newRow("tokens an array") << QJsonValue(tokensArray)
                                     << validationDetail({"body", "receipt", "tokens"}, "must be an object", "type_error");

    QJsonObject missingSignature = receiptMembers("rcpt_malformed");
    QTest::newRow("signature missing")
        << QJsonValue(missingSignature) << validationDetail({"body", "receipt", "signature"}, "field required", "missing");

    QJsonObject negativeCost = signedReceipt(receiptMembers("rcpt_malformed"));
    negativeCost.insert("cost", QJsonObject{{"amount", -0.5}, {"calculation", "refund"}});
    QTest::newRow("cost.amount negative")
        << QJsonValue(negativeCost) << validationDetail({"body", "receipt", "cost", "amount"}, "must be >= 0", "value_error");

    QTest::newRow("receipt a string") << QJsonValue("rcpt_malformed")
                                      << validationDetail({"body", "receipt"}, "must be a JSON object", "type_error");
}

void tst_ReceiptApi::storeRejectsMalformed()
{
    QFETCH(QJsonValue, receipt);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = m_client->post(QStringLiteral("/api/v1/receipts"),
                                                 bodyOf(QJsonObject{{"receipt", receipt}}), apiKey("receiptapi-malformed"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(), detail);
}

void tst_ReceiptApi::storeRejectsDuplicateMember()
{
    const QByteArray prefix = R"({"receipt":{)";
    QByteArray body = storeBody(signedReceipt(receiptMembers("rcpt_duplicate")));
    QVERIFY(body.startsWith(prefix));
    body.insert(prefix.size(), R"("model":"anthropic:claude",)");

    const HttpResponse response = m_client->post(QStringLiteral("/api/v1/receipts"), body, apiKey("receiptapi-duplicate"));
    const HttpResponse fetched =
        m_client->get(QStringLiteral("/api/v1/receipts/rcpt_duplicate"), apiKey("receiptapi-duplicate"));

    QCOMPARE(response.status, 422);
    const QJsonArray detail = response.json().toObject().value("detail").toArray();
    QCOMPARE(detail.size(), 1);
    const QJsonObject error = detail.first().toObject();
    QCOMPARE(error.value("type"), QJsonValue("json_invalid"));
    QCOMPARE(error.value("loc").toArray().first(), QJsonValue("body"));
    QVERIFY2(error.value("msg").toString().contains(QLatin1String("duplicate member name")),
             qPrintable(error.value("msg").toString()));
    QCOMPARE(fetched.status, 404);
}

void tst_ReceiptApi::listFilters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("offset");

    // The stored receipts (see listFilters), newest first by their own timestamps:
    // rcpt_list_4 2025-01-12T04:00Z openai:gpt-4o chat,
    // rcpt_list_3 2025-01-12T00:00Z openai:gpt-4o chat,
    // rcpt_list_2 2025-01-11T23:30Z anthropic:claude summarizer,
    // rcpt_list_1 2025-01-10T08:00Z openai:gpt-4o summarizer.
    const QStringList all{"rcpt_list_4", "rcpt_list_3", "rcpt_list_2", "rcpt_list_1"};
    QTest::newRow("defaults") << QString() << all << 4 << 100 << 0;
    QTest::newRow("first page") << "limit=2" << QStringList{"rcpt_list_4", "rcpt_list_3"} << 4 << 2 << 0;
    QTest::newRow("second page") << "limit=2&offset=2" << QStringList{"rcpt_list_2", "rcpt_list_1"} << 4 << 2 << 2;
    QTest::newRow("offset in the middle") << "limit=2&offset=1" << QStringList{"rcpt_list_3", "rcpt_list_2"} << 4 << 2 << 1;
    QTest::newRow("offset past the end") << "offset=4" << QStringList() << 4 << 100 << 4;
    QTest::newRow("limit 1000") << "limit=1000" << all << 4 << 1000 << 0;
    QTest::newRow("model") << "model=openai:gpt-4o" << QStringList{"rcpt_list_4", "rcpt_list_3", "rcpt_list_1"} << 3
                           << 100 << 0;
    QTest::newRow("model, no match") << "model=openai:gpt-4" << QStringList() << 0 << 100 << 0;
    QTest::newRow("alias") << "alias=chat" << QStringList{"rcpt_list_4", "rcpt_list_3"} << 2 << 100 << 0;
    QTest::newRow("model and alias") << "model=openai:gpt-4o&alias=summarizer" << QStringList{"rcpt_list_1"} << 1
                                     << 100 << 0;
    QTest::newRow("start_date as date") << "start_date=2025-01-11"
                                        << QStringList{"rcpt_list_4", "rcpt_list_3", "rcpt_list_2"} << 3 << 100 << 0;
    QTest::newRow("end_date as date includes the day")
        << "end_date=2025-01-11" << QStringList{"rcpt_list_2", "rcpt_list_1"} << 2 << 100 << 0;
    QTest::newRow("start_date and end_date as timestamps")
        << "start_date=2025-01-11T12:00:00Z&end_date=2025-01-12T02:00:00Z"
        << QStringList{"rcpt_list_3", "rcpt_list_2"} << 2 << 100 << 0;
    QTest::newRow("date range and model with paging")
        << "start_date=2025-01-10&end_date=2025-01-12&model=openai:gpt-4o&limit=1&offset=1"
        << QStringList{"rcpt_list_3"} << 3 << 1 << 1;
}

void tst_ReceiptApi::listFilters()
{
    QFETCH(QString, query);
    QFETCH(QStringList, ids);
    QFETCH(int, total);
    QFETCH(int, limit);
    QFETCH(int, offset);

    // Stored out of timestamp order, so the order of the list comes from the timestamps.
    const QByteArray project = "receiptapi-list";
    const auto signedListReceipt = [](const QString &id, const QString &timestamp, const QString &model, const QString &alias) {
        QJsonObject members = receiptMembers(id);
        members.insert("timestamp", timestamp);
        members.insert("model", model);
        members.insert("alias", alias);
        return signedReceipt(members);
    };
    const QList<QJsonObject> receipts{
        signedListReceipt("rcpt_list_3", "2025-01-12T00:00:00Z", "openai:gpt-4o", "chat"),
        signedListReceipt("rcpt_list_1", "2025-01-10T08:00:00Z", "openai:gpt-4o", "summarizer"),
        signedListReceipt("rcpt_list_4", "2025-01-12T09:00:00+05:00", "openai:gpt-4o", "chat"),
        signedListReceipt("rcpt_list_2", "2025-01-11T23:30:00Z", "anthropic:claude", "summarizer"),
    };
    for (const QJsonObject &receipt : receipts) {
        const HttpResponse stored = store(project, receipt);
        QVERIFY2(stored.status == 201 || stored.status == 200, stored.body.constData());
    }

    const HttpResponse response =
        m_client->get(QStringLiteral("/api/v1/receipts") + (query.isEmpty() ? QString() : '?' + query), apiKey(project));

    QCOMPARE(response.status, 200);
    const QJsonObject list = response.json().toObject();
    QCOMPARE(listedIds(list), ids);
    QCOMPARE(list.value("total"), QJsonValue(total));
    QCOMPARE(list.value("limit"), QJsonValue(limit));
    QCOMPARE(list.value("offset"), QJsonValue(offset));
    QCOMPARE(list.keys(), QStringList({"limit", "offset", "receipts", "total"}));
    for (const QJsonValue &listed : list.value("receipts").toArray()) {
        const QString id = listed.toObject().value("id").toString();
        const HttpResponse fetched = m_client->get(QStringLiteral("/api/v1/receipts/") + id, apiKey(project));
        QCOMPARE(listed.toObject(), fetched.json().toObject());
    }
}

void tst_ReceiptApi::listRejectsBadQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QJsonArray>("detail");

    QTest::newRow("limit 0") << "limit=0" << validationDetail({"query", "limit"}, "must be >= 1", "value_error");
    QTest::newRow("limit 1001") << "limit=1001" << validationDetail({"query", "limit"}, "must be <= 1000", "value_error");
    QTest::newRow("offset -1") << "offset=-1" << validationDetail({"query", "offset"}, "must be >= 0", "value_error");
    QTest::newRow("start after end") << "start_date=2025-01-13&end_date=2025-01-11"
                                     << validationDetail({"query", "start_date"}, "must be before end_date", "value_error");
    QTest::newRow("start_date not a date")
        << "start_date=yesterday"
        << validationDetail({"query", "start_date"}, "must be an RFC 3339 timestamp or a YYYY-MM-DD date", "value_error");
}

void tst_ReceiptApi::listRejectsBadQuery()
{
    QFETCH(QString, query);
    QFETCH(QJsonArray, detail);

    const HttpResponse response = m_client->get(QStringLiteral("/api/v1/receipts?") + query, apiKey("receiptapi-query"));

    QCOMPARE(response.status, 422);
    QCOMPARE(response.json().toObject().value("detail").toArray(), detail);
}

void tst_ReceiptApi::projectsAreIsolated()
{
    const HeaderList projectA = apiKey("receiptapi-project-a");
    const HeaderList projectB = apiKey("receiptapi-project-b");
    const QJsonObject shared = signedReceipt(receiptMembers("rcpt_shared"));
    QJsonObject issueWithId = issueRequest();
    issueWithId.insert("id", "rcpt_issued_a");

    const HttpResponse storedA = store("receiptapi-project-a", shared);
    const HttpResponse issuedA = issue("receiptapi-project-a", issueWithId);
    QCOMPARE(storedA.status, 201);
    QCOMPARE(issuedA.status, 201);

    const HttpResponse storedByB = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_shared"), projectB);
    const HttpResponse issuedByB = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_issued_a"), projectB);
    const HttpResponse listB = m_client->get(QStringLiteral("/api/v1/receipts"), projectB);
    QCOMPARE(storedByB.status, 404);
    QCOMPARE(storedByB.json().toObject(), QJsonObject({{"detail", "Receipt not found"}}));
    QCOMPARE(issuedByB.status, 404);
    QCOMPARE(issuedByB.json().toObject(), QJsonObject({{"detail", "Receipt not found"}}));
    QCOMPARE(listB.status, 200);
    QCOMPARE(listB.json().toObject(),
             QJsonObject({{"receipts", QJsonArray()}, {"total", 0}, {"limit", 100}, {"offset", 0}}));

    const HttpResponse storeB = store("receiptapi-project-b", shared);
    const HttpResponse issueB = issue("receiptapi-project-b", issueWithId);
    QCOMPARE(storeB.status, 201);
    QCOMPARE(storeB.json().toObject(), storedBody("rcpt_shared"));
    QCOMPARE(issueB.status, 201);

    const HttpResponse fetchedA = m_client->get(QStringLiteral("/api/v1/receipts/rcpt_issued_a"), projectA);
    const HttpResponse listA = m_client->get(QStringLiteral("/api/v1/receipts"), projectA);
    const HttpResponse replayA = store("receiptapi-project-a", shared);
    QCOMPARE(fetchedA.status, 200);
    QCOMPARE(fetchedA.body, issuedA.body);
    QCOMPARE(listA.json().toObject().value("total"), QJsonValue(2));
    QCOMPARE(replayA.status, 200);

    const HttpResponse noKey = m_client->get(QStringLiteral("/api/v1/receipts"));
    QCOMPARE(noKey.status, 401);
    QCOMPARE(noKey.detail(), QStringLiteral("X-API-Key header required"));
}

QTEST_GUILESS_MAIN(tst_ReceiptApi)
#include "tst_receiptapi.moc"
