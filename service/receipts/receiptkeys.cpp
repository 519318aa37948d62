// SPDX-License-Identifier: MIT

#include "receiptkeys.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace llmring {

namespace {

const QString PrivateKeyVariable = QStringLiteral("LLMRING_RECEIPTS_PRIVATE_KEY_B64");
const QString PublicKeyVariable = QStringLiteral("LLMRING_RECEIPTS_PUBLIC_KEY_B64");
const QString KeyIdVariable = QStringLiteral("LLMRING_RECEIPTS_KEY_ID");
const QString RotatedKeysVariable = QStringLiteral("LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS");

// Environment files and secret stores often add a final newline, which is not part of
// the key.
QByteArray trimmedValue(const QProcessEnvironment &environment, const QString &name)
{
    return environment.value(name).trimmed().toLatin1();
}

} // namespace

bool ReceiptKeys::isValidKeyId(const QString &keyId)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.:-]{1,128}$"));
    return pattern.match(keyId).hasMatch();
}

std::shared_ptr<const ReceiptKeys> ReceiptKeys::fromEnvironment(const QProcessEnvironment &environment,
                                                                QString *error)
{
    auto keys = std::make_shared<ReceiptKeys>();
    QString problem;

    const QByteArray privateText = trimmedValue(environment, PrivateKeyVariable);
    if (!privateText.isEmpty()) {
        keys->m_signingKey = receipts::SigningKey::fromBase64(privateText, &problem);
        if (!keys->m_signingKey) {
            *error = QStringLiteral("%1 is invalid: %2").arg(PrivateKeyVariable, problem);
            return nullptr;
        }
        keys->m_activeKey = keys->m_signingKey->publicKey();
    }

    const QByteArray publicText = trimmedValue(environment, PublicKeyVariable);
    if (!publicText.isEmpty()) {
        const auto publicKey = receipts::VerifyingKey::fromBase64(publicText, &problem);
        if (!publicKey) {
            *error = QStringLiteral("%1 is invalid: %2").arg(PublicKeyVariable, problem);
            return nullptr;
        }
        if (keys->m_activeKey && !(*keys->m_activeKey == *publicKey)) {
            *error = QStringLiteral("%1 does not match %2: it is not the public half of that private key; "
                                    "unset it to derive it, or set the matching pair")
                         .arg(PublicKeyVariable, PrivateKeyVariable);
            return nullptr;
        }
        keys->m_activeKey = publicKey;
    }

    const QString keyId = environment.value(KeyIdVariable).trimmed();
    if (!keyId.isEmpty()) {
        if (!isValidKeyId(keyId)) {
            *error = QStringLiteral("%1=%2 is invalid: expected 1 to 128 characters from A-Z a-z 0-9 _ . : -")
                         .arg(KeyIdVariable, keyId);
            return nullptr;
        }
        if (!keys->m_activeKey) {
            *error = QStringLiteral("%1 is set but no receipt key is: set %2 (or %3)")
                         .arg(KeyIdVariable, PrivateKeyVariable, PublicKeyVariable);
            return nullptr;
        }
        keys->m_activeKeyId = keyId;
    } else if (keys->m_activeKey) {
        keys->m_activeKeyId = keys->m_activeKey->keyId();
    }

    const QString rotated = environment.value(RotatedKeysVariable).trimmed();
    for (const QString &entry : rotated.split(u',', Qt::SkipEmptyParts)) {
        // Base64 has no ':', so the last one separates the key id (which may contain ':').
        const qsizetype separator = entry.lastIndexOf(u':');
        const QString rotatedId = entry.left(separator).trimmed();
        if (separator <= 0 || !isValidKeyId(rotatedId)) {
            *error = QStringLiteral("%1 is invalid: expected a comma list of key_id:public_key entries").arg(
                RotatedKeysVariable);
            return nullptr;
        }
        const auto rotatedKey = receipts::VerifyingKey::fromBase64(entry.mid(separator + 1).trimmed().toLatin1(),
                                                                  &problem);
        if (!rotatedKey) {
            *error = QStringLiteral("%1 is invalid: the key of %2: %3").arg(RotatedKeysVariable, rotatedId, problem);
            return nullptr;
        }
        if (rotatedId == keys->m_activeKeyId || keys->keyFor(rotatedId)) {
            *error = QStringLiteral("%1 is invalid: key id %2 is used twice").arg(RotatedKeysVariable, rotatedId);
            return nullptr;
        }
        keys->m_rotatedKeys.append({rotatedId, *rotatedKey});
    }
    return keys;
}

const receipts::VerifyingKey *ReceiptKeys::keyFor(const QString &keyId) const
{
    if (m_activeKey && keyId == m_activeKeyId)
        return &*m_activeKey;
    for (const auto &[rotatedId, key] : m_rotatedKeys) {
        if (rotatedId == keyId)
            return &key;
    }
    return nullptr;
}

QByteArray ReceiptKeys::sign(QByteArrayView message) const
{
    Q_ASSERT(m_signingKey);
    return m_signingKey->sign(message);
}

QJsonObject ReceiptKeys::toJwks() const
{
    QJsonArray keys;
    if (m_activeKey)
        keys.append(m_activeKey->toJwk(m_activeKeyId, QStringLiteral("active")));
    for (const auto &[rotatedId, key] : m_rotatedKeys)
        keys.append(key.toJwk(rotatedId, QStringLiteral("rotated")));
    return QJsonObject{
        {QStringLiteral("keys"), keys},
        {QStringLiteral("current_key_id"),
         m_activeKey ? QJsonValue(m_activeKeyId) : QJsonValue(QJsonValue::Null)},
    };
}

} // namespace llmring
