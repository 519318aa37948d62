// SPDX-License-Identifier: MIT
// Configuration: Settings::fromEnvironment defaults, accepted and rejected values of each
// LLMRING_* variable, DatabaseConfig::fromUrl, and the llmring-server command line.

#include "app/settings.h"
#include "database/databaseconfig.h"
#include "serverprocess.h"

#include <QProcess>
#include <QTest>
#include <QThread>

using llmring::DatabaseConfig;
using llmring::Settings;
using llmring::test::finishProcess;
using llmring::test::ProcessResult;
using llmring::test::serverEnvironment;

namespace {

// A password that must never appear in an error message or a log line.
const QString SecretPassword = QStringLiteral("Secr3tPassw0rd");

QProcessEnvironment environmentWith(const QList<QPair<QString, QString>> &variables)
{
    QProcessEnvironment environment;
    for (const auto &[name, value] : variables)
        environment.insert(name, value);
    return environment;
}

// Runs llmring-server with `arguments` and no LLMRING_* variables besides `variables`,
// and waits at most 30 s for it to exit. The database URL points at a closed port, so
// a command that wrongly tried to serve or migrate fails fast instead of touching a
// real database.
ProcessResult runServer(const QStringList &arguments, const QList<QPair<QString, QString>> &variables = {})
{
    QList<QPair<QString, QString>> environment{
        {QStringLiteral("LLMRING_DATABASE_URL"), QStringLiteral("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")}};
    environment.append(variables);

    QProcess process;
    process.setProcessEnvironment(serverEnvironment(environment));
    process.start(qEnvironmentVariable("LLMRING_SERVER_BINARY"), arguments);
    return finishProcess(process, 30'000);
}

} // namespace

class tst_Settings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void defaults();
    void invalidValue_data();
    void invalidValue();
    void registryBaseUrl_data();
    void registryBaseUrl();
    void registrySettings();
    void passwordNotInError_data();
    void passwordNotInError();
    void passwordNotInSummary();
    void corsOrigins_data();
    void corsOrigins();
    void host_data();
    void host();
    void acceptedLimits();
    void conversationSettings_data();
    void conversationSettings();
    void workersCappedByPool_data();
    void workersCappedByPool();

    void databaseUrl_data();
    void databaseUrl();
    void databaseUrlRedacted();

    void commandHelp();
    void commandVersion();
    void commandUsageError_data();
    void commandUsageError();
};

void tst_Settings::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("LLMRING_SERVER_BINARY").isEmpty(),
             "LLMRING_SERVER_BINARY is not set; run the suite through ctest, or set it to the built llmring-server");
}

void tst_Settings::defaults()
{
    QString error;

    const auto settings = Settings::fromEnvironment(QProcessEnvironment(), &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->schema, QStringLiteral("llmring"));
    QCOMPARE(settings->port, quint16(8000));
    QCOMPARE(settings->host, QHostAddress(QStringLiteral("127.0.0.1")));
    QCOMPARE(settings->poolSize, 20);
    QCOMPARE(settings->corsOrigins,
             QStringList({QStringLiteral("http://localhost:5173"), QStringLiteral("http://localhost:5174")}));
    QCOMPARE(settings->maxBodyBytes, qint64(10485760));
    QCOMPARE(settings->logLevel, QStringLiteral("info"));
    QCOMPARE(settings->database.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(settings->database.port, 55432);
    QCOMPARE(settings->database.user, QStringLiteral("postgres"));
    QCOMPARE(settings->database.databaseName, QStringLiteral("llmring"));
    QCOMPARE(settings->database.connectOptions, QStringLiteral("connect_timeout=5"));
    QCOMPARE(settings->registry.baseUrl, QUrl(QStringLiteral("https://llmring.github.io/registry/")));
    QCOMPARE(settings->registry.cacheTtl, std::chrono::seconds(3600));
    QCOMPARE(settings->registry.fetchTimeout, std::chrono::seconds(10));
    QVERIFY(!settings->registry.redis);
    QCOMPARE(settings->conversations.loggingLevel, llmring::MessageLoggingLevel::Full);
    QCOMPARE(settings->conversations.retentionDays, qint64(30));
    QVERIFY(settings->conversations.trackingEnabled);
}

void tst_Settings::invalidValue_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");

    QTest::newRow("port not a number") << "LLMRING_PORT" << "abc";
    QTest::newRow("port above 65535") << "LLMRING_PORT" << "70000";
    QTest::newRow("port negative") << "LLMRING_PORT" << "-1";
    QTest::newRow("port with fraction") << "LLMRING_PORT" << "80.5";
    QTest::newRow("host not an address") << "LLMRING_HOST" << "999.1.1.1";
    QTest::newRow("url of another database") << "LLMRING_DATABASE_URL" << "mysql://x";
    QTest::newRow("url not a url") << "LLMRING_DATABASE_URL" << "not a url";
    QTest::newRow("url unknown parameter") << "LLMRING_DATABASE_URL" << "postgresql://u@h/db?sslmod=require";
    QTest::newRow("url port out of range") << "LLMRING_DATABASE_URL" << "postgresql://u@h:70000/db";
    QTest::newRow("url path too deep") << "LLMRING_DATABASE_URL" << "postgresql://u@h/db/extra";
    QTest::newRow("url option with semicolon") << "LLMRING_DATABASE_URL"
                                               << "postgresql://u@h/db?application_name=a;sslmode=disable";
    QTest::newRow("schema uppercase") << "LLMRING_DATABASE_SCHEMA" << "Bad";
    QTest::newRow("schema leading digit") << "LLMRING_DATABASE_SCHEMA" << "1abc";
    QTest::newRow("schema 64 characters") << "LLMRING_DATABASE_SCHEMA" << QString(64, u'a');
    QTest::newRow("schema with hyphen") << "LLMRING_DATABASE_SCHEMA" << "bad-name";
    QTest::newRow("schema with quote") << "LLMRING_DATABASE_SCHEMA" << "x\"; DROP SCHEMA public; --";
    QTest::newRow("workers zero") << "LLMRING_WORKERS" << "0";
    QTest::newRow("workers not a number") << "LLMRING_WORKERS" << "x";
    QTest::newRow("pool size zero") << "LLMRING_DATABASE_POOL_SIZE" << "0";
    QTest::newRow("max body below 1024") << "LLMRING_MAX_BODY_BYTES" << "10";
    QTest::newRow("log level unknown") << "LLMRING_LOG_LEVEL" << "verbose";
    QTest::newRow("cors ftp origin") << "LLMRING_CORS_ORIGINS" << "ftp://x";
    QTest::newRow("cors malformed JSON array") << "LLMRING_CORS_ORIGINS" << "[\"http://a.example\",";
    QTest::newRow("cors JSON array of numbers") << "LLMRING_CORS_ORIGINS" << "[1, 2]";
    QTest::newRow("receipt private key too short") << "LLMRING_RECEIPTS_PRIVATE_KEY_B64" << "c2hvcnQ";
    QTest::newRow("receipt public key not base64") << "LLMRING_RECEIPTS_PUBLIC_KEY_B64" << "***";
    QTest::newRow("receipt key id without key") << "LLMRING_RECEIPTS_KEY_ID" << "k_1";
    QTest::newRow("rotated keys without ids") << "LLMRING_RECEIPTS_ROTATED_PUBLIC_KEYS" << "abc";
    QTest::newRow("cache TTL zero") << "LLMRING_CACHE_TTL" << "0";
    QTest::newRow("cache TTL above a week") << "LLMRING_CACHE_TTL" << "604801";
    QTest::newRow("registry timeout zero") << "LLMRING_REGISTRY_TIMEOUT" << "0";
    QTest::newRow("registry timeout above 300") << "LLMRING_REGISTRY_TIMEOUT" << "301";
    QTest::newRow("redis URL with TLS") << "LLMRING_REDIS_URL" << "rediss://cache.example:6380/0";
    QTest::newRow("redis URL without host") << "LLMRING_REDIS_URL" << "redis://:6379/0";
    QTest::newRow("message logging level unknown") << "LLMRING_MESSAGE_LOGGING_LEVEL" << "partial";
    QTest::newRow("message logging level empty") << "LLMRING_MESSAGE_LOGGING_LEVEL" << "";
    QTest::newRow("retention zero days") << "LLMRING_MESSAGE_RETENTION_DAYS" << "0";
    QTest::newRow("retention above a million days") << "LLMRING_MESSAGE_RETENTION_DAYS" << "1000001";
    QTest::newRow("retention not a number") << "LLMRING_MESSAGE_RETENTION_DAYS" << "30d";
    QTest::newRow("tracking not a boolean") << "LLMRING_ENABLE_CONVERSATION_TRACKING" << "maybe";
}

void tst_Settings::registryBaseUrl_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected"); // empty: refused
    QTest::addColumn<QString>("message");  // what the error says after the variable name

    QTest::newRow("https with slash") << "https://mirror.example/registry/" << "https://mirror.example/registry/" << "";
    QTest::newRow("https gains a slash") << "https://mirror.example/registry" << "https://mirror.example/registry/"
                                         << "";
    QTest::newRow("http with port") << "http://127.0.0.1:8080" << "http://127.0.0.1:8080/" << "";
    QTest::newRow("file URL") << "file:///srv/registry" << "file:///srv/registry/" << "";
    QTest::newRow("absolute path") << "/srv/registry/" << "file:///srv/registry/" << "";
    QTest::newRow("surrounding spaces") << "  https://mirror.example/r/  " << "https://mirror.example/r/" << "";
    QTest::newRow("ftp") << "ftp://mirror.example/registry/" << ""
                         << " is invalid: the scheme must be http, https or file, not \"ftp\"";
    QTest::newRow("relative path") << "registry/" << ""
                                   << " is invalid: expected an http, https or file URL, or an absolute path "
                                      "such as /srv/registry/";
    QTest::newRow("file on another host") << "file://mirror.example/srv/registry/" << ""
                                          << " is invalid: a file URL must name a local folder, as in "
                                             "file:///srv/registry/, not one on host \"mirror.example\"";
    QTest::newRow("http without host") << "http:///registry/" << "" << " is invalid: an http URL needs a host";
    QTest::newRow("file with host only") << "file://registry" << ""
                                         << " is invalid: a file URL must name a local folder, as in "
                                            "file:///srv/registry/, not one on host \"registry\"";
    QTest::newRow("query") << "https://mirror.example/registry/?v=1" << ""
                           << " is invalid: expected an http, https or file URL such as "
                              "https://llmring.github.io/registry/";
    QTest::newRow("not a URL") << "http://exa mple/" << ""
                               << " is invalid: expected an http, https or file URL such as "
                                  "https://llmring.github.io/registry/";
}

void tst_Settings::registryBaseUrl()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QFETCH(QString, message);
    QString error;

    const auto settings =
        Settings::fromEnvironment(environmentWith({{QStringLiteral("LLMRING_REGISTRY_BASE_URL"), value}}), &error);

    if (expected.isEmpty()) {
        QVERIFY(!settings.has_value());
        QCOMPARE(error, QStringLiteral("LLMRING_REGISTRY_BASE_URL") + message);
        return;
    }
    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->registry.baseUrl.toString(), expected);
}

void tst_Settings::registrySettings()
{
    const QString redisUrl = QStringLiteral("redis://cache:%1@redis.internal:6380/2").arg(SecretPassword);
    QString error;

    const auto settings = Settings::fromEnvironment(
        environmentWith({{QStringLiteral("LLMRING_CACHE_TTL"), QStringLiteral("120")},
                         {QStringLiteral("LLMRING_REGISTRY_TIMEOUT"), QStringLiteral("3")},
                         {QStringLiteral("LLMRING_REDIS_URL"), redisUrl},
                         {QStringLiteral("LLMRING_REGISTRY_BASE_URL"),
                          QStringLiteral("https://reader:%1@mirror.example/registry/").arg(SecretPassword)}}),
        &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->registry.cacheTtl, std::chrono::seconds(120));
    QCOMPARE(settings->registry.fetchTimeout, std::chrono::seconds(3));
    QVERIFY(settings->registry.redis);
    QCOMPARE(settings->registry.redis->host, QStringLiteral("redis.internal"));
    QCOMPARE(settings->registry.redis->port, quint16(6380));
    QCOMPARE(settings->registry.redis->username, QStringLiteral("cache"));
    QCOMPARE(settings->registry.redis->password, SecretPassword);
    QCOMPARE(settings->registry.redis->database, 2);
    // Neither password reaches the start-up line.
    QVERIFY2(!settings->summary().contains(SecretPassword), qPrintable(settings->summary()));
    QVERIFY2(settings->summary().contains(QLatin1String("registry https://reader@mirror.example/registry/ shared "
                                                        "through redis://cache:***@redis.internal:6380/2 "
                                                        "(cache TTL 120 s)")),
             qPrintable(settings->summary()));
}

void tst_Settings::invalidValue()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QString error;

    const auto settings = Settings::fromEnvironment(environmentWith({{variable, value}}), &error);

    QVERIFY(!settings.has_value());
    QVERIFY2(error.contains(variable), qPrintable(error));
}

void tst_Settings::passwordNotInError_data()
{
    QTest::addColumn<QString>("url");

    QTest::newRow("other scheme") << QStringLiteral("mysql://u:%1@h/db").arg(SecretPassword);
    QTest::newRow("unknown parameter") << QStringLiteral("postgresql://u:%1@h/db?bogus=1").arg(SecretPassword);
    QTest::newRow("port out of range") << QStringLiteral("postgresql://u:%1@h:99999/db").arg(SecretPassword);
    QTest::newRow("space in host") << QStringLiteral("postgresql://u:%1@ho st/db").arg(SecretPassword);
    QTest::newRow("path too deep") << QStringLiteral("postgresql://u:%1@h/db/extra").arg(SecretPassword);
}

void tst_Settings::passwordNotInError()
{
    QFETCH(QString, url);
    QString error;

    const auto settings =
        Settings::fromEnvironment(environmentWith({{QStringLiteral("LLMRING_DATABASE_URL"), url}}), &error);

    QVERIFY(!settings.has_value());
    QVERIFY2(error.contains(QLatin1String("LLMRING_DATABASE_URL")), qPrintable(error));
    QVERIFY2(!error.contains(SecretPassword), qPrintable(error));
}

void tst_Settings::passwordNotInSummary()
{
    const QString url = QStringLiteral("postgresql://alice:%1@db.example:6543/usage").arg(SecretPassword);
    QString error;

    const auto settings =
        Settings::fromEnvironment(environmentWith({{QStringLiteral("LLMRING_DATABASE_URL"), url}}), &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->database.password, SecretPassword);
    QVERIFY2(!settings->summary().contains(SecretPassword), qPrintable(settings->summary()));
    QVERIFY2(settings->summary().contains(QLatin1String("postgresql://alice@db.example:6543/usage")),
             qPrintable(settings->summary()));
}

void tst_Settings::corsOrigins_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("comma list") << "http://a.example, https://b.example:8443"
                                << QStringList{"http://a.example", "https://b.example:8443"};
    QTest::newRow("JSON array") << "[\"http://a.example\", \"https://b.example\"]"
                                << QStringList{"http://a.example", "https://b.example"};
    QTest::newRow("single origin") << "https://console.example" << QStringList{"https://console.example"};
    QTest::newRow("any origin") << "*" << QStringList{"*"};
}

void tst_Settings::corsOrigins()
{
    QFETCH(QString, value);
    QFETCH(QStringList, expected);
    QString error;

    const auto settings =
        Settings::fromEnvironment(environmentWith({{QStringLiteral("LLMRING_CORS_ORIGINS"), value}}), &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->corsOrigins, expected);
}

void tst_Settings::host_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QHostAddress>("expected");

    QTest::newRow("any IPv4") << "0.0.0.0" << QHostAddress(QHostAddress::AnyIPv4);
    QTest::newRow("IPv6 loopback") << "::1" << QHostAddress(QHostAddress::LocalHostIPv6);
    QTest::newRow("localhost") << "localhost" << QHostAddress(QHostAddress::LocalHost);
    QTest::newRow("IPv4 address") << "10.1.2.3" << QHostAddress(QStringLiteral("10.1.2.3"));
}

void tst_Settings::host()
{
    QFETCH(QString, value);
    QFETCH(QHostAddress, expected);
    QString error;

    const auto settings = Settings::fromEnvironment(environmentWith({{QStringLiteral("LLMRING_HOST"), value}}), &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->host, expected);
}

void tst_Settings::acceptedLimits()
{
    const QProcessEnvironment environment = environmentWith({
        {QStringLiteral("LLMRING_PORT"), QStringLiteral("65535")},
        {QStringLiteral("LLMRING_DATABASE_SCHEMA"), u'_' + QString(62, u'z')},
        {QStringLiteral("LLMRING_MAX_BODY_BYTES"), QStringLiteral("1024")},
        {QStringLiteral("LLMRING_DATABASE_POOL_SIZE"), QStringLiteral("1")},
        {QStringLiteral("LLMRING_LOG_LEVEL"), QStringLiteral("debug")},
    });
    QString error;

    const auto settings = Settings::fromEnvironment(environment, &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->port, quint16(65535));
    QCOMPARE(settings->schema, u'_' + QString(62, u'z'));
    QCOMPARE(settings->maxBodyBytes, qint64(1024));
    QCOMPARE(settings->poolSize, 1);
    QCOMPARE(settings->logLevel, QStringLiteral("debug"));
}

void tst_Settings::conversationSettings_data()
{
    QTest::addColumn<QString>("level");
    QTest::addColumn<QString>("retention");
    QTest::addColumn<QString>("tracking");
    QTest::addColumn<llmring::MessageLoggingLevel>("expectedLevel");
    QTest::addColumn<qint64>("expectedRetention");
    QTest::addColumn<bool>("expectedTracking");

    QTest::newRow("none, 1 day, false") << "none" << "1" << "false" << llmring::MessageLoggingLevel::None << qint64(1) << false;
    QTest::newRow("metadata, upper case, 0") << " METADATA " << "365" << "0" << llmring::MessageLoggingLevel::Metadata
                                             << qint64(365) << false;
    QTest::newRow("full, a million days, yes") << "full" << "1000000" << "yes" << llmring::MessageLoggingLevel::Full
                                               << qint64(1000000) << true;
    QTest::newRow("tracking off") << "full" << "30" << "off" << llmring::MessageLoggingLevel::Full << qint64(30) << false;
    QTest::newRow("tracking True") << "full" << "30" << "True" << llmring::MessageLoggingLevel::Full << qint64(30) << true;
}

void tst_Settings::conversationSettings()
{
    QFETCH(QString, level);
    QFETCH(QString, retention);
    QFETCH(QString, tracking);
    QFETCH(llmring::MessageLoggingLevel, expectedLevel);
    QFETCH(qint64, expectedRetention);
    QFETCH(bool, expectedTracking);
    QString error;

    const auto settings = Settings::fromEnvironment(
        environmentWith({{QStringLiteral("LLMRING_MESSAGE_LOGGING_LEVEL"), level},
                         {QStringLiteral("LLMRING_MESSAGE_RETENTION_DAYS"), retention},
                         {QStringLiteral("LLMRING_ENABLE_CONVERSATION_TRACKING"), tracking}}),
        &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->conversations.loggingLevel, expectedLevel);
    QCOMPARE(settings->conversations.retentionDays, expectedRetention);
    QCOMPARE(settings->conversations.trackingEnabled, expectedTracking);
}

void tst_Settings::workersCappedByPool_data()
{
    QTest::addColumn<QString>("workers");
    QTest::addColumn<QString>("poolSize");
    QTest::addColumn<int>("expected");

    // An empty value leaves the variable unset.
    QTest::newRow("workers above pool") << "50" << "4" << 4;
    QTest::newRow("workers below pool") << "3" << "20" << 3;
    QTest::newRow("workers equal to pool") << "8" << "8" << 8;
    QTest::newRow("default workers pool 1") << "" << "1" << 1;
    QTest::newRow("default workers default pool") << "" << "" << qMin(2 * qMax(1, QThread::idealThreadCount()), 20);
}

void tst_Settings::workersCappedByPool()
{
    QFETCH(QString, workers);
    QFETCH(QString, poolSize);
    QFETCH(int, expected);
    QProcessEnvironment environment;
    if (!workers.isEmpty())
        environment.insert(QStringLiteral("LLMRING_WORKERS"), workers);
    if (!poolSize.isEmpty())
        environment.insert(QStringLiteral("LLMRING_DATABASE_POOL_SIZE"), poolSize);
    QString error;

    const auto settings = Settings::fromEnvironment(environment, &error);

    QVERIFY2(settings.has_value(), qPrintable(error));
    QCOMPARE(settings->effectiveWorkers(), expected);
}

void tst_Settings::databaseUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("options");

    QTest::newRow("all parts") << "postgresql://alice:s3cret@db.example:6543/usage?sslmode=require"
                               << "alice" << "s3cret" << "db.example" << 6543 << "usage"
                               << "sslmode=require;connect_timeout=5";
    QTest::newRow("postgres scheme") << "postgres://bob@127.0.0.1/llmring"
                                     << "bob" << "" << "127.0.0.1" << 5432 << "llmring" << "connect_timeout=5";
    QTest::newRow("own connect timeout") << "postgresql://u@h/db?connect_timeout=2&application_name=llmring"
                                         << "u" << "" << "h" << 5432 << "db"
                                         << "connect_timeout=2;application_name=llmring";
    QTest::newRow("socket folder") << "postgresql://u@/db?host=/var/run/postgresql"
                                   << "u" << "" << "/var/run/postgresql" << 5432 << "db" << "connect_timeout=5";
    QTest::newRow("socket folder no user") << "postgresql:///db?host=%2Ftmp"
                                           << "" << "" << "/tmp" << 5432 << "db" << "connect_timeout=5";
    QTest::newRow("encoded password") << "postgresql://u:p%40ss%3Aw%2Fd@h/db"
                                      << "u" << "p@ss:w/d" << "h" << 5432 << "db" << "connect_timeout=5";
    QTest::newRow("IPv6 host") << "postgresql://u@[::1]:5433/db"
                               << "u" << "" << "::1" << 5433 << "db" << "connect_timeout=5";
    QTest::newRow("database defaults to user") << "postgresql://carol@h"
                                               << "carol" << "" << "h" << 5432 << "carol" << "connect_timeout=5";
    QTest::newRow("no host") << "postgresql:///db"
                             << "" << "" << "127.0.0.1" << 5432 << "db" << "connect_timeout=5";
}

void tst_Settings::databaseUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QFETCH(QString, options);
    QString error;

    const auto config = DatabaseConfig::fromUrl(url, &error);

    QVERIFY2(config.has_value(), qPrintable(error));
    QCOMPARE(config->user, user);
    QCOMPARE(config->password, password);
    QCOMPARE(config->host, host);
    QCOMPARE(config->port, port);
    QCOMPARE(config->databaseName, database);
    QCOMPARE(config->connectOptions, options);
}

void tst_Settings::databaseUrlRedacted()
{
    QString error;

    const auto config = DatabaseConfig::fromUrl(
        QStringLiteral("postgresql://alice:%1@db.example:6543/usage?sslmode=require").arg(SecretPassword), &error);

    QVERIFY2(config.has_value(), qPrintable(error));
    QCOMPARE(config->redacted(), QStringLiteral("postgresql://alice@db.example:6543/usage"));
}

void tst_Settings::commandHelp()
{
    const ProcessResult result = runServer({QStringLiteral("--help")});

    QVERIFY(result.finished);
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.standardOutput.contains(QLatin1String("serve")), qPrintable(result.standardOutput));
    QVERIFY2(result.standardOutput.contains(QLatin1String("migrate")), qPrintable(result.standardOutput));
    QVERIFY2(result.standardOutput.contains(QLatin1String("--schema")), qPrintable(result.standardOutput));
}

void tst_Settings::commandVersion()
{
    const ProcessResult result = runServer({QStringLiteral("--version")});

    QVERIFY(result.finished);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.standardOutput.trimmed(), QStringLiteral("llmring-server 0.1.0"));
}

void tst_Settings::commandUsageError_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("mentioned");

    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "" << "" << "frobnicate";
    QTest::newRow("two commands") << QStringList{"migrate", "serve"} << "" << "" << "migrate serve";
    QTest::newRow("serve --status") << QStringList{"serve", "--status"} << "" << "" << "--status";
    QTest::newRow("port not a number") << QStringList{"--port", "abc"} << "" << "" << "--port";
    QTest::newRow("port above 65535") << QStringList{"--port", "70000"} << "" << "" << "--port";
    QTest::newRow("host not an address") << QStringList{"--host", "999.1.1.1"} << "" << "" << "--host";
    QTest::newRow("schema invalid") << QStringList{"migrate", "--schema", "Bad-Name"} << "" << "" << "--schema";
    QTest::newRow("database url invalid") << QStringList{"migrate", "--database-url", "mysql://x"} << "" << ""
                                          << "--database-url";
    QTest::newRow("environment port invalid") << QStringList{} << "LLMRING_PORT" << "abc" << "LLMRING_PORT";
    QTest::newRow("environment schema invalid") << QStringList{"migrate"} << "LLMRING_DATABASE_SCHEMA" << "Bad"
                                                << "LLMRING_DATABASE_SCHEMA";
    // runCommandLine documents exit code 2 for invalid usage, which includes unknown
    // options and options given without their value.
    QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "" << "" << "frobnicate";
    QTest::newRow("option without value") << QStringList{"--port"} << "" << "" << "port";
}

void tst_Settings::commandUsageError()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, mentioned);
    QList<QPair<QString, QString>> variables;
    if (!variable.isEmpty())
        variables.append({variable, value});

    const ProcessResult result = runServer(arguments, variables);

    QVERIFY(result.finished);
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.standardError.contains(mentioned), qPrintable(result.standardError));
}

QTEST_APPLESS_MAIN(tst_Settings)
#include "tst_settings.moc"
