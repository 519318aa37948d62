// SPDX-License-Identifier: MIT

#include "testdatabase.h"

#include "registryfixtures.h"

#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSqlQuery>

namespace llmring::test {

QString TestDatabase::uniqueSchemaName(const QString &suiteName)
{
    return QStringLiteral("t_%1_%2")
        .arg(suiteName.toLower().left(30))
        .arg(QRandomGenerator::global()->generate64() % 1'000'000'000'000ULL, 12, 10, QLatin1Char('0'));
}

TestDatabase::TestDatabase(const QString &suiteName)
{
    m_databaseUrl = QProcessEnvironment::systemEnvironment().value(QStringLiteral("LLMRING_TEST_DATABASE_URL"));
    if (m_databaseUrl.isEmpty()) {
        m_error = QStringLiteral("LLMRING_TEST_DATABASE_URL is not set; run the suites through scripts/test, "
                                 "or point it at a PostgreSQL database the tests may create schemas in");
        return;
    }
    m_schema = uniqueSchemaName(suiteName);
    if (!m_settings.setDatabaseUrl(m_databaseUrl, QStringLiteral("LLMRING_TEST_DATABASE_URL"), &m_error)
        || !m_settings.setSchema(m_schema, QStringLiteral("schema"), &m_error)) {
        return;
    }
    m_settings.host = QHostAddress(QHostAddress::LocalHost);
    m_settings.port = 0;
    m_settings.workers = 2;
    // The fixture registry, so no test depends on the network.
    m_settings.registry.baseUrl = registryFixtureUrl();
    m_connection = std::make_unique<DatabaseConnection>(m_settings.database, m_schema,
                                                        QStringLiteral("test-fixture-") + m_schema);
    m_configured = true;
}

TestDatabase::~TestDatabase()
{
    if (!m_configured)
        return;
    try {
        dropSchema(m_schema);
    } catch (const std::exception &) {
        // The database may be gone already (outage tests); a leftover schema in a
        // throwaway cluster does no harm.
    }
}

Settings TestDatabase::settings() const
{
    return m_settings;
}

void TestDatabase::dropSchema(const QString &schema)
{
    Q_ASSERT(isValidSchemaName(schema));
    m_connection->execText(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema), QStringLiteral("drop schema"));
}

void TestDatabase::exec(const QString &sql, const QVariantMap &values)
{
    QSqlQuery query = m_connection->prepareOnce(sql);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        query.bindValue(u':' + it.key(), it.value());
    m_connection->exec(query, QStringLiteral("test fixture SQL"));
}

QVariant TestDatabase::scalar(const QString &sql, const QVariantMap &values)
{
    QSqlQuery query = m_connection->prepareOnce(sql);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        query.bindValue(u':' + it.key(), it.value());
    m_connection->exec(query, QStringLiteral("test fixture SQL"));
    return query.next() ? query.value(0) : QVariant();
}

} // namespace llmring::test
