// SPDX-License-Identifier: MIT
// The project's stored receipts, newest first, fetched page by page as the view scrolls.

#pragma once

#include "api/apiclient.h"

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QString>

namespace llmring::console {

// Rows of GET /api/v1/receipts. refresh() loads the first page, and fetchMore() loads
// the next one when a view scrolls to the end, until the server's `total` is reached.
// Loads run asynchronously. A failed load is reported through loadFailed() and stops
// further fetching until the next refresh().
class ReceiptTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        TimestampColumn,
        ModelColumn,
        AliasColumn,
        ProfileColumn,
        InputTokensColumn,
        OutputTokensColumn,
        CachedInputTokensColumn,
        CostColumn,
        KeyIdColumn,
        ColumnCount
    };

    explicit ReceiptTableModel(api::ApiClient &client, QObject *parent = nullptr);
    ~ReceiptTableModel() override;

    // Sets the filters of the next refresh(). Their limit and offset are ignored.
    void setFilter(const api::ReceiptQuery &filter);
    api::ReceiptQuery filter() const { return m_filter; }

    // Sets the receipts per request, clamped to the API's range of 1 to 1000 (default 100).
    void setPageSize(int pageSize);
    int pageSize() const { return m_pageSize; }

    // Drops every row and loads the first page, canceling a load in flight.
    void refresh();
    // Cancels a load in flight; the rows loaded so far stay.
    void cancel();

    bool isLoading() const { return !m_reply.isNull(); }
    // The number of receipts matching the filter, as the last page reported, or -1
    // before the first page arrived.
    qint64 total() const { return m_total; }
    // The receipt id of `row`, or an empty string for a row out of range.
    QString receiptId(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // Emitted when a page arrived, with rowCount() and total() up to date.
    void pageLoaded();
    void loadFailed(const QString &message);

private:
    struct Row
    {
        QString id;
        QString timestamp;
        QString model;
        QString alias;
        QString profile;
        qint64 inputTokens = 0;
        qint64 outputTokens = 0;
        qint64 cachedInputTokens = 0;
        double cost = 0;
        QString keyId;
    };

    void requestPage();
    void onPageFinished(api::ApiReply *reply);
    QVariant displayData(const Row &row, int column) const;

    api::ApiClient &m_client;
    api::ReceiptQuery m_filter;
    int m_pageSize = 100;
    QList<Row> m_rows;
    // Ids already listed: a receipt stored while paging shifts later pages by one, and
    // its neighbor would otherwise appear twice.
    QSet<QString> m_ids;
    qint64 m_total = -1;
    int m_nextOffset = 0;
    bool m_reachedEnd = false;
    bool m_failed = false;
    QPointer<api::ApiReply> m_reply;
};

} // namespace llmring::console
