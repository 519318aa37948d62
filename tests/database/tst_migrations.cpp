// SPDX-License-Identifier: MIT
// Schema migrations: `llmring-server migrate` and `migrate --status` run as the built
// program against a real PostgreSQL, and llmring::Migrator used directly for rollback
// and checksum cases. Every case works in a fresh schema that it drops afterwards.

#include "serverprocess.h"
#include "testdatabase.h"

#include "database/databaseconnection.h"
#include "database/databaseerror.h"
#include "database/migrator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

const QString MigrationName = QStringLiteral("001_usage.sql");

// An llmring-server process with no LLMRING_* variables besides the database URL.
class ServerProcess
{
public:
    ServerProcess(const QString &databaseUrl, const QStringList &arguments)
    {
        m_process.setProcessEnvironment(serverEnvironment({{QStringLiteral("LLMRING_DATABASE_URL"), databaseUrl}}));
        m_arguments = arguments;
    }

    ~ServerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5'000);
        }
    }

    void start() { m_process.start(qEnvironmentVariable("LLMRING_SERVER_BINARY"), m_arguments); }

    // Waits at most `timeoutMs` for the process to exit, and kills it if it is still running.
    ProcessResult finish(int timeoutMs = 30'000) { return finishProcess(m_process, timeoutMs); }

private:
    QProcess m_process;
    QStringList m_arguments;
};

// The number of migrations the llmring-server binary applies: the files it compiles in.
qint64 shippedMigrationCount()
{
    return QDir(QStringLiteral(LLMRING_MIGRATIONS_DIR)).entryList({QStringLiteral("*.sql")}, QDir::Files).size();
}

QByteArray migrationFileContents()
{
    QFile file(QStringLiteral(LLMRING_MIGRATIONS_DIR "/001_usage.sql"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Returns a loopback port that nothing listens on, found by binding port 0 and closing the socket.
quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class tst_Migrations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void migrateFreshSchema();
    void migrateConcurrently_data();
    void migrateConcurrently();
    void changedMigrationRejected();
    void unknownMigrationRejected();
    void statusFreshSchema();
    void statusAfterMigrate();
    void invalidSchemaName();
    void databaseUnreachable_data();
    void databaseUnreachable();

    void failedMigrationRollsBack();
    void changedChecksumInList();
    void newMigrationApplied();

private:
    // Returns a schema name not used before. cleanup() drops the schema after each test function.
    QString freshSchema();
    ProcessResult runServer(const QStringList &arguments);
    qint64 countRows(const QString &schema, const QString &table);
    bool relationExists(const QString &schema, const QString &relation);
    bool schemaExists(const QString &schema);
    std::unique_ptr<DatabaseConnection> openConnection(const QString &schema);

    std::unique_ptr<TestDatabase> m_database;
    QStringList m_schemas;
    QByteArray m_migrationFile;
};

void tst_Migrations::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("LLMRING_SERVER_BINARY").isEmpty(),
             "LLMRING_SERVER_BINARY is not set; run the suite through ctest, or set it to the built llmring-server");
    m_database = std::make_unique<TestDatabase>(QStringLiteral("migrations"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    m_migrationFile = migrationFileContents();
    QVERIFY2(!m_migrationFile.isEmpty(), LLMRING_MIGRATIONS_DIR "/001_usage.sql is missing or empty");
}

void tst_Migrations::cleanup()
{
    for (const QString &schema : std::as_const(m_schemas))
        m_database->dropSchema(schema);
    m_schemas.clear();
}

void tst_Migrations::cleanupTestCase()
{
    m_database.reset();
}

QString tst_Migrations::freshSchema()
{
    const QString schema = TestDatabase::uniqueSchemaName(QStringLiteral("migrations"));
    m_schemas.append(schema);
    return schema;
}

ProcessResult tst_Migrations::runServer(const QStringList &arguments)
{
    ServerProcess process(m_database->databaseUrl(), arguments);
    process.start();
    return process.finish();
}

qint64 tst_Migrations::countRows(const QString &schema, const QString &table)
{
    return m_database->scalar(QStringLiteral("SELECT count(*) FROM %1.%2").arg(schema, table)).toLongLong();
}

bool tst_Migrations::relationExists(const QString &schema, const QString &relation)
{
    return m_database
        ->scalar(QStringLiteral("SELECT to_regclass(:name) IS NOT NULL"),
                 {{QStringLiteral("name"), schema + u'.' + relation}})
        .toBool();
}

bool tst_Migrations::schemaExists(const QString &schema)
{
    return m_database
               ->scalar(QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = :name"),
                        {{QStringLiteral("name"), schema}})
               .toLongLong()
        == 1;
}

std::unique_ptr<DatabaseConnection> tst_Migrations::openConnection(const QString &schema)
{
    return std::make_unique<DatabaseConnection>(m_database->settings().database, schema,
                                                QStringLiteral("tst-migrations-") + schema);
}

void tst_Migrations::migrateFreshSchema()
{
    const QString schema = freshSchema();

    const ProcessResult first = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});
    const ProcessResult second = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});

    QVERIFY(first.finished);
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.standardOutput.contains(QStringLiteral("Applying ") + MigrationName),
             qPrintable(first.standardOutput));
    QVERIFY(second.finished);
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(!second.standardOutput.contains(QLatin1String("Applying")), qPrintable(second.standardOutput));
    QCOMPARE(countRows(schema, QStringLiteral("schema_migrations")), shippedMigrationCount());
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT version FROM %1.schema_migrations").arg(schema)).toInt(), 1);
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT name FROM %1.schema_migrations").arg(schema)).toString(),
             MigrationName);
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT checksum FROM %1.schema_migrations").arg(schema)).toString(),
             sha256Hex(m_migrationFile));
    QVERIFY(relationExists(schema, QStringLiteral("usage_logs")));
}

void tst_Migrations::migrateConcurrently_data()
{
    QTest::addColumn<int>("attempt");

    for (int attempt = 1; attempt <= 5; ++attempt)
        QTest::addRow("attempt %d", attempt) << attempt;
}

void tst_Migrations::migrateConcurrently()
{
    const QString schema = freshSchema();
    const QStringList arguments{QStringLiteral("migrate"), QStringLiteral("--schema"), schema};
    ServerProcess first(m_database->databaseUrl(), arguments);
    ServerProcess second(m_database->databaseUrl(), arguments);

    first.start();
    second.start();
    const ProcessResult firstResult = first.finish();
    const ProcessResult secondResult = second.finish();

    QVERIFY(firstResult.finished);
    QVERIFY(secondResult.finished);
    QVERIFY2(firstResult.exitCode == 0, qPrintable(firstResult.standardError));
    QVERIFY2(secondResult.exitCode == 0, qPrintable(secondResult.standardError));
    const QString applying = QStringLiteral("Applying ") + MigrationName;
    QCOMPARE(firstResult.standardOutput.count(applying) + secondResult.standardOutput.count(applying), qsizetype(1));
    QCOMPARE(countRows(schema, QStringLiteral("schema_migrations")), shippedMigrationCount());
    QVERIFY(relationExists(schema, QStringLiteral("usage_logs")));
}

void tst_Migrations::changedMigrationRejected()
{
    const QString schema = freshSchema();
    const QString otherChecksum(64, u'0');
    const ProcessResult setup = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});
    QCOMPARE(setup.exitCode, 0);
    m_database->exec(QStringLiteral("UPDATE %1.schema_migrations SET checksum = :checksum").arg(schema),
                     {{QStringLiteral("checksum"), otherChecksum}});

    const ProcessResult migrate = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});
    const ProcessResult status =
        runServer({QStringLiteral("migrate"), QStringLiteral("--status"), QStringLiteral("--schema"), schema});

    QVERIFY(migrate.finished);
    QCOMPARE(migrate.exitCode, 1);
    QVERIFY2(migrate.standardError.contains(MigrationName), qPrintable(migrate.standardError));
    QVERIFY2(migrate.standardError.contains(QLatin1String("was changed after it was applied")),
             qPrintable(migrate.standardError));
    QVERIFY2(!migrate.standardOutput.contains(QLatin1String("Applying")), qPrintable(migrate.standardOutput));
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT checksum FROM %1.schema_migrations").arg(schema)).toString(),
             otherChecksum);
    QVERIFY(status.finished);
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.standardOutput.contains(QLatin1String("CHANGED")), qPrintable(status.standardOutput));
}

void tst_Migrations::unknownMigrationRejected()
{
    const QString schema = freshSchema();
    const ProcessResult setup = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});
    QCOMPARE(setup.exitCode, 0);
    m_database->exec(
        QStringLiteral("INSERT INTO %1.schema_migrations (version, name, checksum) VALUES (999, '999_future.sql', 'f')")
            .arg(schema));

    const ProcessResult migrate = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});

    QVERIFY(migrate.finished);
    QCOMPARE(migrate.exitCode, 1);
    QVERIFY2(migrate.standardError.contains(QLatin1String("999_future.sql")), qPrintable(migrate.standardError));
    QVERIFY2(migrate.standardError.contains(QLatin1String("does not know")), qPrintable(migrate.standardError));
    QCOMPARE(countRows(schema, QStringLiteral("schema_migrations")), shippedMigrationCount() + 1);
}

void tst_Migrations::statusFreshSchema()
{
    const QString schema = freshSchema();

    const ProcessResult status =
        runServer({QStringLiteral("migrate"), QStringLiteral("--status"), QStringLiteral("--schema"), schema});

    QVERIFY(status.finished);
    QCOMPARE(status.exitCode, 0);
    static const QRegularExpression pendingLine(QStringLiteral("^001\\s+001_usage\\.sql\\s+pending$"),
                                                QRegularExpression::MultilineOption);
    QVERIFY2(pendingLine.match(status.standardOutput).hasMatch(), qPrintable(status.standardOutput));
    QVERIFY(!schemaExists(schema));
}

void tst_Migrations::statusAfterMigrate()
{
    const QString schema = freshSchema();
    const ProcessResult setup = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});
    QCOMPARE(setup.exitCode, 0);

    const ProcessResult status =
        runServer({QStringLiteral("migrate"), QStringLiteral("--status"), QStringLiteral("--schema"), schema});

    QVERIFY(status.finished);
    QCOMPARE(status.exitCode, 0);
    static const QRegularExpression appliedLine(
        QStringLiteral("^001\\s+001_usage\\.sql\\s+applied \\d{4}-\\d\\d-\\d\\dT"),
        QRegularExpression::MultilineOption);
    QVERIFY2(appliedLine.match(status.standardOutput).hasMatch(), qPrintable(status.standardOutput));
    QVERIFY2(!status.standardOutput.contains(QLatin1String("pending")), qPrintable(status.standardOutput));
}

void tst_Migrations::invalidSchemaName()
{
    const ProcessResult migrate =
        runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), QStringLiteral("Bad-Name")});

    QVERIFY(migrate.finished);
    QCOMPARE(migrate.exitCode, 2);
    QVERIFY2(migrate.standardError.contains(QLatin1String("--schema")), qPrintable(migrate.standardError));
    QVERIFY(!schemaExists(QStringLiteral("Bad-Name")));
}

void tst_Migrations::databaseUnreachable_data()
{
    QTest::addColumn<QStringList>("arguments");

    QTest::newRow("migrate") << QStringList{QStringLiteral("migrate")};
    QTest::newRow("migrate --status") << QStringList{QStringLiteral("migrate"), QStringLiteral("--status")};
}

void tst_Migrations::databaseUnreachable()
{
    QFETCH(QStringList, arguments);
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    const QString password = QStringLiteral("Secr3tPassw0rd");
    const QString url = QStringLiteral("postgresql://postgres:%1@127.0.0.1:%2/postgres").arg(password).arg(port);
    ServerProcess process(url, arguments + QStringList{QStringLiteral("--schema"), freshSchema()});

    process.start();
    // A refused connection fails at once, and the default connect_timeout of 5 s bounds a slower failure.
    const ProcessResult result = process.finish(20'000);

    QVERIFY(result.finished);
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.standardError.contains(QStringLiteral("127.0.0.1:%1").arg(port)),
             qPrintable(result.standardError));
    QVERIFY2(result.standardError.contains(QLatin1String("cannot connect"), Qt::CaseInsensitive),
             qPrintable(result.standardError));
    QVERIFY2(result.standardError.contains(QLatin1String("Connection refused")), qPrintable(result.standardError));
    QVERIFY2(!result.standardError.contains(password), qPrintable(result.standardError));
}

void tst_Migrations::failedMigrationRollsBack()
{
    const QString schema = freshSchema();
    const Migration broken = Migration::fromFile(
        2, QStringLiteral("002_broken.sql"),
        "CREATE TABLE {{schema}}.partial_table (id integer);\n"
        "INSERT INTO {{schema}}.partial_table VALUES (1);\n"
        "CREATE TABLE {{schema}}.second_table (id integer;\n");
    const auto connection = openConnection(schema);
    Migrator migrator(*connection, {Migration::fromFile(1, MigrationName, m_migrationFile), broken});
    QString error;
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^migration 002_broken\\.sql failed")));

    QVERIFY_THROWS_EXCEPTION(DatabaseError, migrator.apply(&error));

    QVERIFY(!relationExists(schema, QStringLiteral("partial_table")));
    QVERIFY(!relationExists(schema, QStringLiteral("second_table")));
    QVERIFY(relationExists(schema, QStringLiteral("usage_logs")));
    QCOMPARE(countRows(schema, QStringLiteral("schema_migrations")), qint64(1));
    QCOMPARE(m_database->scalar(QStringLiteral("SELECT max(version) FROM %1.schema_migrations").arg(schema)).toInt(),
             1);
    // apply() threw, but it must still have released the migration lock. Otherwise a migrate
    // run on another connection, while this one stays open, waits for the lock until killed.
    const ProcessResult migrate = runServer({QStringLiteral("migrate"), QStringLiteral("--schema"), schema});
    QVERIFY(migrate.finished);
    QCOMPARE(migrate.exitCode, 0);
}

void tst_Migrations::changedChecksumInList()
{
    const QString schema = freshSchema();
    const auto connection = openConnection(schema);
    const Migration original = Migration::fromFile(1, MigrationName, m_migrationFile);
    const Migration edited = Migration::fromFile(1, MigrationName, m_migrationFile + "\n-- edited\n");
    QString error;
    const auto applied = Migrator(*connection, {original}).apply(&error);
    QVERIFY2(applied.has_value(), qPrintable(error));
    QCOMPARE(*applied, QStringList{MigrationName});

    const auto reapplied = Migrator(*connection, {original}).apply(&error);
    const auto rejected = Migrator(*connection, {edited}).apply(&error);
    const QList<MigrationStatus> statuses = Migrator(*connection, {edited}).status();

    QVERIFY(reapplied.has_value());
    QCOMPARE(*reapplied, QStringList());
    QVERIFY(!rejected.has_value());
    QVERIFY2(error.contains(MigrationName), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("was changed after it was applied")), qPrintable(error));
    QCOMPARE(statuses.size(), qsizetype(1));
    QVERIFY(statuses.at(0).changed);
    QVERIFY(statuses.at(0).appliedAt.has_value());
}

void tst_Migrations::newMigrationApplied()
{
    const QString schema = freshSchema();
    const auto connection = openConnection(schema);
    const Migration first = Migration::fromFile(1, MigrationName, m_migrationFile);
    const Migration second = Migration::fromFile(2, QStringLiteral("002_notes.sql"),
                                                 "CREATE TABLE {{schema}}.notes (id integer PRIMARY KEY);\n");
    QString error;
    QVERIFY(Migrator(*connection, {first}).apply(&error).has_value());
    const QList<MigrationStatus> before = Migrator(*connection, {first, second}).status();

    QStringList announced;
    const auto applied = Migrator(*connection, {first, second}).apply(&error, [&announced](const Migration &migration) {
        announced.append(migration.name);
    });

    QCOMPARE(before.size(), qsizetype(2));
    QVERIFY(before.at(0).appliedAt.has_value());
    QVERIFY(!before.at(1).appliedAt.has_value());
    QVERIFY2(applied.has_value(), qPrintable(error));
    QCOMPARE(*applied, QStringList{QStringLiteral("002_notes.sql")});
    QCOMPARE(announced, QStringList{QStringLiteral("002_notes.sql")});
    QVERIFY(relationExists(schema, QStringLiteral("notes")));
    QCOMPARE(countRows(schema, QStringLiteral("schema_migrations")), qint64(2));
}

QTEST_GUILESS_MAIN(tst_Migrations)
#include "tst_migrations.moc"
