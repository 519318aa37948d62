// SPDX-License-Identifier: MIT

#include "messagetablemodel.h"

#include "common/jsontext.h"


#include <QJsonArray>
#include <QLocale>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace llmring::console {

namespace {

// The table shows only the beginning of longer content, and the details pane shows all of it.
constexpr int MaxCellCharacters = 300;

bool isNumberColumn(MessageTableModel::Column column)
{
    switch (column) {
    case MessageTableModel::InputTokensColumn:
    case MessageTableModel::OutputTokensColumn:
        return true;
    case MessageTableModel::RoleColumn:
    case MessageTableModel::TimeColumn:
    case MessageTableModel::ContentColumn:
    case MessageTableModel::ColumnCount:
        break;
    }
    return false;
}

QString optionalCount(const QJsonValue &value)
{
    return value.isDouble() ? QLocale().toString(value.toInteger()) : QString();
}

} // namespace

MessageTableModel::MessageTableModel(api::ApiClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
}

MessageTableModel::~MessageTableModel()
{
    api::discardReply(m_reply, this);
}

void MessageTableModel::load(const QString &id)
{
    clear();
    m_conversationId = id;

    QUrlQuery query;
    query.addQueryItem(QStringLiteral("message_limit"), QString::number(MessageLimit));
    const QString path = QStringLiteral("/conversations/") + QString::fromLatin1(QUrl::toPercentEncoding(id));
    api::ApiReply *reply = m_client.get(path, query);
    m_reply = reply;
    connect(reply, &api::ApiReply::finished, this, [this, reply] { onFinished(reply); });
    Q_EMIT loadingChanged(true);
}

void MessageTableModel::clear()
{
    const bool wasLoading = isLoading();
    api::discardReply(m_reply, this);
    m_conversationId.clear();
    setConversation({}, {});
    if (wasLoading)
        Q_EMIT loadingChanged(false);
}

qint64 MessageTableModel::messageCount() const
{
    return m_conversation.value("message_count"_L1).toInteger();
}

QJsonObject MessageTableModel::messageJson(int row) const
{
    if (row < 0 || row >= m_messages.size())
        return {};
    return m_messages.at(row);
}

QString MessageTableModel::contentText(const QJsonObject &message)
{
    const QJsonValue content = message.value("content"_L1);
    if (content.isString()) {
        // One line per row, because line breaks would make the row as tall as the message.
        QString text = content.toString();
        if (text.size() > MaxCellCharacters)
            text = text.left(MaxCellCharacters) + u'…';
        text.replace(u'\n', u' ');
        text.replace(u'\r', u' ');
        return text;
    }
    const QString hash = message.value("content_hash"_L1).toString();
    if (!hash.isEmpty())
        return tr("Content not stored (SHA-256 %1)").arg(hash);
    return tr("(no content)");
}

int MessageTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_messages.size());
}

int MessageTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MessageTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const QJsonObject &message = m_messages.at(index.row());
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(message, column);
    case Qt::ToolTipRole:
        if (column == ContentColumn && !message.value("content"_L1).isString()
            && message.value("content_hash"_L1).isString()) {
            return tr("The server kept only the SHA-256 of this content (logging level \"metadata\"), so a copy "
                      "held elsewhere can be matched against it.");
        }
        if (column == TimeColumn)
            return message.value("timestamp"_L1).toString();
        return extrasText(message);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(isNumberColumn(column) ? Qt::AlignRight | Qt::AlignVCenter
                                                          : Qt::AlignLeft | Qt::AlignVCenter);
    case MessageJsonRole:
        return message;
    default:
        return {};
    }
}

QVariant MessageTableModel::displayData(const QJsonObject &message, Column column) const
{
    switch (column) {
    case RoleColumn:
        return message.value("role"_L1).toString();
    case TimeColumn:
        return localTimeText(message.value("timestamp"_L1));
    case ContentColumn:
        return contentText(message);
    case InputTokensColumn:
        return optionalCount(message.value("input_tokens"_L1));
    case OutputTokensColumn:
        return optionalCount(message.value("output_tokens"_L1));
    case ColumnCount:
        break;
    }
    return {};
}

// Tool calls, tool results and metadata on one line each, for the row's tooltip.
QString MessageTableModel::extrasText(const QJsonObject &message) const
{
    QStringList lines;
    const QList<QPair<QString, QLatin1StringView>> members{
        {tr("Tool calls"), "tool_calls"_L1},
        {tr("Tool results"), "tool_results"_L1},
        {tr("Metadata"), "metadata"_L1},
    };
    for (const auto &[label, member] : members) {
        const QJsonValue value = message.value(member);
        if (value.isNull() || value.isUndefined() || (value.isObject() && value.toObject().isEmpty()))
            continue;
        lines.append(tr("%1: %2").arg(label, compactJsonText(value)));
    }
    return lines.join(u'\n');
}

QVariant MessageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case RoleColumn:
        return tr("Role");
    case TimeColumn:
        return tr("Time");
    case ContentColumn:
        return tr("Content");
    case InputTokensColumn:
        return tr("Input tokens");
    case OutputTokensColumn:
        return tr("Output tokens");
    case ColumnCount:
        break;
    }
    return {};
}

void MessageTableModel::onFinished(api::ApiReply *reply)
{
    if (reply != m_reply)
        return;
    m_reply.clear();

    const QJsonObject body = reply->json().toObject();
    const QJsonValue messages = body.value("messages"_L1);
    if (!reply->isSuccess() || !messages.isArray()) {
        Q_EMIT loadingChanged(false);
        Q_EMIT loadFailed(reply->isSuccess()
                              ? tr("The server's conversation has no \"messages\" array; it may not be an llmring server.")
                              : reply->errorMessage());
        return;
    }

    QList<QJsonObject> rows;
    for (const QJsonValue &value : messages.toArray())
        rows.append(value.toObject());
    QJsonObject conversation = body;
    conversation.remove("messages"_L1);
    setConversation(conversation, rows);
    Q_EMIT loadingChanged(false);
    Q_EMIT loaded();
}

void MessageTableModel::setConversation(const QJsonObject &conversation, const QList<QJsonObject> &messages)
{
    beginResetModel();
    m_conversation = conversation;
    m_messages = messages;
    endResetModel();
}

} // namespace llmring::console
