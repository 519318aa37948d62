// SPDX-License-Identifier: MIT
// One conversation of the project and its messages, oldest first.

#pragma once

#include "api/apiclient.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QString>

namespace llmring::console {

// The messages of one conversation from GET /conversations/{id}, which returns the
// conversation's counters together with its oldest MessageLimit messages. load() replaces
// the conversation and cancels a load in flight, and the rows change when the response arrives.
class MessageTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        RoleColumn,
        TimeColumn,
        ContentColumn,
        InputTokensColumn,
        OutputTokensColumn,
        ColumnCount
    };

    enum Role {
        // The message as the API returned it (a QJsonObject).
        MessageJsonRole = Qt::UserRole + 1,
    };

    // Messages per request, the most the API returns at once.
    static constexpr int MessageLimit = 1000;

    explicit MessageTableModel(api::ApiClient &client, QObject *parent = nullptr);
    ~MessageTableModel() override;

    // Loads the conversation `id` with its messages.
    void load(const QString &id);
    // Drops the conversation and cancels a load in flight.
    void clear();

    bool isLoading() const { return !m_reply.isNull(); }
    // The id load() was last called with, also while its response is pending.
    QString conversationId() const { return m_conversationId; }
    // The loaded conversation without its messages, or an empty object before the response.
    QJsonObject conversation() const { return m_conversation; }
    // The conversation's lifetime message count, which the retention cleanup leaves as
    // it was, so it may exceed rowCount().
    qint64 messageCount() const;
    QJsonObject messageJson(int row) const;

    // The text the content column shows for `message`: its content on one line, or why
    // there is none.
    static QString contentText(const QJsonObject &message);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // The conversation arrived and the rows show its messages.
    void loaded();
    void loadFailed(const QString &message);

private:
    void onFinished(api::ApiReply *reply);
    void setConversation(const QJsonObject &conversation, const QList<QJsonObject> &messages);
    QVariant displayData(const QJsonObject &message, Column column) const;
    QString extrasText(const QJsonObject &message) const;

    api::ApiClient &m_client;
    QString m_conversationId;
    QJsonObject m_conversation;
    QList<QJsonObject> m_messages;
    QPointer<api::ApiReply> m_reply;
};

} // namespace llmring::console
