// SPDX-License-Identifier: MIT
// The console's view of one receipt: its members, the canonical text its signature
// covers, the verdict of local verification, and its differences from the copy a
// server stores.

#pragma once

#include "receipts/receiptverifier.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace llmring::console {

enum class ReceiptVerdict {
    Valid,
    Invalid,    // the signature does not match the members ("bad signature")
    UnknownKey, // no key with the receipt's key_id among the keys verified against
    Malformed,  // not a receipt: invalid JSON, duplicate or missing members, or an undecodable signature
};

// One leaf of a receipt: `path` joins member names with '.' and array positions in
// brackets, such as "tokens.output" or "metadata.tags[0]". An empty object or array is
// a leaf of its own.
struct ReceiptMember
{
    QString path;
    QJsonValue value;
};

// A member whose value in a receipt file differs from the server's stored copy.
struct MemberDifference
{
    enum class Kind {
        Added,   // in the file only
        Removed, // in the stored copy only
        Changed, // in both, with other values
    };

    QString path;
    Kind kind = Kind::Changed;
    QJsonValue fileValue;   // undefined when Removed
    QJsonValue storedValue; // undefined when Added
};

// The result of inspecting one receipt text.
struct ReceiptInspection
{
    // False when the text is not a JSON object. Then members and canonicalForm are empty.
    bool isObject = false;
    QJsonObject object;
    // Every member, `signature` included, in the order of their paths' names.
    QList<ReceiptMember> members;
    // The RFC 8785 form of every member but `signature`: the bytes the signature covers.
    QByteArray canonicalForm;

    QString receiptId; // empty when the receipt has no string `id`
    QString keyId;     // empty when the receipt has no string `key_id`

    // std::nullopt when the receipt is well formed but no keys were available to
    // verify it against.
    std::optional<ReceiptVerdict> verdict;
    // verifyReceipt()'s reason ("bad signature", "unknown key_id", ...), or empty when valid.
    QString reason;
    // The defect of a malformed receipt, such as the parser's message or the members
    // that are missing. Empty for any other verdict.
    QString problem;
};

// Parses `text` strictly and verifies it with `keys`, without any network access.
// Pass nullptr for `keys` when no key set is available: a malformed receipt is still
// recognized, and any other receipt gets no verdict.
ReceiptInspection inspectReceipt(QByteArrayView text, const KeyLookup *keys);

// The leaves of `object`, in the order QJsonObject keeps its member names (sorted).
QList<ReceiptMember> flattenMembers(const QJsonObject &object);

// The paths whose values differ between a receipt file and the stored copy, in path
// order. Values are compared in their RFC 8785 form, so 350 and 3.5e2 are equal, and
// `signature` by its decoded bytes, so padded and unpadded encodings are equal.
QList<MemberDifference> compareMembers(const QJsonObject &fileReceipt, const QJsonObject &storedReceipt);

// A member's value as the member list shows it: strings without quotes, everything
// else as compact JSON.
QString displayValue(const QJsonValue &value);

} // namespace llmring::console
