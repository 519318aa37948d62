// SPDX-License-Identifier: MIT
// A throwaway schema for one test suite.

#pragma once

#include "app/settings.h"
#include "database/databaseconnection.h"

#include <QString>
#include <QVariantMap>

#include <memory>

namespace llmring::test {

// Creates nothing by itself: the schema is made by the service's migrations. Reads
// LLMRING_TEST_DATABASE_URL (scripts/test sets it) and picks a fresh schema name, so
// suites running in parallel never meet; the destructor drops the schema.
class TestDatabase
{
public:
    explicit TestDatabase(const QString &suiteName);
    ~TestDatabase();

    // False when LLMRING_TEST_DATABASE_URL is missing or invalid; see error().
    bool isConfigured() const { return m_configured; }
    const QString &error() const { return m_error; }

    // Settings for a service on 127.0.0.1, port 0 (any free port), two worker loops.
    Settings settings() const;
    const QString &schema() const { return m_schema; }
    const QString &databaseUrl() const { return m_databaseUrl; }

    // Runs SQL (with `{{schema}}` and `:name` placeholders) on the suite's own
    // connection; throws DatabaseError on failure.
    void exec(const QString &sql, const QVariantMap &values = {});
    // The first column of the first row.
    QVariant scalar(const QString &sql, const QVariantMap &values = {});

    // A schema name not used before, for tests that need a second one.
    static QString uniqueSchemaName(const QString &suiteName);
    void dropSchema(const QString &schema);

private:
    bool m_configured = false;
    QString m_error;
    QString m_databaseUrl;
    QString m_schema;
    Settings m_settings;
    std::unique_ptr<DatabaseConnection> m_connection;
};

} // namespace llmring::test
