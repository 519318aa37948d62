// SPDX-License-Identifier: MIT

#include "mcpexecutionmodel.h"

#include "common/jsontext.h"

#include "api/apiclient.h"

#include <QJsonArray>
#include <QLocale>
#include <QUrl>

namespace llmring::console {

namespace {

void addTime(QUrlQuery &query, const QString &name, const QDateTime &time)
{
    if (!time.isValid())
        return;
    query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(api::ApiClient::timeParameter(time))));
}

} // namespace

QUrlQuery McpExecutionQuery::toUrlQuery() const
{
    QUrlQuery query;
    if (!serverId.isEmpty())
        query.addQueryItem(QStringLiteral("server_id"), serverId);
    if (!toolId.isEmpty())
        query.addQueryItem(QStringLiteral("tool_id"), toolId);
    addTime(query, QStringLiteral("start_date"), start);
    addTime(query, QStringLiteral("end_date"), end);
    return query;
}

McpExecutionModel::McpExecutionModel(api::ApiClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
}

McpExecutionModel::~McpExecutionModel()
{
    cancelRequest();
}

void McpExecutionModel::setQuery(const McpExecutionQuery &query)
{
    m_query = query;
    reset(false);
}

void McpExecutionModel::clear()
{
    reset(true);
}

void McpExecutionModel::reset(bool exhausted)
{
    const bool wasLoading = isLoading();
    beginResetModel();
    cancelRequest();
    m_rows.clear();
    m_ids.clear();
    m_nextOffset = 0;
    m_exhausted = exhausted;
    m_failed = false;
    m_loaded = false;
    endResetModel();
    if (wasLoading)
        Q_EMIT loadingChanged(false);
}

QJsonObject McpExecutionModel::execution(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row);
}

int McpExecutionModel::rowOf(const QString &id) const
{
    if (id.isEmpty())
        return -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).value(QStringLiteral("id")).toString() == id)
            return row;
    }
    return -1;
}

int McpExecutionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int McpExecutionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant McpExecutionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const QJsonObject &row = m_rows.at(index.row());
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(row, column);
    case Qt::ToolTipRole:
        // The exact instant, because the cell shows local time to the second.
        if (column == ExecutedAtColumn)
            return row.value(QStringLiteral("executed_at")).toString();
        if (column == ErrorColumn)
            return displayValue(row, column);
        return {};
    case Qt::TextAlignmentRole:
        if (column == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant McpExecutionModel::displayValue(const QJsonObject &row, Column column) const
{
    switch (column) {
    case ExecutedAtColumn:
        return localTimeText(row.value(QStringLiteral("executed_at")));
    case ToolColumn:
        return row.value(QStringLiteral("tool_name")).toString();
    case ServerColumn:
        return row.value(QStringLiteral("server_name")).toString();
    case DurationColumn: {
        const QJsonValue duration = row.value(QStringLiteral("duration_ms"));
        if (!duration.isDouble())
            return {};
        return QLocale().toString(duration.toInteger());
    }
    case ErrorColumn:
        return row.value(QStringLiteral("error")).toString();
    case ConversationColumn:
        return row.value(QStringLiteral("conversation_id")).toString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant McpExecutionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (static_cast<Column>(section)) {
    case ExecutedAtColumn:
        return tr("Executed at");
    case ToolColumn:
        return tr("Tool");
    case ServerColumn:
        return tr("Server");
    case DurationColumn:
        return tr("Duration (ms)");
    case ErrorColumn:
        return tr("Error");
    case ConversationColumn:
        return tr("Conversation");
    case ColumnCount:
        break;
    }
    return {};
}

bool McpExecutionModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_failed && !m_exhausted;
}

void McpExecutionModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || isLoading())
        return;

    QUrlQuery query = m_query.toUrlQuery();
    query.addQueryItem(QStringLiteral("limit"), QString::number(PageSize));
    query.addQueryItem(QStringLiteral("offset"), QString::number(m_nextOffset));
    m_reply = m_client.get(QStringLiteral("/api/v1/mcp/executions"), query);
    connect(m_reply, &api::ApiReply::finished, this, &McpExecutionModel::onPageFinished);
    Q_EMIT loadingChanged(true);
}

void McpExecutionModel::onPageFinished()
{
    api::ApiReply *reply = m_reply;
    m_reply = nullptr;
    Q_EMIT loadingChanged(false);

    if (!reply->isSuccess()) {
        m_failed = true;
        Q_EMIT errorOccurred(reply->errorMessage());
        return;
    }
    if (!reply->json().isArray()) {
        m_failed = true;
        Q_EMIT errorOccurred(tr("The server's execution listing is not a JSON array; it may not be an llmring server."));
        return;
    }

    const QJsonArray page = reply->json().toArray();
    QList<QJsonObject> fresh;
    for (const QJsonValue &value : page) {
        const QJsonObject execution = value.toObject();
        const QString id = execution.value(QStringLiteral("id")).toString();
        if (!m_ids.contains(id))
            fresh.append(execution);
    }
    m_nextOffset += page.size();
    if (page.size() < PageSize)
        m_exhausted = true;
    m_loaded = true;

    if (!fresh.isEmpty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + static_cast<int>(fresh.size()) - 1);
        for (const QJsonObject &execution : fresh) {
            m_ids.insert(execution.value(QStringLiteral("id")).toString());
            m_rows.append(execution);
        }
        endInsertRows();
    }
    Q_EMIT pageLoaded();
}

void McpExecutionModel::cancelRequest()
{
    api::discardReply(m_reply, this);
}

} // namespace llmring::console
