// SPDX-License-Identifier: MIT

#include "logpagecursor.h"

#include <algorithm>

namespace llmring::console {

LogPageCursor::LogPageCursor(bool oldestFirst)
    : m_oldestFirst(oldestFirst)
{
}

void LogPageCursor::reset(bool oldestFirst)
{
    *this = LogPageCursor(oldestFirst);
}

bool LogPageCursor::atEnd() const
{
    return m_exhausted || (m_total >= 0 && m_delivered >= m_total);
}

LogPageCursor::Slice LogPageCursor::accept(qint64 reportedTotal, int rowCount, int limit)
{
    if (m_total < 0)
        m_total = reportedTotal;

    // Rows logged since the previous page sit above the rows still to deliver. The page
    // was requested with the previous shift, so its first rows repeat delivered ones.
    qint64 skip = 0;
    const qint64 growth = reportedTotal - m_total;
    if (!m_oldestFirst && growth > m_shift) {
        skip = growth - m_shift;
        m_shift = growth;
    }

    Slice slice;
    slice.first = static_cast<int>(std::min<qint64>(skip, rowCount));
    slice.count = static_cast<int>(std::min<qint64>(rowCount - slice.first, m_total - m_delivered));
    slice.count = std::max(slice.count, 0);
    m_delivered += slice.count;

    // A short page means the listing has no more rows, whatever the total was. Without
    // this check, rows removed during the walk would make it request empty pages forever.
    if (rowCount < limit)
        m_exhausted = true;
    return slice;
}

} // namespace llmring::console
