// SPDX-License-Identifier: MIT
// Key parsing derives the key pair from the seed with libsodium, so a 64-byte secret
// key whose public half was altered is caught before it can sign anything.

#include "signingkey.h"

#include "base64.h"

#include <sodium.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace llmring::receipts {

static_assert(SigningKey::SeedSize == crypto_sign_SEEDBYTES);
static_assert(SigningKey::SecretKeySize == crypto_sign_SECRETKEYBYTES);
static_assert(SigningKey::SignatureSize == crypto_sign_BYTES);

std::optional<SigningKey> SigningKey::fromBase64(QByteArrayView text, QString *error)
{
    std::optional<QByteArray> bytes = decodeBase64(text);
    if (!bytes) {
        if (error)
            *error = u"signing key is not valid base64 or base64url"_s;
        return std::nullopt;
    }

    std::optional<SigningKey> key = fromBytes(*bytes, error);
    // decodeBase64 allocates the buffer once at its final size, so this wipes the only
    // copy of the decoded secret.
    sodium_memzero(bytes->data(), size_t(bytes->size()));
    return key;
}

std::optional<SigningKey> SigningKey::fromBytes(QByteArrayView bytes, QString *error)
{
    if (bytes.size() != SeedSize && bytes.size() != SecretKeySize) {
        if (error) {
            *error = u"signing key has %1 bytes; expected a 32-byte Ed25519 seed or a 64-byte "
                     "secret key (seed followed by public key)"_s.arg(bytes.size());
        }
        return std::nullopt;
    }
    if (!ensureSodiumInitialized()) {
        if (error)
            *error = u"libsodium could not be initialized"_s;
        return std::nullopt;
    }

    SigningKey key;
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> derivedPublicKey{};
    crypto_sign_seed_keypair(derivedPublicKey.data(), key.m_secretKey.data(),
                             reinterpret_cast<const unsigned char *>(bytes.data()));

    if (bytes.size() == SecretKeySize) {
        const QByteArrayView givenPublicKey = bytes.sliced(SeedSize);
        if (!std::equal(givenPublicKey.begin(), givenPublicKey.end(), derivedPublicKey.begin(),
                        [](char given, unsigned char derived) { return uchar(given) == derived; })) {
            if (error) {
                *error = u"signing key's last 32 bytes do not match the public key derived "
                         "from its first 32 bytes (the seed)"_s;
            }
            return std::nullopt; // key's destructor wipes the derived secret key
        }
    }

    if (error)
        error->clear();
    return key;
}

std::optional<SigningKey> SigningKey::generate()
{
    if (!ensureSodiumInitialized())
        return std::nullopt;
    SigningKey key;
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> publicKey{};
    crypto_sign_keypair(publicKey.data(), key.m_secretKey.data());
    return key;
}

QByteArray SigningKey::seed() const
{
    return QByteArray(reinterpret_cast<const char *>(m_secretKey.data()), SeedSize);
}

SigningKey::SigningKey(SigningKey &&other) noexcept
    : m_secretKey(other.m_secretKey)
{
    other.wipe();
}

SigningKey &SigningKey::operator=(SigningKey &&other) noexcept
{
    if (this != &other) {
        m_secretKey = other.m_secretKey;
        other.wipe();
    }
    return *this;
}

SigningKey::~SigningKey()
{
    wipe();
}

void SigningKey::wipe() noexcept
{
    sodium_memzero(m_secretKey.data(), m_secretKey.size());
}

VerifyingKey SigningKey::publicKey() const
{
    VerifyingKey key;
    crypto_sign_ed25519_sk_to_pk(key.m_bytes.data(), m_secretKey.data());
    return key;
}

QByteArray SigningKey::sign(QByteArrayView message) const
{
    // Every SigningKey was made by fromBytes, which initialized libsodium already.
    QByteArray signature(SignatureSize, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(message.data()),
                         static_cast<unsigned long long>(message.size()), m_secretKey.data());
    return signature;
}

} // namespace llmring::receipts
