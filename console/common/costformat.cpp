// SPDX-License-Identifier: MIT

#include "costformat.h"

#include <algorithm>
#include <cmath>

namespace llmring::console {

namespace {

constexpr int CentDecimals = 2;
constexpr int StoredDecimals = 10;
constexpr int SignificantDigits = 3;

// Writes `amount` with `decimals` decimals, drops trailing zeros beyond the cents, and
// puts the dollar sign after any minus sign.
QString dollarText(double amount, int decimals, const QLocale &locale)
{
    QString digits = locale.toString(std::abs(amount), 'f', decimals);
    const qsizetype point = digits.indexOf(locale.decimalPoint());
    if (point >= 0) {
        const QString zero = locale.zeroDigit();
        while (digits.size() - point - 1 > CentDecimals && digits.endsWith(zero))
            digits.chop(zero.size());
    }
    const bool negative = amount < 0 && digits != locale.toString(0.0, 'f', CentDecimals);
    return (negative ? locale.negativeSign() : QString()) + u'$' + digits;
}

} // namespace

QString formatDollars(double amount, const QLocale &locale)
{
    const double magnitude = std::abs(amount);
    int decimals = CentDecimals;
    if (magnitude > 0 && magnitude < 1) {
        // 0.00625 has its first significant digit at decimal 3 (-floor(log10) = 3).
        const int firstSignificant = -static_cast<int>(std::floor(std::log10(magnitude)));
        decimals = std::clamp(firstSignificant + SignificantDigits - 1, CentDecimals, StoredDecimals);
    }
    return dollarText(amount, decimals, locale);
}

QString formatDollarsExact(double amount, const QLocale &locale)
{
    return dollarText(amount, StoredDecimals, locale);
}

} // namespace llmring::console
