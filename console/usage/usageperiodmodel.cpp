// SPDX-License-Identifier: MIT

#include "usageperiodmodel.h"

#include "common/costformat.h"

namespace llmring::console {

namespace {

// Merges `periods` (oldest first) with a period of zero usage for each period of the
// range from `from` to `to` that `periods` lacks, in date order. Periods that start off
// that grid, which the service does not return, are kept rather than dropped.
QList<UsagePeriod> withEmptyPeriods(const QList<UsagePeriod> &periods, UsageGrouping grouping, const QDate &from,
                                    const QDate &to)
{
    if (!from.isValid() || !to.isValid() || from > to)
        return periods;

    QList<UsagePeriod> filled;
    qsizetype next = 0;
    for (QDate start = periodStart(from, grouping); start <= to; start = nextPeriodStart(start, grouping)) {
        while (next < periods.size() && periods.at(next).start < start)
            filled.append(periods.at(next++));
        if (next < periods.size() && periods.at(next).start == start) {
            filled.append(periods.at(next++));
        } else {
            UsagePeriod empty;
            empty.start = start;
            filled.append(empty);
        }
    }
    while (next < periods.size())
        filled.append(periods.at(next++));
    return filled;
}

} // namespace

UsagePeriodModel::UsagePeriodModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void UsagePeriodModel::setPeriods(const QList<UsagePeriod> &periods, UsageGrouping grouping, const QDate &from,
                                  const QDate &to)
{
    beginResetModel();
    m_periods = withEmptyPeriods(periods, grouping, from, to);
    m_from = from;
    m_to = to;
    const bool headerChanged = grouping != m_grouping;
    m_grouping = grouping;
    endResetModel();
    if (headerChanged)
        Q_EMIT headerDataChanged(Qt::Horizontal, Period, Period);
}

void UsagePeriodModel::clear()
{
    beginResetModel();
    m_periods.clear();
    m_from = QDate();
    m_to = QDate();
    endResetModel();
}

int UsagePeriodModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_periods.size());
}

int UsagePeriodModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsagePeriodModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UsagePeriod &period = m_periods.at(index.row());

    if (role == Qt::DisplayRole) {
        switch (static_cast<Column>(index.column())) {
        case Period:
            return period.start;
        case Requests:
            return period.requests;
        case Cost:
            return period.cost;
        case Tokens:
            return period.tokens;
        case TopModel:
            return period.topModel;
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Cost)
        return formatDollarsExact(period.cost);
    if (role == Qt::TextAlignmentRole && index.column() != Period && index.column() != TopModel)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant UsagePeriodModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (static_cast<Column>(section)) {
    case Period:
        switch (m_grouping) {
        case UsageGrouping::Day:
            return tr("Day");
        case UsageGrouping::Week:
            return tr("Week from");
        case UsageGrouping::Month:
            return tr("Month from");
        }
        return {};
    case Requests:
        return tr("Requests");
    case Cost:
        return tr("Cost");
    case Tokens:
        return tr("Tokens");
    case TopModel:
        return tr("Top model");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace llmring::console
