// SPDX-License-Identifier: MIT

#include "conversationtablemodel.h"



#include "common/costformat.h"
#include "common/jsontext.h"

#include <QJsonArray>
#include <QLocale>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace llmring::console {

namespace {

bool isNumberColumn(ConversationTableModel::Column column)
{
    switch (column) {
    case ConversationTableModel::MessagesColumn:
    case ConversationTableModel::InputTokensColumn:
    case ConversationTableModel::OutputTokensColumn:
    case ConversationTableModel::CostColumn:
        return true;
    case ConversationTableModel::TitleColumn:
    case ConversationTableModel::ModelAliasColumn:
    case ConversationTableModel::LastMessageColumn:
    case ConversationTableModel::UpdatedColumn:
    case ConversationTableModel::ColumnCount:
        break;
    }
    return false;
}

} // namespace

ConversationTableModel::ConversationTableModel(api::ApiClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
}

ConversationTableModel::~ConversationTableModel()
{
    api::discardReply(m_reply, this);
}

void ConversationTableModel::refresh()
{
    reset();
    m_started = true;
    requestPage();
}

void ConversationTableModel::clear()
{
    reset();
}

void ConversationTableModel::reset()
{
    const bool wasLoading = isLoading();
    api::discardReply(m_reply, this);
    beginResetModel();
    m_rows.clear();
    m_ids.clear();
    m_nextOffset = 0;
    m_started = false;
    m_reachedEnd = false;
    m_failed = false;
    endResetModel();
    if (wasLoading)
        Q_EMIT loadingChanged(false);
}

QString ConversationTableModel::conversationId(int row) const
{
    return conversationJson(row).value("id"_L1).toString();
}

int ConversationTableModel::rowOf(const QString &id) const
{
    if (id.isEmpty() || !m_ids.contains(id))
        return -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).value("id"_L1).toString() == id)
            return row;
    }
    return -1;
}

QJsonObject ConversationTableModel::conversationJson(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row);
}

int ConversationTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConversationTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConversationTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const QJsonObject &conversation = m_rows.at(index.row());
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(conversation, column);
    case Qt::ToolTipRole:
        switch (column) {
        case TitleColumn:
            return conversation.value("id"_L1).toString();
        case CostColumn:
            return formatDollarsExact(conversation.value("total_cost"_L1).toDouble());
        case LastMessageColumn:
            return conversation.value("last_message_at"_L1).toString();
        case UpdatedColumn:
            return conversation.value("updated_at"_L1).toString();
        case ModelAliasColumn:
        case MessagesColumn:
        case InputTokensColumn:
        case OutputTokensColumn:
        case ColumnCount:
            break;
        }
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(isNumberColumn(column) ? Qt::AlignRight | Qt::AlignVCenter
                                                          : Qt::AlignLeft | Qt::AlignVCenter);
    case ConversationJsonRole:
        return conversation;
    default:
        return {};
    }
}

QVariant ConversationTableModel::displayData(const QJsonObject &conversation, Column column) const
{
    const QLocale locale;
    switch (column) {
    case TitleColumn: {
        const QString title = conversation.value("title"_L1).toString();
        return title.isEmpty() ? tr("(untitled)") : title;
    }
    case ModelAliasColumn:
        return conversation.value("model_alias"_L1).toString();
    case MessagesColumn:
        return locale.toString(conversation.value("message_count"_L1).toInteger());
    case InputTokensColumn:
        return locale.toString(conversation.value("total_input_tokens"_L1).toInteger());
    case OutputTokensColumn:
        return locale.toString(conversation.value("total_output_tokens"_L1).toInteger());
    case CostColumn:
        return formatDollars(conversation.value("total_cost"_L1).toDouble());
    case LastMessageColumn:
        return localTimeText(conversation.value("last_message_at"_L1));
    case UpdatedColumn:
        return localTimeText(conversation.value("updated_at"_L1));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ConversationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case TitleColumn:
        return tr("Title");
    case ModelAliasColumn:
        return tr("Model alias");
    case MessagesColumn:
        return tr("Messages");
    case InputTokensColumn:
        return tr("Input tokens");
    case OutputTokensColumn:
        return tr("Output tokens");
    case CostColumn:
        return tr("Cost");
    case LastMessageColumn:
        return tr("Last message");
    case UpdatedColumn:
        return tr("Updated");
    case ColumnCount:
        break;
    }
    return {};
}

bool ConversationTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_started && !isLoading() && !m_failed && !m_reachedEnd;
}

void ConversationTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void ConversationTableModel::requestPage()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(PageSize));
    query.addQueryItem(QStringLiteral("offset"), QString::number(m_nextOffset));
    api::ApiReply *reply = m_client.get(QStringLiteral("/conversations"), query);
    m_reply = reply;
    connect(reply, &api::ApiReply::finished, this, [this, reply] { onPageFinished(reply); });
    Q_EMIT loadingChanged(true);
}

void ConversationTableModel::onPageFinished(api::ApiReply *reply)
{
    if (reply != m_reply)
        return;
    m_reply.clear();

    if (!reply->isSuccess() || !reply->json().isArray()) {
        m_failed = true;
        Q_EMIT loadingChanged(false);
        Q_EMIT loadFailed(reply->isSuccess()
                              ? tr("The server's conversation list is not a JSON array; it may not be an llmring server.")
                              : reply->errorMessage());
        return;
    }

    const QJsonArray received = reply->json().toArray();
    QList<QJsonObject> page;
    for (const QJsonValue &value : received) {
        const QJsonObject conversation = value.toObject();
        const QString id = conversation.value("id"_L1).toString();
        if (id.isEmpty() || m_ids.contains(id))
            continue;
        m_ids.insert(id);
        page.append(conversation);
    }
    m_nextOffset += static_cast<int>(received.size());
    m_reachedEnd = received.size() < PageSize;

    if (!page.isEmpty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
        m_rows.append(page);
        endInsertRows();
    }
    Q_EMIT loadingChanged(false);
    Q_EMIT pageLoaded();
}

} // namespace llmring::console
