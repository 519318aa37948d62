// SPDX-License-Identifier: MIT
// Tests for receipt signing: the RFC 8032 Ed25519 vectors through SigningKey and
// VerifyingKey, key parsing with its exact messages, key id, PEM and JWK output, and
// the "ed25519:" signature encoding. Expected encodings are built with Qt, not libsodium.

#include "receipts/base64.h"
#include "receipts/signatureencoding.h"
#include "receipts/signingkey.h"
#include "receipts/verifyingkey.h"

#include <QCryptographicHash>
#include <QJsonObject>
#include <QTest>

#include <utility>

using namespace Qt::StringLiterals;
using llmring::receipts::SigningKey;
using llmring::receipts::VerifyingKey;

namespace {

// RFC 8032 section 7.1, TEST 1: the empty message.
const QByteArray Test1Seed =
    QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QByteArray Test1PublicKey =
    QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const QByteArray Test1Signature = QByteArray::fromHex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

// RFC 8032 section 7.1, TEST 2: the one-byte message 0x72.
const QByteArray Test2Seed =
    QByteArray::fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
const QByteArray Test2PublicKey =
    QByteArray::fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");

// The 12 DER bytes of an Ed25519 SubjectPublicKeyInfo before the key (RFC 8410).
const QByteArray SpkiPrefix = QByteArray::fromHex("302a300506032b6570032100");

constexpr auto UrlUnpadded = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr auto UrlPadded = QByteArray::Base64UrlEncoding;
constexpr auto StandardUnpadded = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;
constexpr auto StandardPadded = QByteArray::Base64Encoding;

QByteArray flipBit(QByteArray bytes, qsizetype index)
{
    bytes[index] = char(bytes[index] ^ 0x01);
    return bytes;
}

// A deterministic byte string of the given length, for inputs whose content is irrelevant.
QByteArray patternBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(i * 7 + 3);
    return bytes;
}

QString signatureText(const QByteArray &bytes, QByteArray::Base64Options options)
{
    return u"ed25519:"_s + QString::fromLatin1(bytes.toBase64(options));
}

} // namespace

class tst_Ed25519 final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sha512OfAbcMatchesVector();
    void signsRfc8032Vectors_data();
    void signsRfc8032Vectors();
    void parsesSigningKeys_data();
    void parsesSigningKeys();
    void rejectsSigningKeys_data();
    void rejectsSigningKeys();
    void movedSigningKeyIsWiped();
    void parsesVerifyingKeys_data();
    void parsesVerifyingKeys();
    void rejectsVerifyingKeys_data();
    void rejectsVerifyingKeys();
    void verifyRejectsMalformedInput();
    void keyIdOfKnownKey();
    void pemOfTest1Key();
    void jwkMembers();
    void decodesBase64Variants_data();
    void decodesBase64Variants();
    void rejectsInvalidBase64_data();
    void rejectsInvalidBase64();
    void encodesSignature();
    void encodeSignatureRejectsWrongLength();
    void decodesSignatureForms_data();
    void decodesSignatureForms();
    void rejectsSignatureText_data();
    void rejectsSignatureText();
};

// TEST SHA(abc) signs the SHA-512 digest of "abc". This check pins the message that
// the vector table below spells out in hex.
void tst_Ed25519::sha512OfAbcMatchesVector()
{
    const QByteArray digest = QCryptographicHash::hash("abc", QCryptographicHash::Sha512);

    QCOMPARE(digest.toHex(),
             QByteArray("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
}

void tst_Ed25519::signsRfc8032Vectors_data()
{
    QTest::addColumn<QByteArray>("seed");
    QTest::addColumn<QByteArray>("publicKey");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("signature");

    QTest::newRow("TEST 1") << Test1Seed << Test1PublicKey << QByteArray() << Test1Signature;
    QTest::newRow("TEST 2") << Test2Seed << Test2PublicKey << QByteArray::fromHex("72")
                            << QByteArray::fromHex(
                                   "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                                   "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    QTest::newRow("TEST 3")
        << QByteArray::fromHex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")
        << QByteArray::fromHex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025")
        << QByteArray::fromHex("af82")
        << QByteArray::fromHex(
               "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
               "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
    QTest::newRow("TEST SHA(abc)")
        << QByteArray::fromHex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
        << QByteArray::fromHex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")
        << QByteArray::fromHex(
               "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
               "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        << QByteArray::fromHex(
               "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
               "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704");
}

void tst_Ed25519::signsRfc8032Vectors()
{
    QFETCH(QByteArray, seed);
    QFETCH(QByteArray, publicKey);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, signature);

    QString error;
    const std::optional<SigningKey> fromSeed = SigningKey::fromBase64(seed.toBase64(), &error);
    QVERIFY2(fromSeed, qPrintable(error));
    QCOMPARE(fromSeed->publicKey().bytes().toHex(), publicKey.toHex());
    QCOMPARE(fromSeed->sign(message).toHex(), signature.toHex());

    // The 64-byte secret key form must sign identically.
    const std::optional<SigningKey> fromSecretKey =
        SigningKey::fromBase64((seed + publicKey).toBase64(UrlUnpadded), &error);
    QVERIFY2(fromSecretKey, qPrintable(error));
    QCOMPARE(fromSecretKey->sign(message).toHex(), signature.toHex());

    const std::optional<VerifyingKey> verifyingKey =
        VerifyingKey::fromBase64(publicKey.toBase64(UrlUnpadded), &error);
    QVERIFY2(verifyingKey, qPrintable(error));
    QVERIFY(*verifyingKey == fromSeed->publicKey());
    QVERIFY(verifyingKey->verify(message, signature));

    // TEST 1 has an empty message, so there the altered message is one extra byte.
    const QByteArray alteredMessage = message.isEmpty() ? QByteArray(1, '\0') : flipBit(message, 0);
    QVERIFY(!verifyingKey->verify(alteredMessage, signature));
    if (!message.isEmpty())
        QVERIFY(!verifyingKey->verify(flipBit(message, message.size() - 1), signature));

    // Bytes 0-31 of a signature are the point R and bytes 32-63 the scalar S.
    for (const qsizetype index : {0, 31, 32, 63}) {
        QVERIFY2(!verifyingKey->verify(message, flipBit(signature, index)),
                 qPrintable(u"flipped bit in signature byte %1 still verified"_s.arg(index)));
    }
}

void tst_Ed25519::parsesSigningKeys_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expectedPublicKey");

    // TEST 1's seed has '/' in standard base64, so the base64url rows differ from it.
    QVERIFY(Test1Seed.toBase64().contains('/'));
    QTest::newRow("seed, base64 padded") << Test1Seed.toBase64(StandardPadded) << Test1PublicKey;
    QTest::newRow("seed, base64 unpadded") << Test1Seed.toBase64(StandardUnpadded) << Test1PublicKey;
    QTest::newRow("seed, base64url padded") << Test1Seed.toBase64(UrlPadded) << Test1PublicKey;
    QTest::newRow("seed, base64url unpadded") << Test1Seed.toBase64(UrlUnpadded) << Test1PublicKey;

    const QByteArray secretKey = Test1Seed + Test1PublicKey;
    QTest::newRow("secret key, base64 padded") << secretKey.toBase64(StandardPadded) << Test1PublicKey;
    QTest::newRow("secret key, base64 unpadded") << secretKey.toBase64(StandardUnpadded) << Test1PublicKey;
    QTest::newRow("secret key, base64url padded") << secretKey.toBase64(UrlPadded) << Test1PublicKey;
    QTest::newRow("secret key, base64url unpadded") << secretKey.toBase64(UrlUnpadded) << Test1PublicKey;
}

void tst_Ed25519::parsesSigningKeys()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expectedPublicKey);

    QString error = u"stale"_s;
    const std::optional<SigningKey> key = SigningKey::fromBase64(text, &error);

    QVERIFY2(key, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(key->publicKey().bytes().toHex(), expectedPublicKey.toHex());
}

void tst_Ed25519::rejectsSigningKeys_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expectedError");

    const auto lengthError = [](int size) {
        return u"signing key has %1 bytes; expected a 32-byte Ed25519 seed or a 64-byte secret key "
               "(seed followed by public key)"_s.arg(size);
    };
    const QString invalidError = u"signing key is not valid base64 or base64url"_s;

    QTest::newRow("empty") << QByteArray() << lengthError(0);
    for (const int size : {31, 33, 63, 65}) {
        const QByteArray name = QByteArray::number(size) + " bytes";
        QTest::newRow(name.constData()) << patternBytes(size).toBase64() << lengthError(size);
    }
    QTest::newRow("public half of another key")
        << (Test1Seed + Test2PublicKey).toBase64() << u"signing key's last 32 bytes do not match "
                                                      "the public key derived from its first 32 "
                                                      "bytes (the seed)"_s;
    QTest::newRow("public half with one flipped bit")
        << (Test1Seed + flipBit(Test1PublicKey, 31)).toBase64(UrlUnpadded)
        << u"signing key's last 32 bytes do not match the public key derived from its first 32 "
           "bytes (the seed)"_s;

    const QByteArray seedText = Test1Seed.toBase64(UrlUnpadded);
    QTest::newRow("exclamation mark") << QByteArray(seedText).replace(5, 1, "!") << invalidError;
    QTest::newRow("trailing newline") << seedText + '\n' << invalidError;
    QTest::newRow("leading space") << ' ' + seedText << invalidError;
    QTest::newRow("both alphabets") << Test1Seed.toBase64().replace('/', '_') + "+" << invalidError;
    QTest::newRow("padding in the middle") << QByteArray(Test1Seed.toBase64()).insert(8, "==")
                                           << invalidError;
    QTest::newRow("non-ASCII byte") << QByteArray(seedText).replace(0, 1, "\xc3\xa9") << invalidError;
}

void tst_Ed25519::rejectsSigningKeys()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expectedError);

    QString error;
    const std::optional<SigningKey> key = SigningKey::fromBase64(text, &error);

    QVERIFY(!key);
    QCOMPARE(error, expectedError);
}

// A moved-from key contains zeros, so its public half (the last 32 bytes) reads as zeros.
void tst_Ed25519::movedSigningKeyIsWiped()
{
    std::optional<SigningKey> source = SigningKey::fromBytes(Test1Seed, nullptr);
    QVERIFY(source);

    const SigningKey target = std::move(*source);

    QCOMPARE(target.publicKey().bytes().toHex(), Test1PublicKey.toHex());
    QCOMPARE(target.sign({}).toHex(), Test1Signature.toHex());
    QCOMPARE(source->publicKey().bytes(), QByteArray(32, '\0'));
}

void tst_Ed25519::parsesVerifyingKeys_data()
{
    QTest::addColumn<QByteArray>("text");

    QVERIFY(Test1PublicKey.toBase64().contains('/'));
    QTest::newRow("base64 padded") << Test1PublicKey.toBase64(StandardPadded);
    QTest::newRow("base64 unpadded") << Test1PublicKey.toBase64(StandardUnpadded);
    QTest::newRow("base64url padded") << Test1PublicKey.toBase64(UrlPadded);
    QTest::newRow("base64url unpadded") << Test1PublicKey.toBase64(UrlUnpadded);
}

void tst_Ed25519::parsesVerifyingKeys()
{
    QFETCH(QByteArray, text);

    QString error = u"stale"_s;
    const std::optional<VerifyingKey> key = VerifyingKey::fromBase64(text, &error);

    QVERIFY2(key, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(key->bytes().toHex(), Test1PublicKey.toHex());
}

void tst_Ed25519::rejectsVerifyingKeys_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expectedError");

    for (const int size : {0, 31, 33, 64}) {
        const QByteArray name = QByteArray::number(size) + " bytes";
        QTest::newRow(name.constData())
            << patternBytes(size).toBase64(UrlUnpadded)
            << u"public key has %1 bytes; an Ed25519 public key has 32"_s.arg(size);
    }
    QTest::newRow("invalid character")
        << QByteArray(Test1PublicKey.toBase64()).replace(3, 1, "*")
        << u"public key is not valid base64 or base64url"_s;
}

void tst_Ed25519::rejectsVerifyingKeys()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expectedError);

    QString error;
    const std::optional<VerifyingKey> key = VerifyingKey::fromBase64(text, &error);

    QVERIFY(!key);
    QCOMPARE(error, expectedError);
}

void tst_Ed25519::verifyRejectsMalformedInput()
{
    const std::optional<VerifyingKey> key = VerifyingKey::fromBytes(Test1PublicKey, nullptr);
    QVERIFY(key);

    QVERIFY(!key->verify({}, Test1Signature.left(63)));
    QVERIFY(!key->verify({}, Test1Signature + '\0'));
    QVERIFY(!key->verify({}, QByteArray()));

    // All-zero bytes decode to a point of small order, which libsodium rejects as a key.
    const std::optional<VerifyingKey> zeroKey = VerifyingKey::fromBytes(QByteArray(32, '\0'), nullptr);
    QVERIFY(zeroKey);
    QVERIFY(!zeroKey->verify({}, QByteArray(64, '\0')));
    QVERIFY(!zeroKey->verify({}, Test1Signature));
}

void tst_Ed25519::keyIdOfKnownKey()
{
    const std::optional<VerifyingKey> key = VerifyingKey::fromBytes(Test1PublicKey, nullptr);
    QVERIFY(key);

    const QByteArray digest = QCryptographicHash::hash(Test1PublicKey, QCryptographicHash::Sha256);
    const QString expected = u"k_"_s + QString::fromLatin1(digest.toHex().left(16));

    QCOMPARE(key->keyId(), expected);
    QCOMPARE(key->keyId().size(), 18);
}

void tst_Ed25519::pemOfTest1Key()
{
    const std::optional<VerifyingKey> key = VerifyingKey::fromBytes(Test1PublicKey, nullptr);
    QVERIFY(key);

    // The DER is 44 bytes, so its base64 is 60 characters: a single body line.
    const QByteArray body = (SpkiPrefix + Test1PublicKey).toBase64();
    QCOMPARE(body.size(), 60);
    const QByteArray expected =
        "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";

    QCOMPARE(key->toPem(), expected);
}

void tst_Ed25519::jwkMembers()
{
    const std::optional<VerifyingKey> key = VerifyingKey::fromBytes(Test1PublicKey, nullptr);
    QVERIFY(key);

    const QJsonObject jwk = key->toJwk(u"k_example"_s, u"rotated"_s);

    QCOMPARE(jwk.size(), 7);
    QCOMPARE(jwk.value(u"kid"_s).toString(), u"k_example"_s);
    QCOMPARE(jwk.value(u"kty"_s).toString(), u"OKP"_s);
    QCOMPARE(jwk.value(u"crv"_s).toString(), u"Ed25519"_s);
    QCOMPARE(jwk.value(u"x"_s).toString(), QString::fromLatin1(Test1PublicKey.toBase64(UrlUnpadded)));
    QCOMPARE(jwk.value(u"alg"_s).toString(), u"EdDSA"_s);
    QCOMPARE(jwk.value(u"use"_s).toString(), u"sig"_s);
    QCOMPARE(jwk.value(u"status"_s).toString(), u"rotated"_s);
}

void tst_Ed25519::decodesBase64Variants_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    // 0xfb 0xff 0xbf encodes to "-_-_" in base64url and "+/+/" in standard base64, so
    // every row below exercises the alphabet it names.
    const QByteArray bothSpecial = QByteArray::fromHex("fbffbf");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("standard, no padding needed") << QByteArray("+/+/") << bothSpecial;
    QTest::newRow("url, no padding needed") << QByteArray("-_-_") << bothSpecial;
    for (const int size : {1, 2, 4, 5}) {
        const QByteArray bytes = QByteArray::fromHex("fbffbffbff").left(size);
        const QByteArray prefix = QByteArray::number(size) + " bytes, ";
        QTest::newRow(prefix + "standard padded") << bytes.toBase64(StandardPadded) << bytes;
        QTest::newRow(prefix + "standard unpadded") << bytes.toBase64(StandardUnpadded) << bytes;
        QTest::newRow(prefix + "url padded") << bytes.toBase64(UrlPadded) << bytes;
        QTest::newRow(prefix + "url unpadded") << bytes.toBase64(UrlUnpadded) << bytes;
    }
}

void tst_Ed25519::decodesBase64Variants()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    const std::optional<QByteArray> bytes = llmring::receipts::decodeBase64(text);

    QVERIFY(bytes);
    QCOMPARE(bytes->toHex(), expected.toHex());
}

void tst_Ed25519::rejectsInvalidBase64_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("single character") << QByteArray("Q");
    QTest::newRow("five characters") << QByteArray("QUJDR");
    QTest::newRow("one of two padding characters") << QByteArray("QQ=");
    QTest::newRow("three padding characters") << QByteArray("QQ===");
    QTest::newRow("padding where none belongs") << QByteArray("QUJD=");
    QTest::newRow("padding in the middle") << QByteArray("QQ==QUJD");
    QTest::newRow("nonzero unused bits") << QByteArray("QR");
    QTest::newRow("mixed alphabets") << QByteArray("+_+_");
    QTest::newRow("white space inside") << QByteArray("QUJD QUJD");
    QTest::newRow("NUL byte") << QByteArray("QUJ\0", 4);
    QTest::newRow("dot") << QByteArray("QUJ.");
    // libsodium 1.0.18 on its own decodes bytes 0x80-0xFF as alphabet characters.
    for (const char byte : {'\x80', '\xc3', '\xff'}) {
        const QByteArray name = "byte 0x" + QByteArray(1, byte).toHex();
        QTest::newRow(name.constData()) << QByteArray("QUJ") + byte;
    }
}

void tst_Ed25519::rejectsInvalidBase64()
{
    QFETCH(QByteArray, text);

    QVERIFY(!llmring::receipts::decodeBase64(text));
}

void tst_Ed25519::encodesSignature()
{
    const QString text = llmring::receipts::encodeSignature(Test1Signature);

    QCOMPARE(text, signatureText(Test1Signature, UrlUnpadded));
    QCOMPARE(text.size(), 8 + 86);

    QString error = u"stale"_s;
    const std::optional<QByteArray> decoded = llmring::receipts::decodeSignature(text, &error);
    QVERIFY2(decoded, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(decoded->toHex(), Test1Signature.toHex());
}

void tst_Ed25519::encodeSignatureRejectsWrongLength()
{
    QTest::ignoreMessage(QtCriticalMsg, "encodeSignature called with 63 bytes instead of 64");
    QCOMPARE(llmring::receipts::encodeSignature(Test1Signature.left(63)), QString());
}

void tst_Ed25519::decodesSignatureForms_data()
{
    QTest::addColumn<QString>("text");

    // TEST 1's signature has '+' in standard base64 and needs two padding characters.
    QVERIFY(Test1Signature.toBase64().contains('+'));
    QVERIFY(Test1Signature.toBase64().endsWith("=="));
    QTest::newRow("base64url unpadded") << signatureText(Test1Signature, UrlUnpadded);
    QTest::newRow("base64url padded") << signatureText(Test1Signature, UrlPadded);
    QTest::newRow("base64 padded") << signatureText(Test1Signature, StandardPadded);
    QTest::newRow("base64 unpadded") << signatureText(Test1Signature, StandardUnpadded);
}

void tst_Ed25519::decodesSignatureForms()
{
    QFETCH(QString, text);

    QString error;
    const std::optional<QByteArray> decoded = llmring::receipts::decodeSignature(text, &error);

    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(decoded->toHex(), Test1Signature.toHex());
    QCOMPARE(llmring::receipts::encodeSignature(*decoded), signatureText(Test1Signature, UrlUnpadded));
}

void tst_Ed25519::rejectsSignatureText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expectedError");

    const QString missingPrefix = u"signature must start with \"ed25519:\""_s;
    const QString invalid = u"signature after \"ed25519:\" is not valid base64url or base64"_s;
    const auto lengthError = [](int size) {
        return u"signature decodes to %1 bytes; an Ed25519 signature has 64"_s.arg(size);
    };
    const QString valid = signatureText(Test1Signature, UrlUnpadded);

    QTest::newRow("no prefix") << valid.mid(8) << missingPrefix;
    QTest::newRow("prefix in upper case") << u"ED25519:"_s + valid.mid(8) << missingPrefix;
    QTest::newRow("other algorithm") << u"ed448:"_s + valid.mid(8) << missingPrefix;
    QTest::newRow("empty") << QString() << missingPrefix;
    QTest::newRow("85 characters") << valid.chopped(1) << invalid;
    QTest::newRow("asterisk") << QString(valid).replace(20, 1, u'*') << invalid;
    QTest::newRow("space after prefix") << u"ed25519: "_s + valid.mid(8) << invalid;
    QTest::newRow("non-ASCII character") << QString(valid).replace(20, 1, u'é') << invalid;
    QTest::newRow("mixed alphabets") << signatureText(Test1Signature, StandardUnpadded) + u"_"_s
                                     << invalid;
    QTest::newRow("only the prefix") << u"ed25519:"_s << lengthError(0);
    QTest::newRow("63 bytes") << signatureText(Test1Signature.left(63), UrlUnpadded) << lengthError(63);
    QTest::newRow("65 bytes") << signatureText(Test1Signature + 'x', UrlUnpadded) << lengthError(65);
    QTest::newRow("65 bytes, padded") << signatureText(Test1Signature + 'x', StandardPadded)
                                      << lengthError(65);
}

void tst_Ed25519::rejectsSignatureText()
{
    QFETCH(QString, text);
    QFETCH(QString, expectedError);

    QString error;
    const std::optional<QByteArray> decoded = llmring::receipts::decodeSignature(text, &error);

    QVERIFY(!decoded);
    QCOMPARE(error, expectedError);
}

QTEST_APPLESS_MAIN(tst_Ed25519)

#include "tst_ed25519.moc"
