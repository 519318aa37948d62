// SPDX-License-Identifier: MIT
// The Conversations page: the project's conversations and the messages of one.

#pragma once

#include "window/consolepage.h"

#include <QString>

class QLabel;
class QPlainTextEdit;
class QSplitter;
class QTableView;

namespace llmring::console {

class ConversationTableModel;
class MessageTableModel;

// Lists GET /conversations, most recently updated first, in a table that loads pages as
// the user scrolls. Selecting a conversation loads it with its oldest 1000 messages and
// shows its counters, its messages in order and the selected message in full, tool calls
// and metadata included. A message stored at the "metadata" logging level shows the
// SHA-256 of its content instead of the content.
class ConversationsPage final : public ConsolePage
{
    Q_OBJECT

public:
    explicit ConversationsPage(api::ApiClient &client, QWidget *parent = nullptr);
    ~ConversationsPage() override;

    QString title() const override;
    // Loads the list again and selects the conversation that was selected, when it is
    // still among the conversations loaded before.
    void refresh() override;
    // Drops the list and the conversation shown, then loads the first page.
    void reload() override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    ConversationTableModel *conversationModel() const { return m_conversations; }
    MessageTableModel *messageModel() const { return m_messages; }
    // The id of the conversation whose messages are shown or loading, or empty for none.
    QString selectedConversationId() const;

private:
    void buildLayout();
    void connectSignals();
    void onPageLoaded();
    void onCurrentConversationChanged();
    void onMessagesLoaded();
    void showMessageDetail();
    void clearDetail();
    void updateBusy();
    void updateStatusLabel();

    ConversationTableModel *m_conversations = nullptr;
    MessageTableModel *m_messages = nullptr;
    // The selection refresh() restores, and the rows to load while looking for it.
    QString m_restoreId;
    int m_restoreRows = 0;

    QLabel *m_statusLabel = nullptr;
    QTableView *m_conversationTable = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QLabel *m_noteLabel = nullptr;
    QTableView *m_messageTable = nullptr;
    QPlainTextEdit *m_messageDetail = nullptr;
    QSplitter *m_splitter = nullptr;
    QSplitter *m_messageSplitter = nullptr;
    bool m_columnsSized = false;
};

} // namespace llmring::console
