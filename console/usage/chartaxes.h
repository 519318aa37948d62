// SPDX-License-Identifier: MIT
// Value axis ranges shared by the usage charts.

#pragma once

class QValueAxis;

namespace llmring::console {

// Sets `axis` to start at 0 and end at a round number at or above `maximum`, with dollar
// labels that have enough decimals to tell the ticks apart.
void setDollarAxisRange(QValueAxis *axis, double maximum);

// Sets `axis` to start at 0 with whole-number ticks, at most about five of them, up to
// `maximum` or above.
void setCountAxisRange(QValueAxis *axis, double maximum);

} // namespace llmring::console
