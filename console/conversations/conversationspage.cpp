// SPDX-License-Identifier: MIT

#include "conversationspage.h"

#include "conversationtablemodel.h"
#include "messagetablemodel.h"

#include "common/costformat.h"
#include "common/jsontext.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace llmring::console {

namespace {

QTableView *newTable(const QString &objectName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    // The server orders the rows, and sorting a partly loaded list would mislead.
    table->setSortingEnabled(false);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace

ConversationsPage::ConversationsPage(api::ApiClient &client, QWidget *parent)
    : ConsolePage(client, parent)
    , m_conversations(new ConversationTableModel(client, this))
    , m_messages(new MessageTableModel(client, this))
{
    buildLayout();
    connectSignals();
    updateStatusLabel();
}

ConversationsPage::~ConversationsPage() = default;

QString ConversationsPage::title() const
{
    return tr("Conversations");
}

void ConversationsPage::buildLayout()
{
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));

    m_conversationTable = newTable(QStringLiteral("conversationTable"), this);
    m_conversationTable->setModel(m_conversations);

    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(QStringLiteral("summary"));
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summaryLabel->setText(tr("Select a conversation to see its messages."));

    m_noteLabel = new QLabel(this);
    m_noteLabel->setObjectName(QStringLiteral("messagesNote"));
    m_noteLabel->setWordWrap(true);
    m_noteLabel->hide();

    m_messageTable = newTable(QStringLiteral("messageTable"), this);
    m_messageTable->setModel(m_messages);

    m_messageDetail = new QPlainTextEdit(this);
    m_messageDetail->setObjectName(QStringLiteral("messageDetail"));
    m_messageDetail->setReadOnly(true);
    m_messageDetail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_messageDetail->setPlaceholderText(tr("Select a message to see all of it, tool calls and metadata included."));

    m_messageSplitter = new QSplitter(Qt::Horizontal, this);
    m_messageSplitter->addWidget(m_messageTable);
    m_messageSplitter->addWidget(m_messageDetail);
    m_messageSplitter->setStretchFactor(0, 3);
    m_messageSplitter->setStretchFactor(1, 2);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_summaryLabel);
    detailLayout->addWidget(m_noteLabel);
    detailLayout->addWidget(m_messageSplitter, 1);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(m_conversationTable);
    m_splitter->addWidget(detail);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_statusLabel);
    layout->addWidget(m_splitter, 1);
}

void ConversationsPage::connectSignals()
{
    connect(m_conversations, &ConversationTableModel::loadingChanged, this, [this] {
        updateBusy();
        updateStatusLabel();
    });
    connect(m_conversations, &ConversationTableModel::pageLoaded, this, &ConversationsPage::onPageLoaded);
    connect(m_conversations, &ConversationTableModel::loadFailed, this, [this](const QString &message) {
        m_restoreId.clear();
        updateStatusLabel();
        reportError(message);
    });
    connect(m_conversationTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ConversationsPage::onCurrentConversationChanged);

    connect(m_messages, &MessageTableModel::loadingChanged, this, &ConversationsPage::updateBusy);
    connect(m_messages, &MessageTableModel::loaded, this, &ConversationsPage::onMessagesLoaded);
    connect(m_messages, &MessageTableModel::loadFailed, this, [this](const QString &message) {
        m_summaryLabel->setText(tr("The conversation could not be loaded."));
        reportError(message);
    });
    connect(m_messageTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ConversationsPage::showMessageDetail);
    connect(m_messages, &MessageTableModel::modelReset, this, &ConversationsPage::showMessageDetail);
}

void ConversationsPage::refresh()
{
    const QString selected = selectedConversationId();
    m_restoreId = selected;
    m_restoreRows = m_conversations->rowCount();
    m_columnsSized = false;
    m_conversations->refresh();
}

void ConversationsPage::reload()
{
    m_restoreId.clear();
    clearDetail();
    m_columnsSized = false;
    m_conversations->refresh();
}

QString ConversationsPage::selectedConversationId() const
{
    return m_messages->conversationId();
}

void ConversationsPage::onPageLoaded()
{
    if (!m_columnsSized && m_conversations->rowCount() > 0) {
        m_conversationTable->resizeColumnsToContents();
        m_columnsSized = true;
    }
    updateStatusLabel();
    reportLoaded();

    if (m_restoreId.isEmpty())
        return;
    const int row = m_conversations->rowOf(m_restoreId);
    if (row >= 0) {
        // Loads the conversation again, so its counters and messages are current.
        m_conversationTable->setCurrentIndex(m_conversations->index(row, ConversationTableModel::TitleColumn));
        return;
    }
    // Look for it as far as the list was loaded before, not through every page.
    if (m_conversations->rowCount() < m_restoreRows && m_conversations->canFetchMore({})) {
        m_conversations->fetchMore({});
        return;
    }
    m_restoreId.clear();
    clearDetail();
}

void ConversationsPage::onCurrentConversationChanged()
{
    const QModelIndex current = m_conversationTable->selectionModel()->currentIndex();
    // A reset of the list leaves no current row, and refresh() selects the conversation again.
    if (!current.isValid())
        return;
    m_restoreId.clear();
    m_summaryLabel->setText(tr("Loading the conversation…"));
    m_noteLabel->hide();
    m_messages->load(m_conversations->conversationId(current.row()));
}

void ConversationsPage::onMessagesLoaded()
{
    const QJsonObject conversation = m_messages->conversation();
    const QLocale locale;
    const QString title = conversation.value("title"_L1).toString();
    QString lastMessage = localTimeText(conversation.value("last_message_at"_L1));
    if (lastMessage.isEmpty())
        lastMessage = tr("none");
    m_summaryLabel->setText(
        tr("%1 (model alias %2): %3 messages, %4 input tokens, %5 output tokens, cost %6. Created %7, last message %8.")
            .arg(title.isEmpty() ? tr("(untitled)") : title, conversation.value("model_alias"_L1).toString(),
                 locale.toString(m_messages->messageCount()),
                 locale.toString(conversation.value("total_input_tokens"_L1).toInteger()),
                 locale.toString(conversation.value("total_output_tokens"_L1).toInteger()),
                 formatDollars(conversation.value("total_cost"_L1).toDouble()),
                 localTimeText(conversation.value("created_at"_L1)), lastMessage));

    const qint64 totalMessages = m_messages->messageCount();
    const int loadedMessages = m_messages->rowCount();
    if (totalMessages > loadedMessages) {
        if (loadedMessages == MessageTableModel::MessageLimit) {
            m_noteLabel->setText(tr("Showing the oldest %1 of %2 messages.")
                                     .arg(locale.toString(loadedMessages), locale.toString(totalMessages)));
        } else {
            m_noteLabel->setText(tr("%1 of %2 messages are still stored; the others were deleted, for example "
                                    "by the retention cleanup. The counters include them.")
                                     .arg(locale.toString(loadedMessages), locale.toString(totalMessages)));
        }
        m_noteLabel->show();
    } else {
        m_noteLabel->clear();
        m_noteLabel->hide();
    }
    m_messageTable->resizeColumnsToContents();
    reportLoaded();
}

void ConversationsPage::showMessageDetail()
{
    const QModelIndex current = m_messageTable->selectionModel()->currentIndex();
    const QJsonObject message = current.isValid() ? m_messages->messageJson(current.row()) : QJsonObject();
    if (message.isEmpty()) {
        m_messageDetail->clear();
        return;
    }

    QStringList lines;
    lines.append(tr("Role: %1").arg(message.value("role"_L1).toString()));
    lines.append(tr("Time: %1").arg(message.value("timestamp"_L1).toString()));
    const auto tokens = [](const QJsonValue &value) {
        return value.isDouble() ? QLocale().toString(value.toInteger()) : tr("none");
    };
    lines.append(tr("Tokens: %1 input, %2 output")
                     .arg(tokens(message.value("input_tokens"_L1)), tokens(message.value("output_tokens"_L1))));
    const QString hash = message.value("content_hash"_L1).toString();
    if (!hash.isEmpty())
        lines.append(tr("Content SHA-256: %1").arg(hash));
    lines.append(QString());
    const QJsonValue content = message.value("content"_L1);
    lines.append(content.isString() ? content.toString() : MessageTableModel::contentText(message));

    const QList<QPair<QString, QLatin1StringView>> extras{
        {tr("Tool calls"), "tool_calls"_L1},
        {tr("Tool results"), "tool_results"_L1},
        {tr("Metadata"), "metadata"_L1},
    };
    for (const auto &[label, member] : extras) {
        const QJsonValue value = message.value(member);
        if (value.isNull() || value.isUndefined())
            continue;
        lines.append(QString());
        lines.append(tr("%1: %2").arg(label, compactJsonText(value)));
    }
    m_messageDetail->setPlainText(lines.join(u'\n'));
}

void ConversationsPage::clearDetail()
{
    m_messages->clear();
    m_summaryLabel->setText(tr("Select a conversation to see its messages."));
    m_noteLabel->clear();
    m_noteLabel->hide();
}

void ConversationsPage::updateBusy()
{
    setBusy(m_conversations->isLoading() || m_messages->isLoading());
}

void ConversationsPage::updateStatusLabel()
{
    const int rows = m_conversations->rowCount();
    const QLocale locale;
    if (rows == 0 && m_conversations->isLoading())
        m_statusLabel->setText(tr("Loading conversations…"));
    else if (rows == 0 && m_conversations->reachedEnd())
        m_statusLabel->setText(tr("No conversations in this project yet."));
    else if (rows == 0)
        m_statusLabel->clear();
    else if (m_conversations->reachedEnd())
        m_statusLabel->setText(rows == 1 ? tr("1 conversation") : tr("%1 conversations").arg(locale.toString(rows)));
    else
        m_statusLabel->setText(tr("%1 conversations loaded; more load as you scroll.").arg(locale.toString(rows)));
}

void ConversationsPage::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("messageSplitter"), m_messageSplitter->saveState());
}

void ConversationsPage::restoreState(QSettings &settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_messageSplitter->restoreState(settings.value(QStringLiteral("messageSplitter")).toByteArray());
}

} // namespace llmring::console
