// SPDX-License-Identifier: MIT
// A model's prices as the registry lists them, in dollars per million tokens.

#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace llmring {

// Prices as decimal text (shortest round-trip form of the registry's number), so the
// database computes costs in exact decimal arithmetic.
struct ModelPrice
{
    // The maximum accepted price. At this price, 2^31 tokens of each kind cost less than
    // $10^10, the largest amount usage_logs.cost can store.
    static constexpr double MaxDollarsPerMillionTokens = 1'000'000.0;

    QString input;
    QString output;
    QString cacheRead; // "0" when the registry gives none

    // The prices of a registry model entry: dollars_per_million_tokens_input and
    // _output are required, _cache_read is optional (absent or null: 0). std::nullopt
    // when a price is missing, not a number, negative or above the maximum; such a
    // model is left unpriced rather than priced wrongly.
    static std::optional<ModelPrice> fromEntry(const QJsonObject &entry);
};

} // namespace llmring
