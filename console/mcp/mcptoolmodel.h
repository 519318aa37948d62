// SPDX-License-Identifier: MIT
// The tools of one MCP server as GET /api/v1/mcp/tools lists them.

#pragma once

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QList>

namespace llmring::console {

// One row per tool of the selected server, active and inactive, in the service's order
// (oldest first).
class McpToolModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, DescriptionColumn, ActiveColumn, ColumnCount };

    explicit McpToolModel(QObject *parent = nullptr);

    // Replaces the rows with the tools of `tools`; members that are not objects are skipped.
    void setTools(const QJsonArray &tools);
    void clear();

    // The tool's id, or an empty string for a row out of range.
    QString toolId(int row) const;
    QString toolName(int row) const;
    // The row of the tool with `id`, or -1.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Tool
    {
        QString id;
        QString name;
        QString description;
        bool active = false;
    };

    QList<Tool> m_tools;
};

} // namespace llmring::console
