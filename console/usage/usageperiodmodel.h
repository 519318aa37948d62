// SPDX-License-Identifier: MIT
// The usage of each period of a stats report, for the table and the chart over time.

#pragma once

#include "usagereport.h"

#include <QAbstractTableModel>
#include <QList>

namespace llmring::console {

// One row per period of the chosen range, oldest first, including the periods without
// usage that the API leaves out, so the table and the chart show them as zeros. The
// display role of each numeric column is the number itself (the chart's model mappers
// read it), and the views format it with UsageItemDelegate.
class UsagePeriodModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Period, Requests, Cost, Tokens, TopModel, ColumnCount };

    explicit UsagePeriodModel(QObject *parent = nullptr);

    // Shows `periods`, the usage that the API returned for the UTC days from `from` to
    // `to` sorted oldest first, with a row of zero usage for each other period that
    // contains one of those days. The first row can start before `from`, because a week
    // or a month starts on its first day.
    void setPeriods(const QList<UsagePeriod> &periods, UsageGrouping grouping, const QDate &from, const QDate &to);
    void clear();

    const QList<UsagePeriod> &periods() const { return m_periods; }
    UsageGrouping grouping() const { return m_grouping; }
    // The first and last UTC day of the range given to setPeriods(), invalid after clear().
    QDate from() const { return m_from; }
    QDate to() const { return m_to; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<UsagePeriod> m_periods;
    UsageGrouping m_grouping = UsageGrouping::Day;
    QDate m_from;
    QDate m_to;
};

} // namespace llmring::console
