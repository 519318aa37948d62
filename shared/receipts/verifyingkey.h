// SPDX-License-Identifier: MIT
// Ed25519 public key that verifies receipt signatures and publishes itself as PEM and JWK.

#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <array>
#include <optional>

namespace llmring::receipts {

// Initializes libsodium once per process, from whichever thread calls first, and returns
// false when sodium_init failed. Every receipts function that calls a libsodium
// primitive other than the base64 codec calls this first.
bool ensureSodiumInitialized();

// An Ed25519 public key (RFC 8032): 32 bytes, compared and copied by value.
class VerifyingKey
{
public:
    static constexpr qsizetype Size = 32;
    static constexpr qsizetype SignatureSize = 64;

    // Parses the 32 key bytes in standard base64 or base64url, padded or not. Returns
    // std::nullopt with *error set to the reason otherwise. error may be null.
    static std::optional<VerifyingKey> fromBase64(QByteArrayView text, QString *error);

    // Takes the 32 raw key bytes. Returns std::nullopt with *error set for any other
    // length. error may be null.
    static std::optional<VerifyingKey> fromBytes(QByteArrayView bytes, QString *error);

    QByteArray bytes() const;

    // Checks a 64-byte detached signature over message (pure Ed25519, no prehash).
    // Returns false for a signature of any other length, and for every signature when
    // libsodium rejects the key itself, as 1.0.18 does for the all-zero key (small order).
    bool verify(QByteArrayView message, QByteArrayView signature) const;

    // The default key id: "k_" followed by the first 16 lowercase hex digits of the
    // SHA-256 of the 32 key bytes.
    QString keyId() const;

    // SubjectPublicKeyInfo (RFC 8410) in PEM: BEGIN line, standard base64 of the DER
    // wrapped at 64 columns, END line, each ending in "\n".
    QByteArray toPem() const;

    // A JWK (RFC 8037) with kid, kty "OKP", crv "Ed25519", x (unpadded base64url),
    // alg "EdDSA", use "sig" and the given status ("active" or "rotated").
    QJsonObject toJwk(const QString &keyId, const QString &status) const;

    friend bool operator==(const VerifyingKey &, const VerifyingKey &) = default;

private:
    VerifyingKey() = default;

    std::array<unsigned char, Size> m_bytes{};

    friend class SigningKey;
};

} // namespace llmring::receipts
