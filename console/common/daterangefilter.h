// SPDX-License-Identifier: MIT
// The "All time" checkbox and From/To date range that the console's filter rows share.

#pragma once

#include <QDateTime>
#include <QObject>

class QBoxLayout;
class QCheckBox;
class QDateEdit;
class QSettings;
class QWidget;

namespace llmring::console {

// A range of whole days picked with two date edits, or all time. The days are local,
// because the pages show local times in their tables. The widgets are children of the
// parent widget, named "allTime", "fromDate" and "toDate". "From" never passes "To",
// because moving one end past the other moves both.
class DateRangeFilter final : public QObject
{
    Q_OBJECT

public:
    // "All time" starts checked, "From" `defaultDays` days before today and "To" today.
    DateRangeFilter(int defaultDays, QWidget *parent);

    QCheckBox *allTimeCheckBox() const { return m_allTime; }
    QDateEdit *fromEdit() const { return m_from; }
    QDateEdit *toEdit() const { return m_to; }
    // Appends the checkbox and the labeled From and To edits to `layout`.
    void addTo(QBoxLayout *layout);

    bool isAllTime() const;
    // The local start of the From day.
    QDateTime start() const;
    // The last millisecond of the To day in local time, because the API's end is
    // inclusive and ApiClient sends milliseconds.
    // NOTE: a row stamped in the final 999 microseconds of that day is left out.
    QDateTime end() const;

    // Stores the checkbox and both dates under "allTime", "from" and "to".
    void saveState(QSettings &settings) const;
    // Restores what saveState() stored. A missing or reversed pair of dates leaves the
    // dates as they are.
    void restoreState(QSettings &settings);

private:
    void updateEnabled();

    QWidget *m_parent = nullptr;
    QCheckBox *m_allTime = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
};

} // namespace llmring::console
