// SPDX-License-Identifier: MIT

#include "mcpservermodel.h"

#include "common/jsontext.h"

#include <QJsonDocument>

namespace llmring::console {

McpServerModel::McpServerModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QJsonValue McpServerModel::masked(const QJsonValue &value)
{
    if (value.isString())
        return QStringLiteral("***");
    if (value.isArray()) {
        QJsonArray result;
        for (const QJsonValue &item : value.toArray())
            result.append(masked(item));
        return result;
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        QJsonObject result;
        for (auto it = object.begin(); it != object.end(); ++it)
            result.insert(it.key(), masked(it.value()));
        return result;
    }
    return value;
}

void McpServerModel::setServers(const QJsonArray &servers)
{
    beginResetModel();
    m_servers.clear();
    for (const QJsonValue &value : servers) {
        if (!value.isObject())
            continue;
        const QJsonObject object = value.toObject();
        Server server;
        server.id = object.value(QStringLiteral("id")).toString();
        server.name = object.value(QStringLiteral("name")).toString();
        server.url = object.value(QStringLiteral("url")).toString();
        server.transport = object.value(QStringLiteral("transport_type")).toString();
        server.active = object.value(QStringLiteral("is_active")).toBool();
        const QJsonValue auth = masked(object.value(QStringLiteral("auth_config")));
        if (auth.isObject() || auth.isArray())
            server.auth = compactJsonText(auth);
        m_servers.append(server);
    }
    endResetModel();
}

void McpServerModel::clear()
{
    setServers({});
}

QString McpServerModel::serverId(int row) const
{
    return row >= 0 && row < m_servers.size() ? m_servers.at(row).id : QString();
}

QString McpServerModel::serverName(int row) const
{
    return row >= 0 && row < m_servers.size() ? m_servers.at(row).name : QString();
}

int McpServerModel::rowOf(const QString &id) const
{
    if (id.isEmpty())
        return -1;
    for (int row = 0; row < m_servers.size(); ++row) {
        if (m_servers.at(row).id == id)
            return row;
    }
    return -1;
}

int McpServerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_servers.size());
}

int McpServerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant McpServerModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};

    const Server &server = m_servers.at(index.row());
    switch (static_cast<Column>(index.column())) {
    case NameColumn:
        return server.name;
    case UrlColumn:
        return server.url;
    case TransportColumn:
        return server.transport;
    case ActiveColumn:
        return server.active ? tr("Yes") : tr("No");
    case AuthColumn:
        return server.auth;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant McpServerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (static_cast<Column>(section)) {
    case NameColumn:
        return tr("Server");
    case UrlColumn:
        return tr("URL");
    case TransportColumn:
        return tr("Transport");
    case ActiveColumn:
        return tr("Active");
    case AuthColumn:
        return tr("Authentication");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace llmring::console
