// SPDX-License-Identifier: MIT

#include "migrator.h"

#include "databaseconnection.h"
#include "databaseerror.h"
#include "sqlvalues.h"
#include "transaction.h"

#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcDatabase)

namespace llmring {

namespace {

// First half of the advisory lock key: a constant chosen for this service, so that the
// lock is unlikely to collide with advisory locks other programs take on the database.
constexpr int MigrationLockClass = 0x4c4c4d52; // "LLMR"

} // namespace

Migrator::Migrator(DatabaseConnection &connection, QList<Migration> migrations)
    : m_connection(connection)
    , m_migrations(std::move(migrations))
{
}

void Migrator::lock()
{
    QSqlQuery query = m_connection.prepareOnce(QStringLiteral("SELECT pg_advisory_lock(:class, hashtext(:schema))"));
    query.bindValue(QStringLiteral(":class"), MigrationLockClass);
    query.bindValue(QStringLiteral(":schema"), m_connection.schema());
    m_connection.exec(query, QStringLiteral("take the migration lock"));
}

void Migrator::unlock()
{
    QSqlQuery query = m_connection.prepareOnce(QStringLiteral("SELECT pg_advisory_unlock(:class, hashtext(:schema))"));
    query.bindValue(QStringLiteral(":class"), MigrationLockClass);
    query.bindValue(QStringLiteral(":schema"), m_connection.schema());
    m_connection.exec(query, QStringLiteral("release the migration lock"));
}

void Migrator::ensureBookkeeping()
{
    m_connection.execText(QStringLiteral("CREATE SCHEMA IF NOT EXISTS {{schema}}"), QStringLiteral("create schema"));
    m_connection.execText(QStringLiteral("CREATE TABLE IF NOT EXISTS {{schema}}.schema_migrations ("
                                         " version integer PRIMARY KEY,"
                                         " name text NOT NULL,"
                                         " checksum text NOT NULL,"
                                         " applied_at timestamptz NOT NULL DEFAULT now())"),
                          QStringLiteral("create schema_migrations"));
}

QList<Migrator::AppliedRecord> Migrator::readApplied()
{
    QSqlQuery query = m_connection.prepareOnce(
        QStringLiteral("SELECT version, name, checksum, %1 FROM {{schema}}.schema_migrations ORDER BY version")
            .arg(timestampColumn(QStringLiteral("applied_at"))));
    m_connection.exec(query, QStringLiteral("read schema_migrations"));
    QList<AppliedRecord> applied;
    while (query.next()) {
        applied.append({query.value(0).toInt(), query.value(1).toString(), query.value(2).toString(),
                        query.value(3).toString()});
    }
    return applied;
}

std::optional<QStringList> Migrator::apply(QString *error, const std::function<void(const Migration &)> &onApplying)
{
    lock();
    const auto unlockOnExit = qScopeGuard([this] {
        if (!m_connection.isOpen())
            return; // the lock went away with the connection
        try {
            unlock();
        } catch (const DatabaseError &unlockError) {
            qCWarning(lcDatabase).noquote() << unlockError.what();
        }
    });

    ensureBookkeeping();
    const QList<AppliedRecord> applied = readApplied();

    for (const AppliedRecord &record : applied) {
        const auto known = std::find_if(m_migrations.cbegin(), m_migrations.cend(),
                                        [&record](const Migration &m) { return m.version == record.version; });
        if (known == m_migrations.cend()) {
            *error = QStringLiteral("the database has migration %1 (%2) applied, which this version of "
                                    "llmring-server does not know; run a newer llmring-server")
                         .arg(record.version)
                         .arg(record.name);
            return std::nullopt;
        }
        if (known->checksum != record.checksum) {
            *error = QStringLiteral("migration %1 was changed after it was applied (checksum %2 in the "
                                    "database, %3 now); restore the original file and add a new migration "
                                    "for the change")
                         .arg(known->name, record.checksum.left(12), known->checksum.left(12));
            return std::nullopt;
        }
    }

    QStringList appliedNow;
    for (const Migration &migration : std::as_const(m_migrations)) {
        const bool done = std::any_of(applied.cbegin(), applied.cend(),
                                      [&migration](const AppliedRecord &r) { return r.version == migration.version; });
        if (done)
            continue;
        if (onApplying)
            onApplying(migration);

        Transaction transaction(m_connection);
        m_connection.execText(migration.sql, QStringLiteral("migration %1").arg(migration.name));
        QSqlQuery record = m_connection.prepareOnce(QStringLiteral(
            "INSERT INTO {{schema}}.schema_migrations (version, name, checksum) VALUES (:version, :name, :checksum)"));
        record.bindValue(QStringLiteral(":version"), migration.version);
        record.bindValue(QStringLiteral(":name"), migration.name);
        record.bindValue(QStringLiteral(":checksum"), migration.checksum);
        m_connection.exec(record, QStringLiteral("record migration %1").arg(migration.name));
        transaction.commit();

        qCInfo(lcDatabase).noquote() << "Applied migration" << migration.name << "to schema" << m_connection.schema();
        appliedNow.append(migration.name);
    }
    return appliedNow;
}

QList<MigrationStatus> Migrator::status()
{
    QList<AppliedRecord> applied;
    QSqlQuery exists = m_connection.prepareOnce(QStringLiteral("SELECT to_regclass(:table) IS NOT NULL"));
    exists.bindValue(QStringLiteral(":table"), m_connection.schema() + QStringLiteral(".schema_migrations"));
    m_connection.exec(exists, QStringLiteral("look up schema_migrations"));
    if (exists.next() && exists.value(0).toBool())
        applied = readApplied();

    QList<MigrationStatus> result;
    for (const Migration &migration : std::as_const(m_migrations)) {
        MigrationStatus status{migration.version, migration.name, std::nullopt, false};
        for (const AppliedRecord &record : std::as_const(applied)) {
            if (record.version == migration.version) {
                status.appliedAt = record.appliedAt;
                status.changed = record.checksum != migration.checksum;
            }
        }
        result.append(status);
    }
    for (const AppliedRecord &record : std::as_const(applied)) {
        const bool known = std::any_of(m_migrations.cbegin(), m_migrations.cend(),
                                       [&record](const Migration &m) { return m.version == record.version; });
        if (!known)
            result.append({record.version, record.name, record.appliedAt, false});
    }
    std::sort(result.begin(), result.end(),
              [](const MigrationStatus &a, const MigrationStatus &b) { return a.version < b.version; });
    return result;
}

} // namespace llmring
