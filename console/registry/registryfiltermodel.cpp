// SPDX-License-Identifier: MIT

#include "registryfiltermodel.h"

#include "registrymodel.h"

namespace llmring::console {

RegistryFilterModel::RegistryFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RegistryModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RegistryFilterModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_searchText)
        return;
    m_searchText = trimmed;
    invalidateRowsFilter();
}

void RegistryFilterModel::setProvider(const QString &provider)
{
    if (provider == m_provider)
        return;
    m_provider = provider;
    invalidateRowsFilter();
}

bool RegistryFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    const auto text = [&](int column) {
        return model->index(sourceRow, column, sourceParent).data().toString();
    };

    if (!m_provider.isEmpty() && text(RegistryModel::Provider) != m_provider)
        return false;
    if (m_searchText.isEmpty())
        return true;
    for (int column : {RegistryModel::Provider, RegistryModel::Model, RegistryModel::DisplayName}) {
        if (text(column).contains(m_searchText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool RegistryFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant leftValue = left.data(sortRole());
    const QVariant rightValue = right.data(sortRole());
    // The proxy reverses lessThan() for a descending sort, so an empty cell counts as
    // greater in ascending order and as smaller in descending order to stay last.
    if (!leftValue.isValid() || !rightValue.isValid()) {
        if (leftValue.isValid() == rightValue.isValid())
            return false;
        return leftValue.isValid() == (sortOrder() == Qt::AscendingOrder);
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace llmring::console
