// SPDX-License-Identifier: MIT
// SQL for usage logs.

#pragma once

#include "domain/usagelogrequest.h"
#include "logcost.h"
#include "usagerecords.h"

namespace llmring {

class DatabaseConnection;

// Reads and writes `usage_logs` for one project at a time: every statement is
// filtered by the project id. Throws DatabaseError when a statement fails.
class UsageStore
{
public:
    explicit UsageStore(DatabaseConnection &connection);

    struct InsertResult
    {
        StoredLog log;
        bool created = false; // false: an (origin, id_at_origin) retry returned the first row
    };

    // Stores one log; the database computes a registry-priced cost from the prices.
    // `conversationId`, a conversation of the same project, links the row to it.
    InsertResult insert(const QString &projectId, const UsageLogRequest &request, const LogCost &cost,
                        const std::optional<QString> &conversationId = std::nullopt);

    // The database server's clock, which stamped every row's logged_at, so a range that
    // ends "now" includes a log written a moment ago even when the clocks differ.
    Timestamp currentTime();

    UsageStats stats(const QString &projectId, Timestamp start, Timestamp end, StatsPeriod period);

    // One page of rows, and the number of rows matching the filter.
    QList<UsageLogRow> list(const QString &projectId, const UsageLogFilter &filter, bool ascending, qint64 limit,
                            qint64 offset, qint64 *total);

private:
    std::optional<StoredLog> findByOrigin(const QString &projectId, const QString &origin,
                                          const QString &idAtOrigin);

    DatabaseConnection &m_connection;
};

} // namespace llmring
