// SPDX-License-Identifier: MIT

#include "logtablemodel.h"

#include "common/costformat.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

namespace llmring::console {

namespace {

// The JSON member each column shows.
QString memberName(LogTableModel::Column column)
{
    switch (column) {
    case LogTableModel::TimeColumn:
        return QStringLiteral("logged_at");
    case LogTableModel::ProviderColumn:
        return QStringLiteral("provider");
    case LogTableModel::ModelColumn:
        return QStringLiteral("model");
    case LogTableModel::AliasColumn:
        return QStringLiteral("alias");
    case LogTableModel::OriginColumn:
        return QStringLiteral("origin");
    case LogTableModel::ProfileColumn:
        return QStringLiteral("profile");
    case LogTableModel::InputTokensColumn:
        return QStringLiteral("input_tokens");
    case LogTableModel::OutputTokensColumn:
        return QStringLiteral("output_tokens");
    case LogTableModel::CachedInputTokensColumn:
        return QStringLiteral("cached_input_tokens");
    case LogTableModel::CostColumn:
        return QStringLiteral("cost");
    case LogTableModel::LatencyColumn:
        return QStringLiteral("latency_ms");
    case LogTableModel::IdAtOriginColumn:
        return QStringLiteral("id_at_origin");
    case LogTableModel::ColumnCount:
        break;
    }
    return {};
}

bool isNumeric(LogTableModel::Column column)
{
    switch (column) {
    case LogTableModel::InputTokensColumn:
    case LogTableModel::OutputTokensColumn:
    case LogTableModel::CachedInputTokensColumn:
    case LogTableModel::CostColumn:
    case LogTableModel::LatencyColumn:
        return true;
    case LogTableModel::TimeColumn:
    case LogTableModel::ProviderColumn:
    case LogTableModel::ModelColumn:
    case LogTableModel::AliasColumn:
    case LogTableModel::OriginColumn:
    case LogTableModel::ProfileColumn:
    case LogTableModel::IdAtOriginColumn:
    case LogTableModel::ColumnCount:
        break;
    }
    return false;
}

} // namespace

LogTableModel::LogTableModel(api::ApiClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
}

LogTableModel::~LogTableModel()
{
    cancelRequest();
}

void LogTableModel::setQuery(const api::LogQuery &query)
{
    const bool wasLoading = isLoading();
    beginResetModel();
    cancelRequest();
    m_query = query;
    m_cursor.reset(query.oldestFirst);
    m_rows.clear();
    m_failed = false;
    endResetModel();
    if (wasLoading)
        Q_EMIT loadingChanged(false);
}

QJsonObject LogTableModel::rowJson(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row);
}

int LogTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int LogTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogTableModel::data(const QModelIndex &index, int role) const
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
        if (column == TimeColumn)
            return row.value(QStringLiteral("logged_at")).toString();
        return {};
    case Qt::TextAlignmentRole:
        if (isNumeric(column))
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RowJsonRole:
        return row;
    default:
        return {};
    }
}

QVariant LogTableModel::displayValue(const QJsonObject &row, Column column) const
{
    const QJsonValue value = row.value(memberName(column));
    if (value.isNull() || value.isUndefined())
        return {};

    switch (column) {
    case TimeColumn: {
        const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        if (!time.isValid())
            return value.toString();
        return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    case InputTokensColumn:
    case OutputTokensColumn:
    case CachedInputTokensColumn:
    case LatencyColumn:
        return QLocale().toString(value.toInteger());
    case CostColumn:
        return formatDollarsExact(value.toDouble());
    case ProviderColumn:
    case ModelColumn:
    case AliasColumn:
    case OriginColumn:
    case ProfileColumn:
    case IdAtOriginColumn:
        return value.toString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (static_cast<Column>(section)) {
    case TimeColumn:
        return tr("Time");
    case ProviderColumn:
        return tr("Provider");
    case ModelColumn:
        return tr("Model");
    case AliasColumn:
        return tr("Alias");
    case OriginColumn:
        return tr("Origin");
    case ProfileColumn:
        return tr("Profile");
    case InputTokensColumn:
        return tr("Input");
    case OutputTokensColumn:
        return tr("Output");
    case CachedInputTokensColumn:
        return tr("Cached");
    case CostColumn:
        return tr("Cost");
    case LatencyColumn:
        return tr("Latency (ms)");
    case IdAtOriginColumn:
        return tr("ID at origin");
    case ColumnCount:
        break;
    }
    return {};
}

bool LogTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_failed && !m_cursor.atEnd();
}

void LogTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || isLoading())
        return;

    api::LogQuery page = m_query;
    page.limit = PageSize;
    page.offset = static_cast<int>(m_cursor.nextOffset());
    m_reply = m_client.logs(page);
    connect(m_reply, &api::ApiReply::finished, this, &LogTableModel::onPageFinished);
    Q_EMIT loadingChanged(true);
}

void LogTableModel::onPageFinished()
{
    api::ApiReply *reply = m_reply;
    m_reply = nullptr;
    Q_EMIT loadingChanged(false);

    if (!reply->isSuccess()) {
        fail(reply->errorMessage());
        return;
    }

    bool hasTotal = false;
    const qint64 reportedTotal = reply->header("X-Total-Count").toLongLong(&hasTotal);
    if (!hasTotal || reportedTotal < 0) {
        fail(tr("The server's log listing has no valid X-Total-Count header; it may not be an llmring server."));
        return;
    }
    if (!reply->json().isArray()) {
        fail(tr("The server's log listing is not a JSON array; it may not be an llmring server."));
        return;
    }

    const QJsonArray page = reply->json().toArray();
    const LogPageCursor::Slice slice = m_cursor.accept(reportedTotal, static_cast<int>(page.size()), PageSize);
    if (slice.count > 0) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + slice.count - 1);
        for (int i = slice.first; i < slice.first + slice.count; ++i)
            m_rows.append(page.at(i).toObject());
        endInsertRows();
    }
    Q_EMIT pageLoaded();
}

void LogTableModel::cancelRequest()
{
    api::discardReply(m_reply, this);
}

void LogTableModel::fail(const QString &message)
{
    m_failed = true;
    Q_EMIT errorOccurred(message);
}

} // namespace llmring::console
