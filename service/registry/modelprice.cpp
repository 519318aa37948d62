// SPDX-License-Identifier: MIT

#include "modelprice.h"

#include <QLocale>

#include <cmath>

namespace llmring {

namespace {

std::optional<QString> priceText(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double price = value.toDouble();
    if (!std::isfinite(price) || price < 0 || price > ModelPrice::MaxDollarsPerMillionTokens)
        return std::nullopt;
    // PostgreSQL's numeric reads every form this prints, including "1e-07".
    return QString::number(price, 'g', QLocale::FloatingPointShortest);
}

} // namespace

std::optional<ModelPrice> ModelPrice::fromEntry(const QJsonObject &entry)
{
    const auto input = priceText(entry.value(QStringLiteral("dollars_per_million_tokens_input")));
    const auto output = priceText(entry.value(QStringLiteral("dollars_per_million_tokens_output")));
    if (!input || !output)
        return std::nullopt;

    const QJsonValue cacheReadValue = entry.value(QStringLiteral("dollars_per_million_tokens_cache_read"));
    std::optional<QString> cacheRead = QStringLiteral("0");
    if (!cacheReadValue.isUndefined() && !cacheReadValue.isNull())
        cacheRead = priceText(cacheReadValue);
    if (!cacheRead)
        return std::nullopt;

    return ModelPrice{*input, *output, *cacheRead};
}

} // namespace llmring
