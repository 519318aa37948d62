// SPDX-License-Identifier: MIT
// Signing receipts with the service's key, shared by the service and the command line.

#pragma once

#include "domain/receipt.h"

#include <QByteArray>

namespace llmring {

class ReceiptKeys;

struct SignedReceipt
{
    QByteArray canonicalMembers; // the signed message
    QByteArray signature;        // 64 bytes
};

// Completes an unsigned receipt and signs it: fills `id` ("rcpt_" and 16 random hex
// digits) and `timestamp` (now) when absent, and sets `key_id` to the active key's.
// `keys` must be able to sign.
SignedReceipt signReceipt(Receipt &receipt, const ReceiptKeys &keys);

// The receipt as JSON text: the canonical members exactly as signed, with `signature`
// appended as unpadded base64url. Spliced as text, so no number or string is rewritten.
QByteArray signedReceiptText(const QByteArray &canonicalMembers, const QByteArray &signature);

} // namespace llmring
