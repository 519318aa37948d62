// SPDX-License-Identifier: MIT
// Verification of a receipt's signature, shared by the service and the command line.

#pragma once

#include "receipts/verifyingkey.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace llmring {

struct ReceiptVerification
{
    bool valid = false;
    QJsonValue keyId;     // the receipt's key_id, or null
    QJsonValue receiptId; // the receipt's id, or null
    // Empty when valid, else "malformed receipt", "malformed signature",
    // "unknown key_id" or "bad signature".
    QString reason;

    QJsonObject toJson() const;
};

// The key that `keyId` names, or nullptr: verification never tries other keys.
using KeyLookup = std::function<const receipts::VerifyingKey *(const QString &keyId)>;

// Parses `receiptText` strictly (duplicate members make a malformed receipt) and checks
// its Ed25519 signature over the RFC 8785 form of its other members.
ReceiptVerification verifyReceipt(QByteArrayView receiptText, const KeyLookup &keyFor);

} // namespace llmring
