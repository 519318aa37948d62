// SPDX-License-Identifier: MIT
// The SQL that turns token counts and registry prices into a cost, for the usage stores.

#pragma once

#include <QString>

namespace llmring {

// (input − cached) × input price + cached × cache-read price + output × output price,
// prices per million tokens, in numeric arithmetic rounded to the 10 decimal places of
// usage_logs.cost. It multiplies by 0.000001 rather than dividing by 10^6, because
// numeric division keeps only about 16 significant digits while multiplication is exact. The operands are SQL expressions for the three token counts; the
// prices are bound as text to :price_input, :price_cache_read and :price_output.
inline QString registryCostExpression(const QString &uncachedInput, const QString &cachedInput,
                                      const QString &output)
{
    return QStringLiteral("round((CAST(%1 AS numeric) * CAST(:price_input AS numeric)"
                          " + CAST(%2 AS numeric) * CAST(:price_cache_read AS numeric)"
                          " + CAST(%3 AS numeric) * CAST(:price_output AS numeric)) * 0.000001, 10)")
        .arg(uncachedInput, cachedInput, output);
}

} // namespace llmring
