// SPDX-License-Identifier: MIT
// The public receipt routes against the real service: the PEM and JWKS documents, and
// POST /receipts/verify for valid, tampered, unknown-key, rotated-key and malformed
// receipts.

#include "httpclient.h"
#include "responsechecks.h"
#include "testdatabase.h"
#include "testservice.h"

#include "json/canonicaljson.h"
#include "receipts/receiptkeys.h"
#include "receipts/signingkey.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

QJsonObject unsignedReceipt(const QString &keyId)
{
    return QJsonObject{
        {"id", "rcpt_0001"},
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

// Signs with the given seed, encoding the signature with `encoding` (the accepted forms).
QJsonObject signedReceipt(const QJsonObject &members, const QByteArray &seed,
                          QByteArray::Base64Options encoding = QByteArray::Base64UrlEncoding
                                                               | QByteArray::OmitTrailingEquals)
{
    const auto key = receipts::SigningKey::fromBytes(seed, nullptr);
    QJsonObject receipt = members;
    const QByteArray signature = key->sign(json::canonicalize(QJsonValue(members)));
    receipt.insert("signature", QString::fromLatin1("ed25519:" + signature.toBase64(encoding)));
    return receipt;
}

} // namespace

class tst_ReceiptRoutes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void publicKeyPem();
    void publicKeySet();
    void verification_data();
    void verification();
    void duplicateMemberIsMalformed();
    void notJsonIsMalformed();
    void noKeyConfigured();

private:
    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_ReceiptRoutes::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("receiptroutes"));
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

void tst_ReceiptRoutes::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

void tst_ReceiptRoutes::publicKeyPem()
{
    // SubjectPublicKeyInfo for Ed25519: a fixed 12-byte DER prefix, then the key.
    const QByteArray der = QByteArray::fromHex("302a300506032b6570032100") + ActivePublic;
    const QByteArray expected = "-----BEGIN PUBLIC KEY-----\n" + der.toBase64() + "\n-----END PUBLIC KEY-----\n";

    const HttpResponse response = m_client->get(QStringLiteral("/receipts/public-key.pem"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/x-pem-file"));
    QCOMPARE(response.body, expected);
}

void tst_ReceiptRoutes::publicKeySet()
{
    const auto x = [](const QByteArray &key) {
        return QString::fromLatin1(key.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    const QJsonObject expected{
        {"keys", QJsonArray{QJsonObject{{"kid", ActiveKeyId}, {"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x(ActivePublic)},
                                        {"alg", "EdDSA"}, {"use", "sig"}, {"status", "active"}},
                            QJsonObject{{"kid", RotatedKeyId}, {"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x(RotatedPublic)},
                                        {"alg", "EdDSA"}, {"use", "sig"}, {"status", "rotated"}}}},
        {"current_key_id", ActiveKeyId},
    };

    const HttpResponse response = m_client->get(QStringLiteral("/receipts/public-keys.json"));

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(), expected);
}

void tst_ReceiptRoutes::verification_data()
{
    QTest::addColumn<QJsonObject>("receipt");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("reason");

    const QJsonObject good = signedReceipt(unsignedReceipt(ActiveKeyId), ActiveSeed);
    QTest::newRow("valid") << good << true << QString();
    QTest::newRow("valid, padded base64url signature")
        << signedReceipt(unsignedReceipt(ActiveKeyId), ActiveSeed, QByteArray::Base64UrlEncoding) << true << QString();
    QTest::newRow("valid, standard base64 signature")
        << signedReceipt(unsignedReceipt(ActiveKeyId), ActiveSeed, QByteArray::Base64Encoding) << true << QString();
    QTest::newRow("rotated key") << signedReceipt(unsignedReceipt(RotatedKeyId), RotatedSeed) << true << QString();

    QJsonObject withExtension = unsignedReceipt(ActiveKeyId);
    withExtension.insert("client_extension", QJsonObject{{"trace", "abc"}});
    const QJsonObject signedExtension = signedReceipt(withExtension, ActiveSeed);
    QTest::newRow("unknown member signed") << signedExtension << true << QString();
    QJsonObject extensionRemoved = signedExtension;
    extensionRemoved.remove("client_extension");
    QTest::newRow("unknown member removed") << extensionRemoved << false << "bad signature";

    QJsonObject tamperedModel = good;
    tamperedModel.insert("model", "openai:gpt-4o-mini");
    QTest::newRow("model tampered") << tamperedModel << false << "bad signature";
    QJsonObject tamperedCost = good;
    tamperedCost.insert("cost", QJsonObject{{"amount", 0.00624}, {"calculation", good["cost"]["calculation"]}});
    QTest::newRow("cost tampered") << tamperedCost << false << "bad signature";
    QTest::newRow("signed with another key")
        << signedReceipt(unsignedReceipt(ActiveKeyId), RotatedSeed) << false << "bad signature";
    QTest::newRow("unknown key_id") << signedReceipt(unsignedReceipt("k_unknown"), ActiveSeed) << false
                                    << "unknown key_id";
    QJsonObject noPrefix = good;
    noPrefix.insert("signature", good["signature"].toString().mid(8));
    QTest::newRow("signature without prefix") << noPrefix << false << "malformed signature";
    QJsonObject shortSignature = good;
    shortSignature.insert("signature", "ed25519:AAAA");
    QTest::newRow("signature of 3 bytes") << shortSignature << false << "malformed signature";
    QJsonObject missingModel = good;
    missingModel.remove("model");
    QTest::newRow("model missing") << missingModel << false << "malformed receipt";
    QJsonObject wrongTokens = good;
    wrongTokens.insert("tokens", QJsonObject{{"input", "1200"}, {"output", 350}});
    QTest::newRow("tokens mistyped") << wrongTokens << false << "malformed receipt";
}

void tst_ReceiptRoutes::verification()
{
    QFETCH(QJsonObject, receipt);
    QFETCH(bool, valid);
    QFETCH(QString, reason);

    const HttpResponse response = m_client->post(QStringLiteral("/receipts/verify"), bodyOf(receipt));

    QCOMPARE(response.status, 200);
    const QJsonObject result = response.json().toObject();
    QCOMPARE(result.value("valid"), QJsonValue(valid));
    QCOMPARE(result.value("key_id"), receipt.value("key_id"));
    QCOMPARE(result.value("receipt_id"), QJsonValue("rcpt_0001"));
    QCOMPARE(result.value("reason"), reason.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(reason));
}

void tst_ReceiptRoutes::duplicateMemberIsMalformed()
{
    QByteArray body = bodyOf(signedReceipt(unsignedReceipt(ActiveKeyId), ActiveSeed));
    body.insert(1, R"("model":"anthropic:claude",)");

    const HttpResponse response = m_client->post(QStringLiteral("/receipts/verify"), body);

    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().toObject(),
             QJsonObject({{"valid", false}, {"key_id", QJsonValue::Null}, {"receipt_id", QJsonValue::Null},
                          {"reason", "malformed receipt"}}));
}

void tst_ReceiptRoutes::notJsonIsMalformed()
{
    const HttpResponse notJson = m_client->post(QStringLiteral("/receipts/verify"), "not json");
    const HttpResponse textPlain = m_client->post(QStringLiteral("/receipts/verify"), "{}", {{"Content-Type", "text/plain"}});

    QCOMPARE(notJson.status, 200);
    QCOMPARE(notJson.json().toObject().value("reason"), QJsonValue("malformed receipt"));
    QCOMPARE(textPlain.status, 415);
    QCOMPARE(textPlain.detail(), QStringLiteral("Content-Type must be application/json"));
}

void tst_ReceiptRoutes::noKeyConfigured()
{
    TestService service;
    QString error;
    QVERIFY2(service.start(m_database->settings(), &error), qPrintable(error));
    HttpClient client(service.baseUrl());

    const HttpResponse pem = client.get(QStringLiteral("/receipts/public-key.pem"));
    const HttpResponse keys = client.get(QStringLiteral("/receipts/public-keys.json"));
    const HttpResponse verify = client.post(QStringLiteral("/receipts/verify"),
                                            bodyOf(signedReceipt(unsignedReceipt(ActiveKeyId), ActiveSeed)));

    QCOMPARE(pem.status, 404);
    QCOMPARE(pem.detail(), QStringLiteral("Receipt signing key not configured"));
    QCOMPARE(keys.status, 200);
    QCOMPARE(keys.json().toObject(), QJsonObject({{"keys", QJsonArray()}, {"current_key_id", QJsonValue::Null}}));
    QCOMPARE(verify.json().toObject().value("reason"), QJsonValue("unknown key_id"));
}

QTEST_GUILESS_MAIN(tst_ReceiptRoutes)
#include "tst_receiptroutes.moc"
