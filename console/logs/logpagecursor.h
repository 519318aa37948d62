// SPDX-License-Identifier: MIT
// The offset bookkeeping of a walk through the pages of GET /api/v1/logs.

#pragma once

#include <QtGlobal>

namespace llmring::console {

// Tracks which offset to request next while a listing is read page by page, and which
// rows of each page are new. The first page fixes the total: the walk delivers the rows
// that matched when it started. Rows logged during a newest-first walk appear at the top
// and push every later page down, so the cursor moves its offsets down by the growth of
// X-Total-Count and drops the rows of a page that it already delivered. An oldest-first
// walk needs no correction because new rows sort after the rows it delivers.
//
// NOTE: the service stamps a row with the start time of its insert transaction, so a
// row that commits during a newest-first walk can sort below the top. When it lands among
// the rows not yet delivered, the walk delivers it in place of the first row of the next page.
class LogPageCursor
{
public:
    // The part of a page to keep: `count` rows starting at index `first`.
    struct Slice
    {
        int first = 0;
        int count = 0;
    };

    explicit LogPageCursor(bool oldestFirst = false);

    // Starts a new walk in the given order.
    void reset(bool oldestFirst);

    // The rows that matched when the walk started; -1 until the first page arrived.
    qint64 total() const { return m_total; }
    qint64 delivered() const { return m_delivered; }
    // True once every row of the total was delivered, or a page came back short.
    bool atEnd() const;

    // The offset of the next page request.
    qint64 nextOffset() const { return m_delivered + m_shift; }

    // Records a page requested at nextOffset() with `limit` rows, which returned
    // `rowCount` rows and `reportedTotal` in X-Total-Count, and returns the rows to keep.
    Slice accept(qint64 reportedTotal, int rowCount, int limit);

private:
    bool m_oldestFirst = false;
    qint64 m_total = -1;
    qint64 m_delivered = 0;
    qint64 m_shift = 0;
    bool m_exhausted = false;
};

} // namespace llmring::console
