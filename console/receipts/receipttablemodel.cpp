// SPDX-License-Identifier: MIT

#include "receipttablemodel.h"

#include "common/costformat.h"

#include "json/canonicaljson.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace llmring::console {

namespace {

// The page size bounds of GET /api/v1/receipts.
constexpr int MinPageSize = 1;
constexpr int MaxPageSize = 1000;

bool isNumberColumn(int column)
{
    switch (static_cast<ReceiptTableModel::Column>(column)) {
    case ReceiptTableModel::InputTokensColumn:
    case ReceiptTableModel::OutputTokensColumn:
    case ReceiptTableModel::CachedInputTokensColumn:
    case ReceiptTableModel::CostColumn:
        return true;
    case ReceiptTableModel::IdColumn:
    case ReceiptTableModel::TimestampColumn:
    case ReceiptTableModel::ModelColumn:
    case ReceiptTableModel::AliasColumn:
    case ReceiptTableModel::ProfileColumn:
    case ReceiptTableModel::KeyIdColumn:
    case ReceiptTableModel::ColumnCount:
        break;
    }
    return false;
}

} // namespace

ReceiptTableModel::ReceiptTableModel(api::ApiClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
}

ReceiptTableModel::~ReceiptTableModel()
{
    api::discardReply(m_reply, this);
}

void ReceiptTableModel::setFilter(const api::ReceiptQuery &filter)
{
    m_filter = filter;
}

void ReceiptTableModel::setPageSize(int pageSize)
{
    m_pageSize = std::clamp(pageSize, MinPageSize, MaxPageSize);
}

void ReceiptTableModel::refresh()
{
    api::discardReply(m_reply, this);
    beginResetModel();
    m_rows.clear();
    m_ids.clear();
    m_total = -1;
    m_nextOffset = 0;
    m_reachedEnd = false;
    m_failed = false;
    endResetModel();
    requestPage();
}

void ReceiptTableModel::cancel()
{
    if (!isLoading())
        return;
    api::discardReply(m_reply, this);
    Q_EMIT loadingChanged(false);
}

QString ReceiptTableModel::receiptId(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row).id;
}

int ReceiptTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ReceiptTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReceiptTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, index.column());
    case Qt::ToolTipRole:
        // The amount exactly as the receipt's canonical form writes it.
        if (index.column() == CostColumn)
            return QString::fromUtf8(json::canonicalize(QJsonValue(row.cost)));
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(isNumberColumn(index.column()) ? Qt::AlignRight | Qt::AlignVCenter
                                                                   : Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant ReceiptTableModel::displayData(const Row &row, int column) const
{
    switch (static_cast<Column>(column)) {
    case IdColumn:
        return row.id;
    case TimestampColumn:
        return row.timestamp;
    case ModelColumn:
        return row.model;
    case AliasColumn:
        return row.alias;
    case ProfileColumn:
        return row.profile;
    case InputTokensColumn:
        return row.inputTokens;
    case OutputTokensColumn:
        return row.outputTokens;
    case CachedInputTokensColumn:
        return row.cachedInputTokens;
    case CostColumn:
        return formatDollars(row.cost);
    case KeyIdColumn:
        return row.keyId;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ReceiptTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case IdColumn:
        return tr("Receipt");
    case TimestampColumn:
        return tr("Timestamp");
    case ModelColumn:
        return tr("Model");
    case AliasColumn:
        return tr("Alias");
    case ProfileColumn:
        return tr("Profile");
    case InputTokensColumn:
        return tr("Input tokens");
    case OutputTokensColumn:
        return tr("Output tokens");
    case CachedInputTokensColumn:
        return tr("Cached input");
    case CostColumn:
        return tr("Cost");
    case KeyIdColumn:
        return tr("Key id");
    case ColumnCount:
        break;
    }
    return {};
}

bool ReceiptTableModel::canFetchMore(const QModelIndex &parent) const
{
    if (parent.isValid() || isLoading() || m_failed || m_reachedEnd || m_total < 0)
        return false;
    return m_nextOffset < m_total;
}

void ReceiptTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void ReceiptTableModel::requestPage()
{
    api::ReceiptQuery query = m_filter;
    query.limit = m_pageSize;
    query.offset = m_nextOffset;
    api::ApiReply *reply = m_client.receipts(query);
    m_reply = reply;
    connect(reply, &api::ApiReply::finished, this, [this, reply] { onPageFinished(reply); });
    Q_EMIT loadingChanged(true);
}

void ReceiptTableModel::onPageFinished(api::ApiReply *reply)
{
    if (reply != m_reply)
        return;
    m_reply.clear();

    const QJsonObject body = reply->json().toObject();
    const QJsonValue receipts = body.value("receipts"_L1);
    if (!reply->isSuccess() || !receipts.isArray() || !body.value("total"_L1).isDouble()) {
        m_failed = true;
        Q_EMIT loadingChanged(false);
        Q_EMIT loadFailed(reply->isSuccess() ? tr("The server's receipt list has no \"receipts\" array or \"total\".")
                                             : reply->errorMessage());
        return;
    }

    QList<Row> page;
    for (const QJsonValue &value : receipts.toArray()) {
        const QJsonObject receipt = value.toObject();
        const QJsonObject tokens = receipt.value("tokens"_L1).toObject();
        Row row;
        row.id = receipt.value("id"_L1).toString();
        row.timestamp = receipt.value("timestamp"_L1).toString();
        row.model = receipt.value("model"_L1).toString();
        row.alias = receipt.value("alias"_L1).toString();
        row.profile = receipt.value("profile"_L1).toString();
        row.inputTokens = tokens.value("input"_L1).toInteger();
        row.outputTokens = tokens.value("output"_L1).toInteger();
        row.cachedInputTokens = tokens.value("cached_input"_L1).toInteger();
        row.cost = receipt.value("cost"_L1).toObject().value("amount"_L1).toDouble();
        row.keyId = receipt.value("key_id"_L1).toString();
        if (m_ids.contains(row.id))
            continue;
        m_ids.insert(row.id);
        page.append(row);
    }
    m_nextOffset += static_cast<int>(receipts.toArray().size());
    m_total = body.value("total"_L1).toInteger();
    // A page shorter than asked is the last one, even when `total` still counts receipts
    // that were deleted meanwhile.
    m_reachedEnd = receipts.toArray().size() < m_pageSize;

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
