// SPDX-License-Identifier: MIT
// Receipt verifying keys by key id, read from a JSON Web Key Set or a key file.

#pragma once

#include "receipts/verifyingkey.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace llmring::receipts {

// The public keys a verifier may use, each under the key id a receipt's `key_id` must
// name. keyFor() never falls back to another key, because verification must not try
// every key it has.
class KeySet
{
public:
    // Reads a JSON Web Key Set (RFC 7517, RFC 8037) such as GET /receipts/public-keys.json
    // returns: every key whose `crv` is "Ed25519", under its `kid`. Keys of other curves
    // are skipped. Returns std::nullopt with *error set when the text is not a JSON object
    // with a "keys" array, or an Ed25519 key has no `kid` or an invalid `x`. error may be null.
    static std::optional<KeySet> fromJwks(QByteArrayView text, QString *error);

    // Reads a key file in any of these forms, recognized by their first characters:
    // - a JSON Web Key Set, or a single JWK object;
    // - a PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----", RFC 8410);
    // - the 32 public-key bytes in standard base64 or base64url, padded or not.
    // A PEM or base64 key has no key id of its own, so it is filed under its default key
    // id (VerifyingKey::keyId()). White space around the text is ignored.
    static std::optional<KeySet> fromKeyFile(QByteArrayView text, QString *error);

    // Adds `key` under `keyId`, replacing a key already filed under that id.
    void insert(const QString &keyId, const VerifyingKey &key);

    // The key filed under `keyId`, or nullptr. The pointer stays valid until the set
    // is changed or destroyed.
    const VerifyingKey *keyFor(const QString &keyId) const;

    QStringList keyIds() const;
    bool isEmpty() const { return m_keys.isEmpty(); }
    qsizetype size() const { return m_keys.size(); }

private:
    // A list, because VerifyingKey has no default constructor.
    QList<std::pair<QString, VerifyingKey>> m_keys;
};

} // namespace llmring::receipts
