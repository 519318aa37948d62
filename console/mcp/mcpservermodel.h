// SPDX-License-Identifier: MIT
// The MCP servers of one project as GET /api/v1/mcp/servers lists them.

#pragma once

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace llmring::console {

// One row per registered server, in the order the service lists them (newest first).
// The authentication column shows auth_config with every string replaced by "***": the
// service already masks it, and the console masks it again so that no credential can
// reach the screen even from a service that did not.
class McpServerModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, UrlColumn, TransportColumn, ActiveColumn, AuthColumn, ColumnCount };

    explicit McpServerModel(QObject *parent = nullptr);

    // Replaces the rows with the servers of `servers`; members that are not objects are skipped.
    void setServers(const QJsonArray &servers);
    void clear();

    // The server's id, or an empty string for a row out of range.
    QString serverId(int row) const;
    QString serverName(int row) const;
    // The row of the server with `id`, or -1.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // `value` with every string, at any depth, replaced by "***".
    static QJsonValue masked(const QJsonValue &value);

private:
    struct Server
    {
        QString id;
        QString name;
        QString url;
        QString transport;
        bool active = false;
        QString auth; // compact JSON of the masked auth_config; empty when it is null
    };

    QList<Server> m_servers;
};

} // namespace llmring::console
