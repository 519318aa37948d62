// SPDX-License-Identifier: MIT
// Ed25519 private key that signs receipts.

#pragma once

#include "verifyingkey.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>
#include <optional>

namespace llmring::receipts {

// An Ed25519 private key (RFC 8032), held in libsodium's 64-byte form: the 32-byte
// seed followed by the 32-byte public key. It is move-only so that exactly one object
// owns the secret bytes, and it wipes them with sodium_memzero when destroyed or moved
// from. A moved-from key contains zeros and must not be used for signing.
class SigningKey
{
public:
    static constexpr qsizetype SeedSize = 32;
    static constexpr qsizetype SecretKeySize = 64;
    static constexpr qsizetype SignatureSize = 64;

    // Parses the 32-byte seed or the 64-byte seed-and-public-key secret key, in
    // standard base64 or base64url, padded or not, with no surrounding white space.
    // Returns std::nullopt with *error set otherwise. error may be null. The messages
    // never contain key material.
    static std::optional<SigningKey> fromBase64(QByteArrayView text, QString *error);

    // Takes the raw 32-byte seed or 64-byte secret key. For the 64-byte form, the
    // last 32 bytes must equal the public key derived from the first 32.
    static std::optional<SigningKey> fromBytes(QByteArrayView bytes, QString *error);

    // A new key from libsodium's random generator; std::nullopt only when libsodium
    // cannot be initialized.
    static std::optional<SigningKey> generate();

    // The 32-byte seed, for printing a newly generated key once (llmring-server keygen).
    // The caller owns the copy and should wipe it.
    QByteArray seed() const;

    SigningKey(const SigningKey &) = delete;
    SigningKey &operator=(const SigningKey &) = delete;
    SigningKey(SigningKey &&other) noexcept;
    SigningKey &operator=(SigningKey &&other) noexcept;
    ~SigningKey();

    VerifyingKey publicKey() const;

    // Returns the 64-byte detached Ed25519 signature of message (pure Ed25519, no
    // prehash). Ed25519 is deterministic, so equal messages get equal signatures.
    QByteArray sign(QByteArrayView message) const;

private:
    SigningKey() = default;

    void wipe() noexcept;

    std::array<unsigned char, SecretKeySize> m_secretKey{};
};

} // namespace llmring::receipts
