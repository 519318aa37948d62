// SPDX-License-Identifier: MIT
// The service's receipt keys, read from LLMRING_RECEIPTS_* variables.

#pragma once

#include "receipts/signingkey.h"
#include "receipts/verifyingkey.h"

#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>

#include <memory>
#include <optional>

namespace llmring {

// The active key pair (the private half is optional: without it the service verifies
// but cannot issue) and the rotated public keys still accepted for verification, each
// under its key id. A receipt is verified only with the key its `key_id` names.
class ReceiptKeys
{
public:
    // Reads LLMRING_RECEIPTS_PRIVATE_KEY_B64, LLMRING_RECEIPTS_PUBLIC_KEY_B64,
    // LLMRING_RECEIPTS_KEY_ID and LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS. Returns nullptr
    // with *error naming the variable when a value is invalid or the pair does not match.
    // Without any of them the result has no keys at all.
    static std::shared_ptr<const ReceiptKeys> fromEnvironment(const QProcessEnvironment &environment, QString *error);

    bool canSign() const { return m_signingKey.has_value(); }
    bool hasActiveKey() const { return m_activeKey.has_value(); }
    const QString &activeKeyId() const { return m_activeKeyId; }
    const std::optional<receipts::VerifyingKey> &activeKey() const { return m_activeKey; }

    // The active or rotated key named `keyId`, or nullptr.
    const receipts::VerifyingKey *keyFor(const QString &keyId) const;

    // The 64-byte signature of `message` with the active private key; canSign() must hold.
    QByteArray sign(QByteArrayView message) const;

    // {"keys": [...], "current_key_id": ...}, the active key first.
    QJsonObject toJwks() const;

    static bool isValidKeyId(const QString &keyId);

private:
    std::optional<receipts::SigningKey> m_signingKey;
    std::optional<receipts::VerifyingKey> m_activeKey;
    QString m_activeKeyId;
    QList<std::pair<QString, receipts::VerifyingKey>> m_rotatedKeys;
};

} // namespace llmring
