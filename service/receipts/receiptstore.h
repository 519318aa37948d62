// SPDX-License-Identifier: MIT
// SQL for stored receipts.

#pragma once

#include "core/timestamp.h"
#include "domain/receipt.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// A receipt as stored: the canonical text of its members and its 64 signature bytes.
struct StoredReceipt
{
    QByteArray canonicalMembers;
    QByteArray signature;
};

struct ReceiptFilter
{
    std::optional<Timestamp> start; // inclusive
    std::optional<Timestamp> end;   // exclusive
    std::optional<QString> model;
    std::optional<QString> alias;
};

// Reads and writes `receipts` for one project at a time. Throws DatabaseError.
class ReceiptStore
{
public:
    explicit ReceiptStore(DatabaseConnection &connection);

    enum class InsertResult {
        Created,
        AlreadyStored, // the same id with the same canonical members and signature
        Conflict,      // the same id with other content
    };

    InsertResult insert(const QString &projectId, const Receipt &receipt, const QByteArray &canonicalMembers,
                        const QByteArray &signature, Timestamp signedAt);

    std::optional<StoredReceipt> find(const QString &projectId, const QString &receiptId);

    // Newest first (by the receipt's own timestamp), with the number of matching receipts.
    QList<StoredReceipt> list(const QString &projectId, const ReceiptFilter &filter, qint64 limit, qint64 offset,
                              qint64 *total);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
