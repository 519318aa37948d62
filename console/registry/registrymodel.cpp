// SPDX-License-Identifier: MIT

#include "registrymodel.h"

#include "common/costformat.h"

#include <QLocale>

namespace llmring::console {

namespace {

template<typename T>
QVariant optionalValue(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

QString priceText(const std::optional<double> &price)
{
    return price ? formatDollars(*price) : QString();
}

QString tokenText(const std::optional<qint64> &tokens)
{
    return tokens ? QLocale().toString(*tokens) : QString();
}

} // namespace

RegistryModel::RegistryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RegistryModel::setEntries(const QList<RegistryEntry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

int RegistryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int RegistryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegistryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RegistryEntry &entry = m_entries.at(index.row());
    const auto column = static_cast<Column>(index.column());

    switch (role) {
    case Qt::DisplayRole:
        return displayData(entry, column);
    case SortRole:
        return sortData(entry, column);
    case Qt::ToolTipRole:
        if (column == Model && !entry.description.isEmpty())
            return entry.description;
        if (column == Active && !entry.active)
            return tr("The registry does not say whether this model is active.");
        return {};
    case Qt::TextAlignmentRole:
        if (column >= InputPrice && column <= MaxOutputTokens)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant RegistryModel::displayData(const RegistryEntry &entry, Column column) const
{
    switch (column) {
    case Provider:
        return entry.provider;
    case Model:
        return entry.key;
    case DisplayName:
        return entry.displayName;
    case InputPrice:
        return priceText(entry.inputPrice);
    case OutputPrice:
        return priceText(entry.outputPrice);
    case CacheReadPrice:
        return priceText(entry.cacheReadPrice);
    case MaxInputTokens:
        return tokenText(entry.maxInputTokens);
    case MaxOutputTokens:
        return tokenText(entry.maxOutputTokens);
    case Capabilities:
        return entry.capabilities.join(QStringLiteral(", "));
    case Active:
        if (!entry.active)
            return QString();
        return *entry.active ? tr("yes") : tr("no");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RegistryModel::sortData(const RegistryEntry &entry, Column column) const
{
    switch (column) {
    case InputPrice:
        return optionalValue(entry.inputPrice);
    case OutputPrice:
        return optionalValue(entry.outputPrice);
    case CacheReadPrice:
        return optionalValue(entry.cacheReadPrice);
    case MaxInputTokens:
        return optionalValue(entry.maxInputTokens);
    case MaxOutputTokens:
        return optionalValue(entry.maxOutputTokens);
    case Active:
        return optionalValue(entry.active);
    case Provider:
    case Model:
    case DisplayName:
    case Capabilities:
        return displayData(entry, column);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RegistryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole && section >= InputPrice && section <= CacheReadPrice)
        return tr("US dollars per million tokens");
    if (role != Qt::DisplayRole)
        return {};

    switch (static_cast<Column>(section)) {
    case Provider:
        return tr("Provider");
    case Model:
        return tr("Model");
    case DisplayName:
        return tr("Display name");
    case InputPrice:
        return tr("Input $/M");
    case OutputPrice:
        return tr("Output $/M");
    case CacheReadPrice:
        return tr("Cache read $/M");
    case MaxInputTokens:
        return tr("Max input tokens");
    case MaxOutputTokens:
        return tr("Max output tokens");
    case Capabilities:
        return tr("Capabilities");
    case Active:
        return tr("Active");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace llmring::console
