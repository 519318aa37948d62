// SPDX-License-Identifier: MIT
// The models of the registry as a table.

#pragma once

#include "registrydocument.h"

#include <QAbstractTableModel>

namespace llmring::console {

// One row per registry entry. SortRole gives each cell's raw value (a number for prices
// and token limits) so that a proxy sorts them numerically. The value is invalid where
// the registry leaves the field out.
class RegistryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Provider,
        Model,
        DisplayName,
        InputPrice,
        OutputPrice,
        CacheReadPrice,
        MaxInputTokens,
        MaxOutputTokens,
        Capabilities,
        Active,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;

    explicit RegistryModel(QObject *parent = nullptr);

    void setEntries(const QList<RegistryEntry> &entries);
    const QList<RegistryEntry> &entries() const { return m_entries; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const RegistryEntry &entry, Column column) const;
    QVariant sortData(const RegistryEntry &entry, Column column) const;

    QList<RegistryEntry> m_entries;
};

} // namespace llmring::console
