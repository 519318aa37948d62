// SPDX-License-Identifier: MIT
// Search, provider filter and sorting over a RegistryModel.

#pragma once

#include <QSortFilterProxyModel>

namespace llmring::console {

// Keeps the rows whose provider, model key or display name contains the search text
// (case-insensitive) and, when a provider is set, whose provider is that one. Sorts by
// RegistryModel::SortRole, so prices and token limits sort as numbers, and puts cells
// the registry leaves empty last in either order.
class RegistryFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit RegistryFilterModel(QObject *parent = nullptr);

    QString searchText() const { return m_searchText; }
    void setSearchText(const QString &text);
    // Empty for every provider.
    QString provider() const { return m_provider; }
    void setProvider(const QString &provider);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_searchText;
    QString m_provider;
};

} // namespace llmring::console
