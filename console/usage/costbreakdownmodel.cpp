// SPDX-License-Identifier: MIT

#include "costbreakdownmodel.h"

#include "common/costformat.h"

#include <QFont>
#include <QLocale>

#include <algorithm>

namespace llmring::console {

CostBreakdownModel::CostBreakdownModel(Kind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{
}

void CostBreakdownModel::setShares(const QList<UsageShare> &shares)
{
    QList<UsageShare> sorted = shares;
    std::sort(sorted.begin(), sorted.end(), [](const UsageShare &left, const UsageShare &right) {
        if (left.cost != right.cost)
            return left.cost > right.cost;
        return left.name < right.name;
    });

    beginResetModel();
    m_totalCost = 0;
    for (const UsageShare &share : sorted)
        m_totalCost += share.cost;
    m_otherCount = 0;
    // Summing a single share into "other" would hide its name and save no row.
    if (sorted.size() > NamedRowLimit + 1) {
        UsageShare other;
        for (qsizetype i = NamedRowLimit; i < sorted.size(); ++i) {
            const UsageShare &share = sorted.at(i);
            other.requests += share.requests;
            other.cost += share.cost;
            other.inputTokens += share.inputTokens;
            other.outputTokens += share.outputTokens;
        }
        m_otherCount = static_cast<int>(sorted.size() - NamedRowLimit);
        other.name = m_kind == Kind::Model ? tr("%n other models", nullptr, m_otherCount)
                                           : tr("%n other origins", nullptr, m_otherCount);
        sorted.resize(NamedRowLimit);
        sorted.append(other);
    }
    m_rows = std::move(sorted);
    endResetModel();
}

void CostBreakdownModel::clear()
{
    setShares({});
}

bool CostBreakdownModel::isOtherRow(int row) const
{
    return m_otherCount > 0 && row == m_rows.size() - 1;
}

int CostBreakdownModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int CostBreakdownModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_kind == Kind::Model ? OutputTokens + 1 : Requests + 1;
}

QVariant CostBreakdownModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UsageShare &share = m_rows.at(index.row());
    const auto column = static_cast<Column>(index.column());

    if (role == Qt::DisplayRole) {
        switch (column) {
        case Name:
            return share.name;
        case Cost:
            return share.cost;
        case Share:
            // A percentage of the total cost, written out because no chart reads it.
            return m_totalCost > 0 ? QLocale().toString(100 * share.cost / m_totalCost, 'f', 1) + QStringLiteral(" %")
                                   : QString();
        case Requests:
            return share.requests;
        case InputTokens:
            return share.inputTokens;
        case OutputTokens:
            return share.outputTokens;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && column == Cost)
        return formatDollarsExact(share.cost);
    if (role == Qt::FontRole && column == Name && isOtherRow(index.row())) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role == Qt::TextAlignmentRole && column != Name)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant CostBreakdownModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (static_cast<Column>(section)) {
    case Name:
        return m_kind == Kind::Model ? tr("Model") : tr("Origin");
    case Cost:
        return tr("Cost");
    case Share:
        return tr("Share of cost");
    case Requests:
        return tr("Requests");
    case InputTokens:
        return tr("Input tokens");
    case OutputTokens:
        return tr("Output tokens");
    }
    return {};
}

} // namespace llmring::console
