// SPDX-License-Identifier: MIT
// The usage of each period of a stats report, for the table and the chart over time.

#pragma once

#include "usagereport.h"

#include <QAbstractTableModel>
#include <QList>

namespace llmring::console {

// One row per period that has usage, oldest first. The display role of each numeric
// column is the number itself (the chart's model mappers read it), and the views format
// it with UsageItemDelegate.
class UsagePeriodModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Period, Requests, Cost, Tokens, TopModel, ColumnCount };

    explicit UsagePeriodModel(QObject *parent = nullptr);

    void setPeriods(const QList<UsagePeriod> &periods, UsageGrouping grouping);
    void clear();

    const QList<UsagePeriod> &periods() const { return m_periods; }
    UsageGrouping grouping() const { return m_grouping; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<UsagePeriod> m_periods;
    UsageGrouping m_grouping = UsageGrouping::Day;
};

} // namespace llmring::console
