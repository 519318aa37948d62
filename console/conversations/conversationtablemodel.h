// SPDX-License-Identifier: MIT
// The project's conversations, most recently updated first, fetched page by page.

#pragma once

#include "api/apiclient.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QString>

namespace llmring::console {

// Rows of GET /conversations in the server's order. refresh() loads the first page and
// fetchMore() the next one when a view scrolls to the end. The listing has no total, so
// a page shorter than PageSize is the last one. A failed load is reported through
// loadFailed() and stops further fetching until the next refresh().
class ConversationTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TitleColumn,
        ModelAliasColumn,
        MessagesColumn,
        InputTokensColumn,
        OutputTokensColumn,
        CostColumn,
        LastMessageColumn,
        UpdatedColumn,
        ColumnCount
    };

    enum Role {
        // The conversation as the API listed it (a QJsonObject).
        ConversationJsonRole = Qt::UserRole + 1,
    };

    // Conversations per request, the most the API allows.
    static constexpr int PageSize = 100;

    explicit ConversationTableModel(api::ApiClient &client, QObject *parent = nullptr);
    ~ConversationTableModel() override;

    // Drops every row and loads the first page, canceling a load in flight.
    void refresh();
    // Drops every row and cancels a load in flight without requesting anything.
    void clear();

    bool isLoading() const { return !m_reply.isNull(); }
    // True once a page shorter than PageSize arrived.
    bool reachedEnd() const { return m_reachedEnd; }
    // The conversation id of `row`, or an empty string for a row out of range.
    QString conversationId(int row) const;
    // The row of the conversation `id`, or -1 when it is not loaded.
    int rowOf(const QString &id) const;
    QJsonObject conversationJson(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // Emitted when a page arrived, with rowCount() and reachedEnd() up to date.
    void pageLoaded();
    void loadFailed(const QString &message);

private:
    void reset();
    void requestPage();
    void onPageFinished(api::ApiReply *reply);
    QVariant displayData(const QJsonObject &conversation, Column column) const;

    api::ApiClient &m_client;
    QList<QJsonObject> m_rows;
    // Ids already listed: a conversation that receives a message while the list is paged
    // moves to the top and shifts later pages by one, so its neighbor would appear twice.
    QSet<QString> m_ids;
    int m_nextOffset = 0;
    bool m_started = false;
    bool m_reachedEnd = false;
    bool m_failed = false;
    QPointer<api::ApiReply> m_reply;
};

} // namespace llmring::console
