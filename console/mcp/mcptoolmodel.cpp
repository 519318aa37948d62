// SPDX-License-Identifier: MIT

#include "mcptoolmodel.h"

#include <QJsonObject>

namespace llmring::console {

McpToolModel::McpToolModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void McpToolModel::setTools(const QJsonArray &tools)
{
    beginResetModel();
    m_tools.clear();
    for (const QJsonValue &value : tools) {
        if (!value.isObject())
            continue;
        const QJsonObject object = value.toObject();
        m_tools.append(Tool{object.value(QStringLiteral("id")).toString(),
                            object.value(QStringLiteral("name")).toString(),
                            object.value(QStringLiteral("description")).toString(),
                            object.value(QStringLiteral("is_active")).toBool()});
    }
    endResetModel();
}

void McpToolModel::clear()
{
    setTools({});
}

QString McpToolModel::toolId(int row) const
{
    return row >= 0 && row < m_tools.size() ? m_tools.at(row).id : QString();
}

QString McpToolModel::toolName(int row) const
{
    return row >= 0 && row < m_tools.size() ? m_tools.at(row).name : QString();
}

int McpToolModel::rowOf(const QString &id) const
{
    if (id.isEmpty())
        return -1;
    for (int row = 0; row < m_tools.size(); ++row) {
        if (m_tools.at(row).id == id)
            return row;
    }
    return -1;
}

int McpToolModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_tools.size());
}

int McpToolModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant McpToolModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};

    const Tool &tool = m_tools.at(index.row());
    switch (static_cast<Column>(index.column())) {
    case NameColumn:
        return tool.name;
    case DescriptionColumn:
        return tool.description;
    case ActiveColumn:
        return tool.active ? tr("Yes") : tr("No");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant McpToolModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (static_cast<Column>(section)) {
    case NameColumn:
        return tr("Tool");
    case DescriptionColumn:
        return tr("Description");
    case ActiveColumn:
        return tr("Active");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace llmring::console
