// SPDX-License-Identifier: MIT
// A receipt: the signed statement of one LLM call's usage and cost.

#pragma once

#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace llmring {

// The validated members of a receipt. `members` keeps every member of the input but
// `signature`, unknown ones included, because newer clients may add members and the
// signature covers all of them.
struct Receipt
{
    enum class Purpose {
        // A signed receipt to verify or store: every required member must be present,
        // and the members are kept exactly as given.
        Signed,
        // An unsigned receipt for the service to sign: `id`, `timestamp`, `key_id` and
        // `signature` may be absent, and the defaults of `profile` and
        // `tokens.cached_input` are written into `members`.
        Unsigned,
    };

    QJsonObject members;
    std::optional<QString> signature;

    // Read from `members` for filtering and storage.
    QString id;
    QString timestamp;
    QString model;
    QString alias;
    QString profile;
    QString keyId;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedInputTokens = 0;
    double costAmount = 0;

    // Validates `value` (the receipt object itself). Problems are added to `errors` with
    // `locPrefix` in front of each member's path, e.g. ["body", "receipt"].
    static std::optional<Receipt> fromJson(const QJsonValue &value, Purpose purpose, const QJsonArray &locPrefix,
                                           ValidationErrors &errors);

    static bool isValidId(const QString &id);
};

} // namespace llmring
