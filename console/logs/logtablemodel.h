// SPDX-License-Identifier: MIT
// The raw usage log of one project, read page by page from GET /api/v1/logs.

#pragma once

#include "api/apiclient.h"
#include "logpagecursor.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace llmring::console {

// One row per usage log row, in the order the server returns them. Rows arrive lazily:
// canFetchMore() and fetchMore() request the next page of PageSize rows with the current
// query, so a view loads more as the user scrolls. At most one page request is in flight.
class LogTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        ProviderColumn,
        ModelColumn,
        AliasColumn,
        OriginColumn,
        ProfileColumn,
        InputTokensColumn,
        OutputTokensColumn,
        CachedInputTokensColumn,
        CostColumn,
        LatencyColumn,
        IdAtOriginColumn,
        ColumnCount
    };

    enum Role {
        // The row as the API returned it (a QJsonObject), metadata included.
        RowJsonRole = Qt::UserRole + 1,
    };

    // Rows per page request; the API allows up to 500.
    static constexpr int PageSize = 100;

    explicit LogTableModel(api::ApiClient &client, QObject *parent = nullptr);
    ~LogTableModel() override;

    // Drops all rows and cancels a request in flight. The query's limit and offset are
    // ignored: the model pages by itself. Nothing is requested until fetchMore().
    void setQuery(const api::LogQuery &query);
    const api::LogQuery &query() const { return m_query; }

    // The rows matching the query when the first page was read (X-Total-Count); -1 before.
    qint64 totalCount() const { return m_cursor.total(); }
    bool isLoading() const { return m_reply != nullptr; }
    // The row as the API returned it; empty for a row out of range.
    QJsonObject rowJson(int row) const;

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
    // A page arrived and its rows were appended; totalCount() is known from here on.
    void pageLoaded();
    // A page request failed; `message` is ApiReply::errorMessage() or what was wrong
    // with the response.
    void errorOccurred(const QString &message);

private:
    void onPageFinished();
    void cancelRequest();
    void fail(const QString &message);
    QVariant displayValue(const QJsonObject &row, Column column) const;

    api::ApiClient &m_client;
    api::LogQuery m_query;
    LogPageCursor m_cursor;
    QList<QJsonObject> m_rows;
    QPointer<api::ApiReply> m_reply;
    bool m_failed = false;
};

} // namespace llmring::console
