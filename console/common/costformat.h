// SPDX-License-Identifier: MIT
// Dollar amounts as the console shows them.

#pragma once

#include <QLocale>
#include <QString>

namespace llmring::console {

// An amount in US dollars, such as "$12.35" or "$0.00625": cents from one dollar up,
// and below that enough decimals for three significant digits (at most ten, the
// precision the service stores), so a small cost never reads as $0.00.
QString formatDollars(double amount, const QLocale &locale = QLocale());

// The amount with all ten decimals the service stores, trailing zeros dropped down to
// cents, for tooltips.
QString formatDollarsExact(double amount, const QLocale &locale = QLocale());

} // namespace llmring::console
