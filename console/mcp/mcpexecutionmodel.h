// SPDX-License-Identifier: MIT
// The MCP tool execution audit trail, read page by page from GET /api/v1/mcp/executions.

#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QUrlQuery>

namespace llmring::api {
class ApiClient;
class ApiReply;
}

namespace llmring::console {

// The filters of GET /api/v1/mcp/executions; empty members do not filter.
struct McpExecutionQuery
{
    QString serverId;
    QString toolId;
    QDateTime start; // invalid: no lower bound
    QDateTime end;   // invalid: no upper bound

    // The filter items, without limit and offset.
    QUrlQuery toUrlQuery() const;
};

// One row per recorded execution, newest first as the service returns them. Rows arrive
// lazily: fetchMore() requests the next page of PageSize rows. The listing has no total,
// so a page shorter than PageSize ends it. At most one page request is in flight.
//
// NOTE: executions recorded during the walk sort above the delivered rows and push later
// pages down, so a page can repeat delivered rows. The model drops such repeats by id.
// The new executions themselves appear only after the next setQuery().
class McpExecutionModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ExecutedAtColumn, ToolColumn, ServerColumn, DurationColumn, ErrorColumn, ConversationColumn, ColumnCount };

    static constexpr int PageSize = 100;

    explicit McpExecutionModel(api::ApiClient &client, QObject *parent = nullptr);
    ~McpExecutionModel() override;

    // Drops all rows and cancels a request in flight. Nothing is requested until fetchMore().
    void setQuery(const McpExecutionQuery &query);
    const McpExecutionQuery &query() const { return m_query; }
    // Drops all rows and cancels a request in flight, and fetches nothing until the next setQuery().
    void clear();

    bool isLoading() const { return m_reply != nullptr; }
    // True once a page of the current query arrived.
    bool hasLoaded() const { return m_loaded; }
    // The execution as the API returned it; empty for a row out of range.
    QJsonObject execution(int row) const;
    // The row of the execution with `id`, or -1.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // False after a failed page until the next setQuery(), so a view scrolling to the end
    // does not repeat a request that just failed.
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    void pageLoaded();
    // A page request failed; `message` is ApiReply::errorMessage() or what was wrong
    // with the response.
    void errorOccurred(const QString &message);

private:
    void onPageFinished();
    void cancelRequest();
    void reset(bool exhausted);
    QVariant displayValue(const QJsonObject &row, Column column) const;

    api::ApiClient &m_client;
    McpExecutionQuery m_query;
    QList<QJsonObject> m_rows;
    QSet<QString> m_ids;
    QPointer<api::ApiReply> m_reply;
    qint64 m_nextOffset = 0;
    bool m_exhausted = true;
    bool m_failed = false;
    bool m_loaded = false;
};

} // namespace llmring::console
