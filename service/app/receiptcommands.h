// SPDX-License-Identifier: MIT
// The receipt commands of llmring-server: keygen and receipt canonicalize|sign|verify.

#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QTextStream>

namespace llmring {

// The key source of `receipt verify`. With none of its members set, the keys come from
// the LLMRING_RECEIPTS_* variables.
struct VerificationKeySource
{
    QString publicKey; // base64 or base64url, registered under keyId or its default id
    QString keyId;
    QString jwksFile;
    QString serverUrl; // its /receipts/public-keys.json is fetched
};

// Prints a new key pair as the environment lines to paste. Returns the exit code.
int runKeygen(QTextStream &out, QTextStream &err);

// Runs `subcommand` (canonicalize, sign or verify) on the receipt in `file` (- for
// standard input). Returns 0 only on success (for verify: a valid receipt), 1 when the
// receipt is invalid or an input cannot be read, 2 for invalid usage.
int runReceiptCommand(const QString &subcommand, const QString &file, const VerificationKeySource &keySource,
                      const QProcessEnvironment &environment, QTextStream &out, QTextStream &err);

} // namespace llmring
