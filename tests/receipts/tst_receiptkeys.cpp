// SPDX-License-Identifier: MIT
// Receipt key configuration: the LLMRING_RECEIPTS_* variables, the derived key id,
// rotated keys, the JWKS document, and the errors that stop the service at start.

#include "receipts/receiptkeys.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QTest>

using llmring::ReceiptKeys;

namespace {

// RFC 8032 section 7.1, TEST 1 and TEST 2: seeds and their public keys.
const QByteArray Seed1 = QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QByteArray Public1 = QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const QByteArray Public2 = QByteArray::fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QString base64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// "k_" and the first 16 hex digits of SHA-256 of the public key, computed here
// without the code under test.
QString expectedKeyId(const QByteArray &publicKey)
{
    return QStringLiteral("k_")
        + QString::fromLatin1(QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256).toHex().left(16));
}

QProcessEnvironment environmentWith(const QList<std::pair<QString, QString>> &variables)
{
    QProcessEnvironment environment;
    for (const auto &[name, value] : variables)
        environment.insert(name, value);
    return environment;
}

} // namespace

class tst_ReceiptKeys final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noKeys();
    void privateKeySigns();
    void matchingPublicKeyAccepted();
    void publicKeyOnlyVerifies();
    void keyIdOverride();
    void rotatedKeysAccepted();
    void invalidConfiguration_data();
    void invalidConfiguration();
};

void tst_ReceiptKeys::noKeys()
{
    QString error;

    const auto keys = ReceiptKeys::fromEnvironment(QProcessEnvironment(), &error);

    QVERIFY2(keys, qPrintable(error));
    QVERIFY(!keys->canSign());
    QVERIFY(!keys->hasActiveKey());
    QCOMPARE(keys->toJwks(), QJsonObject({{"keys", QJsonArray()}, {"current_key_id", QJsonValue::Null}}));
}

void tst_ReceiptKeys::privateKeySigns()
{
    QString error;

    // A trailing newline, as environment files often have, is not part of the key.
    const auto keys = ReceiptKeys::fromEnvironment(
        environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", base64Url(Seed1) + u'\n'}}), &error);

    QVERIFY2(keys, qPrintable(error));
    QVERIFY(keys->canSign());
    QCOMPARE(keys->activeKeyId(), expectedKeyId(Public1));
    QCOMPARE(keys->activeKey()->bytes(), Public1);
    QVERIFY(keys->keyFor(expectedKeyId(Public1)));
    QVERIFY(!keys->keyFor(QStringLiteral("k_unknown")));
    const QByteArray signature = keys->sign("message");
    QCOMPARE(signature.size(), 64);
    QVERIFY(keys->activeKey()->verify("message", signature));
    const QJsonArray jwks = keys->toJwks().value(QStringLiteral("keys")).toArray();
    QCOMPARE(jwks.size(), 1);
    QCOMPARE(jwks.first().toObject().value(QStringLiteral("status")), QJsonValue(QStringLiteral("active")));
    QCOMPARE(jwks.first().toObject().value(QStringLiteral("x")), QJsonValue(base64Url(Public1)));
}

void tst_ReceiptKeys::matchingPublicKeyAccepted()
{
    QString error;

    const auto keys = ReceiptKeys::fromEnvironment(
        environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", base64(Seed1)},
                         {"LLMRING_RECEIPTS_PUBLIC_KEY_B64", base64(Public1)}}),
        &error);

    QVERIFY2(keys, qPrintable(error));
    QVERIFY(keys->canSign());
}

void tst_ReceiptKeys::publicKeyOnlyVerifies()
{
    QString error;

    const auto keys =
        ReceiptKeys::fromEnvironment(environmentWith({{"LLMRING_RECEIPTS_PUBLIC_KEY_B64", base64(Public2)}}), &error);

    QVERIFY2(keys, qPrintable(error));
    QVERIFY(!keys->canSign());
    QVERIFY(keys->hasActiveKey());
    QCOMPARE(keys->activeKeyId(), expectedKeyId(Public2));
}

void tst_ReceiptKeys::keyIdOverride()
{
    QString error;

    const auto keys = ReceiptKeys::fromEnvironment(
        environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", base64(Seed1)}, {"LLMRING_RECEIPTS_KEY_ID", "k_2026-12"}}),
        &error);

    QVERIFY2(keys, qPrintable(error));
    QCOMPARE(keys->activeKeyId(), QStringLiteral("k_2026-12"));
    QCOMPARE(keys->toJwks().value(QStringLiteral("current_key_id")), QJsonValue(QStringLiteral("k_2026-12")));
}

void tst_ReceiptKeys::rotatedKeysAccepted()
{
    QString error;

    const auto keys = ReceiptKeys::fromEnvironment(
        environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", base64(Seed1)},
                         {"LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS",
                          "k_old:" + base64Url(Public2) + ", k:with:colons:" + base64(Public2)}}),
        &error);

    QVERIFY2(keys, qPrintable(error));
    QVERIFY(keys->keyFor(QStringLiteral("k_old")));
    QCOMPARE(keys->keyFor(QStringLiteral("k_old"))->bytes(), Public2);
    QVERIFY(keys->keyFor(QStringLiteral("k:with:colons")));
    const QJsonArray jwks = keys->toJwks().value(QStringLiteral("keys")).toArray();
    QCOMPARE(jwks.size(), 3);
    QCOMPARE(jwks.at(1).toObject().value(QStringLiteral("kid")), QJsonValue(QStringLiteral("k_old")));
    QCOMPARE(jwks.at(1).toObject().value(QStringLiteral("status")), QJsonValue(QStringLiteral("rotated")));
}

void tst_ReceiptKeys::invalidConfiguration_data()
{
    QTest::addColumn<QProcessEnvironment>("environment");
    QTest::addColumn<QString>("expectedError");

    const QString seed = base64(Seed1);
    QTest::newRow("private key of 31 bytes")
        << environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", base64(Seed1.left(31))}})
        << "LLMRING_RECEIPTS_PRIVATE_KEY_B64 is invalid: signing key has 31 bytes; expected a 32-byte Ed25519 seed "
           "or a 64-byte secret key (seed followed by public key)";
    QTest::newRow("private key not base64")
        << environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", "not*base64"}})
        << "LLMRING_RECEIPTS_PRIVATE_KEY_B64 is invalid: signing key is not valid base64 or base64url";
    QTest::newRow("public key of 33 bytes")
        << environmentWith({{"LLMRING_RECEIPTS_PUBLIC_KEY_B64", base64(Public1 + 'x')}})
        << "LLMRING_RECEIPTS_PUBLIC_KEY_B64 is invalid: public key has 33 bytes; an Ed25519 public key has 32";
    QTest::newRow("mismatched pair")
        << environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", seed}, {"LLMRING_RECEIPTS_PUBLIC_KEY_B64", base64(Public2)}})
        << "LLMRING_RECEIPTS_PUBLIC_KEY_B64 does not match LLMRING_RECEIPTS_PRIVATE_KEY_B64: it is not the public "
           "half of that private key; unset it to derive it, or set the matching pair";
    QTest::newRow("key id with a space")
        << environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", seed}, {"LLMRING_RECEIPTS_KEY_ID", "k 1"}})
        << "LLMRING_RECEIPTS_KEY_ID=k 1 is invalid: expected 1 to 128 characters from A-Z a-z 0-9 _ . : -";
    QTest::newRow("key id without a key")
        << environmentWith({{"LLMRING_RECEIPTS_KEY_ID", "k_1"}})
        << "LLMRING_RECEIPTS_KEY_ID is set but no receipt key is: set LLMRING_RECEIPTS_PRIVATE_KEY_B64 (or "
           "LLMRING_RECEIPTS_PUBLIC_KEY_B64)";
    QTest::newRow("rotated entry without key id")
        << environmentWith({{"LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS", base64(Public2)}})
        << "LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS is invalid: expected a comma list of key_id:public_key entries";
    QTest::newRow("rotated key too short")
        << environmentWith({{"LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS", "k_old:" + base64(Public2.left(16))}})
        << "LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS is invalid: the key of k_old: public key has 16 bytes; an Ed25519 "
           "public key has 32";
    QTest::newRow("rotated key id reused")
        << environmentWith({{"LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS",
                             "k_old:" + base64(Public2) + ",k_old:" + base64(Public1)}})
        << "LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS is invalid: key id k_old is used twice";
    QTest::newRow("rotated key id equals active")
        << environmentWith({{"LLMRING_RECEIPTS_PRIVATE_KEY_B64", seed},
                            {"LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS", expectedKeyId(Public1) + ':' + base64(Public2)}})
        << QStringLiteral("LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS is invalid: key id %1 is used twice")
               .arg(expectedKeyId(Public1));
}

void tst_ReceiptKeys::invalidConfiguration()
{
    QFETCH(QProcessEnvironment, environment);
    QFETCH(QString, expectedError);
    QString error;

    const auto keys = ReceiptKeys::fromEnvironment(environment, &error);

    QVERIFY(!keys);
    QCOMPARE(error, expectedError);
    QVERIFY(!error.contains(base64(Seed1)));
}

QTEST_GUILESS_MAIN(tst_ReceiptKeys)
#include "tst_receiptkeys.moc"
