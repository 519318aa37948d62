// SPDX-License-Identifier: MIT
// Applies numbered SQL migrations to the configured schema.

#pragma once

#include "migration.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace llmring {

class DatabaseConnection;

struct MigrationStatus
{
    int version = 0;
    QString name;
    std::optional<QString> appliedAt; // RFC 3339; absent while pending
    bool changed = false;             // applied, but the file's checksum differs now
};

// Migrations are recorded in `<schema>.schema_migrations(version, name, checksum,
// applied_at)`. Each one runs in its own transaction together with its record, and
// a PostgreSQL advisory lock keyed by the schema name serializes concurrent starts.
// A migration whose file changed after it was applied stops everything: the database
// no longer matches what the code expects.
class Migrator
{
public:
    Migrator(DatabaseConnection &connection, QList<Migration> migrations);

    // Applies the pending migrations in order and returns the names applied, or
    // std::nullopt with *error. Throws DatabaseError when the database fails.
    std::optional<QStringList> apply(QString *error,
                                     const std::function<void(const Migration &)> &onApplying = {});

    // Every migration known to this build or recorded in the database, in order.
    QList<MigrationStatus> status();

private:
    struct AppliedRecord
    {
        int version;
        QString name;
        QString checksum;
        QString appliedAt;
    };

    QList<AppliedRecord> readApplied();
    void ensureBookkeeping();
    void lock();
    void unlock();

    DatabaseConnection &m_connection;
    QList<Migration> m_migrations;
};

} // namespace llmring
