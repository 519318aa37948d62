// SPDX-License-Identifier: MIT

#include "chartaxes.h"

#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace llmring::console {

namespace {

constexpr int TickIntervals = 5;

} // namespace

void setDollarAxisRange(QValueAxis *axis, double maximum)
{
    const double top = maximum > 0 ? maximum : 1;
    axis->setRange(0, top);
    axis->applyNiceNumbers();

    // Cents for tick steps under a dollar, more when the step is smaller (0.0005 needs
    // four decimals), and whole dollars from a step of 1 up.
    const double step = axis->max() / std::max(axis->tickCount() - 1, 1);
    const int decimals = step >= 1 ? 0 : std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 2, 10);
    axis->setLabelFormat(QStringLiteral("$%.%1f").arg(decimals));
}

void setCountAxisRange(QValueAxis *axis, double maximum)
{
    const double top = std::max(maximum, 1.0);
    const double interval = std::max(1.0, std::ceil(top / TickIntervals));
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(interval);
    axis->setRange(0, interval * std::ceil(top / interval));
    axis->setLabelFormat(QStringLiteral("%d"));
}

} // namespace llmring::console
