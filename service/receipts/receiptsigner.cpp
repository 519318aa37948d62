// SPDX-License-Identifier: MIT

#include "receiptsigner.h"

#include "core/timestamp.h"
#include "json/canonicaljson.h"
#include "receiptkeys.h"
#include "receipts/signatureencoding.h"

#include <QRandomGenerator>

namespace llmring {

SignedReceipt signReceipt(Receipt &receipt, const ReceiptKeys &keys)
{
    if (receipt.id.isEmpty()) {
        // QRandomGenerator::system() reads the operating system's secure generator.
        receipt.id = QStringLiteral("rcpt_%1").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
    }
    if (receipt.timestamp.isEmpty())
        receipt.timestamp = Timestamp::now().toRfc3339();
    receipt.keyId = keys.activeKeyId();
    receipt.members.insert(QStringLiteral("id"), receipt.id);
    receipt.members.insert(QStringLiteral("timestamp"), receipt.timestamp);
    receipt.members.insert(QStringLiteral("key_id"), receipt.keyId);

    SignedReceipt result;
    result.canonicalMembers = json::canonicalize(QJsonValue(receipt.members));
    result.signature = keys.sign(result.canonicalMembers);
    return result;
}

QByteArray signedReceiptText(const QByteArray &canonicalMembers, const QByteArray &signature)
{
    QByteArray text = canonicalMembers;
    text.chop(1); // the closing brace
    if (text.size() > 1)
        text += ',';
    return text + "\"signature\":\"" + receipts::encodeSignature(signature).toLatin1() + "\"}";
}

} // namespace llmring
