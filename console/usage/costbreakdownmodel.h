// SPDX-License-Identifier: MIT
// Cost per model or per origin, for a table and the chart beside it.

#pragma once

#include "usagereport.h"

#include <QAbstractTableModel>
#include <QList>

namespace llmring::console {

// The shares sorted by cost, highest first (ties by name), as the chart shows them: the
// ten costliest by name and, when more are left, one "other" row with their sums. The
// display role of the numeric columns is the number itself, for the chart's mapper.
class CostBreakdownModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    // Origins come without token counts, so their model has no token columns.
    enum class Kind { Model, Origin };
    enum Column { Name, Cost, Share, Requests, InputTokens, OutputTokens };

    // The number of rows shown by name. The rest are summed into one row.
    static constexpr int NamedRowLimit = 10;

    explicit CostBreakdownModel(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    void setShares(const QList<UsageShare> &shares);
    void clear();

    // The row at `row` sums the shares past the first NamedRowLimit.
    bool isOtherRow(int row) const;
    const UsageShare &share(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Kind m_kind;
    QList<UsageShare> m_rows;
    // The number of shares summed in the last row, 0 when there is no such row.
    int m_otherCount = 0;
    double m_totalCost = 0;
};

} // namespace llmring::console
