// SPDX-License-Identifier: MIT
// Public-key operations: verification, key id, and the PEM and JWK encodings.

#include "verifyingkey.h"

#include "base64.h"

#include <sodium.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace llmring::receipts {

namespace {

static_assert(VerifyingKey::Size == crypto_sign_PUBLICKEYBYTES);
static_assert(VerifyingKey::SignatureSize == crypto_sign_BYTES);

// DER of SubjectPublicKeyInfo up to the key bytes: SEQUENCE (42 bytes) { SEQUENCE
// (5 bytes) { OID 1.3.101.112 id-Ed25519 }, BIT STRING (33 bytes, 0 unused bits) },
// as RFC 8410 section 4 defines it.
constexpr std::array<unsigned char, 12> SpkiPrefix = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};

// PEM body lines are at most 64 characters (RFC 7468 section 2).
constexpr qsizetype PemLineLength = 64;

// The key id keeps this many bytes (16 hex digits) of the SHA-256 digest.
constexpr qsizetype KeyIdDigestBytes = 8;

} // namespace

bool ensureSodiumInitialized()
{
    // sodium_init returns 0 on the first success, 1 when already initialized and -1 on
    // failure. C++ initializes a function-local static once, even with concurrent callers.
    static const bool initialized = sodium_init() >= 0;
    return initialized;
}

std::optional<VerifyingKey> VerifyingKey::fromBase64(QByteArrayView text, QString *error)
{
    const std::optional<QByteArray> bytes = decodeBase64(text);
    if (!bytes) {
        if (error)
            *error = u"public key is not valid base64 or base64url"_s;
        return std::nullopt;
    }
    return fromBytes(*bytes, error);
}

std::optional<VerifyingKey> VerifyingKey::fromBytes(QByteArrayView bytes, QString *error)
{
    if (bytes.size() != Size) {
        if (error)
            *error = u"public key has %1 bytes; an Ed25519 public key has 32"_s.arg(bytes.size());
        return std::nullopt;
    }

    VerifyingKey key;
    std::copy(bytes.begin(), bytes.end(), key.m_bytes.begin());
    if (error)
        error->clear();
    return key;
}

QByteArray VerifyingKey::bytes() const
{
    return QByteArray(reinterpret_cast<const char *>(m_bytes.data()), Size);
}

bool VerifyingKey::verify(QByteArrayView message, QByteArrayView signature) const
{
    if (signature.size() != SignatureSize || !ensureSodiumInitialized())
        return false;

    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.data()),
                                       reinterpret_cast<const unsigned char *>(message.data()),
                                       static_cast<unsigned long long>(message.size()),
                                       m_bytes.data())
        == 0;
}

QString VerifyingKey::keyId() const
{
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), m_bytes.data(), m_bytes.size());

    const QByteArray prefix(reinterpret_cast<const char *>(digest.data()), KeyIdDigestBytes);
    return u"k_"_s + QString::fromLatin1(prefix.toHex());
}

QByteArray VerifyingKey::toPem() const
{
    QByteArray der(reinterpret_cast<const char *>(SpkiPrefix.data()), SpkiPrefix.size());
    der.append(reinterpret_cast<const char *>(m_bytes.data()), Size);
    const QByteArray body = encodeBase64(der);

    QByteArray pem = "-----BEGIN PUBLIC KEY-----\n";
    for (qsizetype offset = 0; offset < body.size(); offset += PemLineLength) {
        pem += body.mid(offset, PemLineLength);
        pem += '\n';
    }
    pem += "-----END PUBLIC KEY-----\n";
    return pem;
}

QJsonObject VerifyingKey::toJwk(const QString &keyId, const QString &status) const
{
    return QJsonObject{
        {u"kid"_s, keyId},
        {u"kty"_s, u"OKP"_s},
        {u"crv"_s, u"Ed25519"_s},
        {u"x"_s, QString::fromLatin1(encodeBase64Url(bytes()))},
        {u"alg"_s, u"EdDSA"_s},
        {u"use"_s, u"sig"_s},
        {u"status"_s, status},
    };
}

} // namespace llmring::receipts
