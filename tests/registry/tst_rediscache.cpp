// SPDX-License-Identifier: MIT
// Redis cache of the registry: parsing redis:// URLs, then GET and SET against a real
// redis-server, through expiry, passwords, databases, outages and a server that hangs.

#include "redisprocess.h"
#include "registry/rediscache.h"

#include <QList>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include <csignal>

using llmring::RedisCache;
using llmring::RedisConfig;
using llmring::test::RedisProcess;
using namespace std::chrono_literals;

namespace {

// Every password in the URL table contains this, so a check for it finds a leak.
const QString PasswordMarker = QStringLiteral("s3cret");

// Records the messages of the llmring.registry category while it exists, and passes
// every message on to the handler it replaced, so QTest::ignoreMessage still works.
class RegistryLog
{
public:
    RegistryLog()
    {
        s_current = this;
        s_previous = qInstallMessageHandler(&handle);
    }

    ~RegistryLog()
    {
        qInstallMessageHandler(s_previous);
        s_current = nullptr;
    }

    RegistryLog(const RegistryLog &) = delete;
    RegistryLog &operator=(const RegistryLog &) = delete;

    // The number of messages of `type` that contain `fragment`.
    int count(QtMsgType type, const QString &fragment) const
    {
        int matches = 0;
        for (const Entry &entry : m_entries) {
            if (entry.type == type && entry.message.contains(fragment))
                ++matches;
        }
        return matches;
    }

    bool anyContains(const QString &fragment) const
    {
        return std::any_of(m_entries.begin(), m_entries.end(),
                           [&](const Entry &entry) { return entry.message.contains(fragment); });
    }

private:
    struct Entry
    {
        QtMsgType type;
        QString message;
    };

    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (s_current != nullptr && qstrcmp(context.category, "llmring.registry") == 0)
            s_current->m_entries.append({type, message});
        s_previous(type, context, message);
    }

    static inline RegistryLog *s_current = nullptr;
    static inline QtMessageHandler s_previous = nullptr;
    QList<Entry> m_entries;
};

RedisConfig configFromUrl(const QString &url)
{
    QString error;
    const std::optional<RedisConfig> config = RedisConfig::fromUrl(url, &error);
    if (!config)
        qFatal("test URL %s rejected: %s", qPrintable(url), qPrintable(error));
    return *config;
}

// A key of its own for each test function and data row.
QByteArray testKey(const char *suffix = "")
{
    QByteArray key = QByteArrayLiteral("tst_rediscache:") + QTest::currentTestFunction();
    if (QTest::currentDataTag() != nullptr)
        key += ':' + QByteArray(QTest::currentDataTag());
    return key + suffix;
}

// Sends one inline command on a connection of its own and returns the first line of
// the reply, or an empty array when the server does not reply within 5 s.
QByteArray rawCommand(quint16 port, const QByteArray &command)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5'000))
        return {};
    socket.write(command + "\r\n");
    if (!socket.waitForBytesWritten(5'000))
        return {};
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(5'000))
            return {};
    }
    return socket.readLine().trimmed();
}

QByteArray binaryBytes()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(static_cast<char>(i));
    return bytes + QByteArrayLiteral("\r\n$-1\r\n\0tail");
}

QByteArray largeValue(qsizetype size)
{
    QByteArray value(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        value[i] = static_cast<char>((i * 31 + i / 4096) & 0xff);
    return value;
}

// A loopback port that nothing listens on right now.
quint16 unusedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        qFatal("cannot listen on 127.0.0.1");
    return server.serverPort();
}

QRegularExpression outageWarning(const QString &reasonPattern)
{
    return QRegularExpression(QStringLiteral("^Redis at redis://\\S+ unavailable: %1; the registry is cached in "
                                             "memory only$")
                                  .arg(reasonPattern));
}

} // namespace

class tst_RedisCache final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void parseUrl_data();
    void parseUrl();

    void roundTrip_data();
    void roundTrip();
    void missingKey();
    void expiry();
    void negativeTtlRejected();
    void wrongTypeKeepsConnection();
    void setErrorReplyKeepsConnection();
    void passwordLogin_data();
    void passwordLogin();
    void databaseSelection();
    void databaseOutOfRange();
    void reconnectAfterServerClosesConnection();
    void outageAndRecovery();
    void outageDuringLargeWrite();
    void connectionRefused();
    void hangingServer();

private:
    std::unique_ptr<RedisProcess> m_redis;
};

void tst_RedisCache::initTestCase()
{
    m_redis = std::make_unique<RedisProcess>();
    QString error;
    QVERIFY2(m_redis->start(&error), qPrintable(error));
}

void tst_RedisCache::cleanupTestCase()
{
    m_redis.reset();
}

void tst_RedisCache::parseUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("error"); // empty for a valid URL
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<int>("database");
    QTest::addColumn<QString>("redacted");

    const auto valid = [](const char *name, const QString &url, const QString &host, int port,
                          const QString &username, const QString &password, int database,
                          const QString &redacted) {
        QTest::newRow(name) << url << QString() << host << port << username << password << database << redacted;
    };
    const auto rejected = [](const char *name, const QString &url, const QString &error) {
        QTest::newRow(name) << url << error << QString() << 0 << QString() << QString() << 0 << QString();
    };

    valid("host only", QStringLiteral("redis://cache.internal"), QStringLiteral("cache.internal"), 6379, {}, {}, 0,
          QStringLiteral("redis://cache.internal:6379/0"));
    valid("host and port", QStringLiteral("redis://127.0.0.1:6380"), QStringLiteral("127.0.0.1"), 6380, {}, {}, 0,
          QStringLiteral("redis://127.0.0.1:6380/0"));
    valid("database", QStringLiteral("redis://127.0.0.1:6379/3"), QStringLiteral("127.0.0.1"), 6379, {}, {}, 3,
          QStringLiteral("redis://127.0.0.1:6379/3"));
    valid("empty database", QStringLiteral("redis://127.0.0.1/"), QStringLiteral("127.0.0.1"), 6379, {}, {}, 0,
          QStringLiteral("redis://127.0.0.1:6379/0"));
    valid("uppercase scheme", QStringLiteral("REDIS://cache"), QStringLiteral("cache"), 6379, {}, {}, 0,
          QStringLiteral("redis://cache:6379/0"));
    valid("password only", QStringLiteral("redis://:s3cret@127.0.0.1:6379/1"), QStringLiteral("127.0.0.1"), 6379, {},
          QStringLiteral("s3cret"), 1, QStringLiteral("redis://:***@127.0.0.1:6379/1"));
    valid("user and password", QStringLiteral("redis://alice:s3cret@redis.example:7000/2"),
          QStringLiteral("redis.example"), 7000, QStringLiteral("alice"), QStringLiteral("s3cret"), 2,
          QStringLiteral("redis://alice:***@redis.example:7000/2"));
    valid("user without password", QStringLiteral("redis://alice@cache/0"), QStringLiteral("cache"), 6379,
          QStringLiteral("alice"), {}, 0, QStringLiteral("redis://alice@cache:6379/0"));
    valid("percent-encoded password", QStringLiteral("redis://alice:s3cret%40%3A%2F%25%20x@cache"),
          QStringLiteral("cache"), 6379, QStringLiteral("alice"), QStringLiteral("s3cret@:/% x"), 0,
          QStringLiteral("redis://alice:***@cache:6379/0"));
    valid("percent-encoded user", QStringLiteral("redis://al%69ce%40corp:s3cret@cache"), QStringLiteral("cache"),
          6379, QStringLiteral("alice@corp"), QStringLiteral("s3cret"), 0,
          QStringLiteral("redis://alice%40corp:***@cache:6379/0"));
    valid("unencoded @ / : in password", QStringLiteral("redis://:s3cret@/:x@cache:6381/4"), QStringLiteral("cache"),
          6381, {}, QStringLiteral("s3cret@/:x"), 4, QStringLiteral("redis://:***@cache:6381/4"));
    valid("IPv6 address", QStringLiteral("redis://[::1]:6380/5"), QStringLiteral("::1"), 6380, {}, {}, 5,
          QStringLiteral("redis://[::1]:6380/5"));
    valid("IPv6 without port", QStringLiteral("redis://:s3cret@[::1]"), QStringLiteral("::1"), 6379, {},
          QStringLiteral("s3cret"), 0, QStringLiteral("redis://:***@[::1]:6379/0"));
    valid("largest port and database", QStringLiteral("redis://cache:65535/10000"), QStringLiteral("cache"), 65535,
          {}, {}, 10000, QStringLiteral("redis://cache:65535/10000"));

    const QString formatError =
        QStringLiteral("invalid Redis URL: expected redis://[[username][:password]@]host[:port][/database]");
    rejected("empty", QString(), formatError);
    rejected("no scheme", QStringLiteral("127.0.0.1:6379"), formatError);
    rejected("no scheme with password", QStringLiteral("alice:s3cret@cache:6379"), formatError);
    rejected("password before ://", QStringLiteral("alice:s3cret://cache"), formatError);
    rejected("TLS", QStringLiteral("rediss://:s3cret@cache:6380/0"),
             QStringLiteral("rediss:// (Redis over TLS) is not supported. Use redis://"));
    rejected("http scheme", QStringLiteral("http://cache"),
             QStringLiteral("unsupported scheme \"http\" in the Redis URL (expected redis://)"));
    rejected("unix scheme", QStringLiteral("unix:///run/redis.sock"),
             QStringLiteral("unsupported scheme \"unix\" in the Redis URL (expected redis://)"));
    rejected("nothing after scheme", QStringLiteral("redis://"), QStringLiteral("missing host in the Redis URL"));
    rejected("missing host", QStringLiteral("redis://:s3cret@:6379/0"),
             QStringLiteral("missing host in the Redis URL"));
    rejected("port zero", QStringLiteral("redis://cache:0"),
             QStringLiteral("invalid port \"0\" in the Redis URL: expected a number from 1 to 65535"));
    rejected("port too large", QStringLiteral("redis://:s3cret@cache:65536"),
             QStringLiteral("invalid port \"65536\" in the Redis URL: expected a number from 1 to 65535"));
    rejected("port not a number", QStringLiteral("redis://cache:abc"),
             QStringLiteral("invalid port \"abc\" in the Redis URL: expected a number from 1 to 65535"));
    rejected("port with sign", QStringLiteral("redis://cache:+6379"),
             QStringLiteral("invalid port \"+6379\" in the Redis URL: expected a number from 1 to 65535"));
    rejected("empty port", QStringLiteral("redis://cache:/0"),
             QStringLiteral("invalid port \"\" in the Redis URL: expected a number from 1 to 65535"));
    rejected("negative database", QStringLiteral("redis://cache/-1"),
             QStringLiteral("invalid database \"-1\" in the Redis URL: expected a number from 0 to 10000"));
    rejected("database too large", QStringLiteral("redis://:s3cret@cache/10001"),
             QStringLiteral("invalid database \"10001\" in the Redis URL: expected a number from 0 to 10000"));
    rejected("database not a number", QStringLiteral("redis://cache/db1"),
             QStringLiteral("invalid database \"db1\" in the Redis URL: expected a number from 0 to 10000"));
    rejected("database with path", QStringLiteral("redis://cache/1/2"),
             QStringLiteral("invalid database \"1/2\" in the Redis URL: expected a number from 0 to 10000"));
    rejected("query", QStringLiteral("redis://:s3cret@cache/0?timeout=1"),
             QStringLiteral("a query or fragment in the Redis URL is not supported"));
    rejected("fragment", QStringLiteral("redis://cache/0#main"),
             QStringLiteral("a query or fragment in the Redis URL is not supported"));
    rejected("IPv6 without ]", QStringLiteral("redis://[::1:6379"),
             QStringLiteral("invalid IPv6 address in the Redis URL: missing ']'"));
    rejected("text after IPv6", QStringLiteral("redis://[::1]6379"),
             QStringLiteral("invalid Redis URL: expected ':' and a port after ']', found \"6379\""));
}

void tst_RedisCache::parseUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, error);

    QString message;
    const std::optional<RedisConfig> config = RedisConfig::fromUrl(url, &message);

    if (!error.isEmpty()) {
        QVERIFY(!config.has_value());
        QCOMPARE(message, error);
        QVERIFY(!message.contains(PasswordMarker));
        return;
    }
    QVERIFY2(config.has_value(), qPrintable(message));
    QTEST(config->host, "host");
    QTEST(int(config->port), "port");
    QTEST(config->username, "username");
    QTEST(config->password, "password");
    QTEST(config->database, "database");
    QTEST(config->redacted(), "redacted");
    QVERIFY(!config->redacted().contains(PasswordMarker));
}

void tst_RedisCache::roundTrip_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("value");

    QTest::newRow("text") << testKey(":text") << QByteArrayLiteral("{\"models\":{}}");
    QTest::newRow("binary bytes") << testKey(":binary") << binaryBytes();
    QTest::newRow("empty value") << testKey(":empty") << QByteArray("");
    QTest::newRow("binary key") << QByteArrayLiteral("key with space\0and NUL\r\n") << QByteArrayLiteral("value");
    QTest::newRow("5 MB value") << testKey(":large") << largeValue(5 * 1024 * 1024);
}

void tst_RedisCache::roundTrip()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, value);
    RedisCache cache(configFromUrl(m_redis->url()));

    QVERIFY(cache.set(key, value, 0s));
    const std::optional<QByteArray> stored = cache.get(key);

    QVERIFY(stored.has_value());
    QCOMPARE(stored->size(), value.size());
    QVERIFY(*stored == value);
    QVERIFY(cache.isAvailable());
}

void tst_RedisCache::missingKey()
{
    RedisCache cache(configFromUrl(m_redis->url()));
    QVERIFY(!cache.isAvailable());

    QCOMPARE(cache.get(testKey()), std::nullopt);

    QVERIFY(cache.isAvailable());
}

void tst_RedisCache::expiry()
{
    RedisCache cache(configFromUrl(m_redis->url()));
    const QByteArray expiring = testKey(":expiring");
    const QByteArray persistent = testKey(":persistent");

    QVERIFY(cache.set(expiring, "soon gone", 1s));
    QVERIFY(cache.set(persistent, "kept", 0s));

    QTRY_VERIFY_WITH_TIMEOUT(!cache.get(expiring).has_value(), 10'000);
    QCOMPARE(cache.get(persistent), QByteArray("kept"));
    QCOMPARE(rawCommand(m_redis->port(), "TTL " + persistent), QByteArray(":-1"));
}

void tst_RedisCache::negativeTtlRejected()
{
    RedisCache cache(configFromUrl(m_redis->url()));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Not caching .* negative TTL -1 s$")));

    QVERIFY(!cache.set(testKey(), "value", -1s));

    QCOMPARE(cache.get(testKey()), std::nullopt);
}

void tst_RedisCache::wrongTypeKeepsConnection()
{
    RedisCache cache(configFromUrl(m_redis->url()));
    const QByteArray key = testKey();
    QCOMPARE(rawCommand(m_redis->port(), "RPUSH " + key + " item"), QByteArray(":1"));
    RegistryLog log;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Redis GET .* failed: WRONGTYPE")));

    QCOMPARE(cache.get(key), std::nullopt);

    QVERIFY(cache.isAvailable());
    QCOMPARE(log.count(QtWarningMsg, QStringLiteral("unavailable")), 0);
    // SET replaces a value of any type.
    QVERIFY(cache.set(key, "string now", 0s));
    QCOMPARE(cache.get(key), QByteArray("string now"));
}

void tst_RedisCache::setErrorReplyKeepsConnection()
{
    // The default user may run every command except SET, so SET gets a NOPERM error reply.
    RedisProcess redis({QStringLiteral("--user"), QStringLiteral("default"), QStringLiteral("on"),
                        QStringLiteral("nopass"), QStringLiteral("~*"), QStringLiteral("&*"), QStringLiteral("+@all"),
                        QStringLiteral("-set")});
    QString error;
    QVERIFY2(redis.start(&error), qPrintable(error));
    RedisCache cache(configFromUrl(redis.url()));
    RegistryLog log;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Redis SET .* failed: NOPERM")));

    QVERIFY(!cache.set(testKey(), "value", 0s));

    QVERIFY(cache.isAvailable());
    QCOMPARE(log.count(QtWarningMsg, QStringLiteral("unavailable")), 0);
    QCOMPARE(cache.get(testKey()), std::nullopt);
    QVERIFY(cache.isAvailable());
}

void tst_RedisCache::passwordLogin_data()
{
    QTest::addColumn<QString>("userInfo"); // as written in the URL, before '@'
    QTest::addColumn<bool>("loggedIn");
    QTest::addColumn<QString>("reasonPattern"); // of the outage warning when not logged in

    QTest::newRow("right password") << QStringLiteral(":s3cret%40%2F%3Apw") << true << QString();
    QTest::newRow("ACL user") << QStringLiteral("alice:alice-s3cret") << true << QString();
    QTest::newRow("wrong password") << QStringLiteral(":s3cret-wrong") << false
                                    << QStringLiteral("AUTH failed: WRONGPASS .*");
    QTest::newRow("wrong ACL user") << QStringLiteral("bob:s3cret%40%2F%3Apw") << false
                                    << QStringLiteral("AUTH failed: WRONGPASS .*");
    QTest::newRow("no password") << QString() << false << QStringLiteral("NOAUTH .*");
}

void tst_RedisCache::passwordLogin()
{
    QFETCH(QString, userInfo);
    QFETCH(bool, loggedIn);
    QFETCH(QString, reasonPattern);
    RedisProcess redis({QStringLiteral("--requirepass"), QStringLiteral("s3cret@/:pw"), QStringLiteral("--user"),
                        QStringLiteral("alice"), QStringLiteral("on"), QStringLiteral(">alice-s3cret"),
                        QStringLiteral("~*"), QStringLiteral("&*"), QStringLiteral("+@all")});
    QString error;
    QVERIFY2(redis.start(&error), qPrintable(error));
    const QString url = userInfo.isEmpty()
        ? redis.url()
        : QStringLiteral("redis://%1@127.0.0.1:%2/0").arg(userInfo, QString::number(redis.port()));
    RedisCache cache(configFromUrl(url));
    RegistryLog log;
    if (!loggedIn)
        QTest::ignoreMessage(QtWarningMsg, outageWarning(reasonPattern));

    const bool stored = cache.set(testKey(), "value", 0s);
    const std::optional<QByteArray> value = cache.get(testKey());

    QCOMPARE(stored, loggedIn);
    QCOMPARE(value.has_value(), loggedIn);
    QCOMPARE(cache.isAvailable(), loggedIn);
    QVERIFY(!log.anyContains(PasswordMarker));
}

void tst_RedisCache::databaseSelection()
{
    RedisCache database0(configFromUrl(QStringLiteral("redis://127.0.0.1:%1/0").arg(m_redis->port())));
    RedisCache database1(configFromUrl(QStringLiteral("redis://127.0.0.1:%1/1").arg(m_redis->port())));
    const QByteArray key = testKey();

    QVERIFY(database0.set(key, "in database 0", 0s));
    QVERIFY(database1.set(key, "in database 1", 0s));

    QCOMPARE(database0.get(key), QByteArray("in database 0"));
    QCOMPARE(database1.get(key), QByteArray("in database 1"));
}

void tst_RedisCache::databaseOutOfRange()
{
    // redis-server has 16 databases unless configured otherwise.
    RedisCache cache(configFromUrl(QStringLiteral("redis://127.0.0.1:%1/16").arg(m_redis->port())));
    QTest::ignoreMessage(QtWarningMsg, outageWarning(QStringLiteral("SELECT 16 failed: ERR .*")));

    QCOMPARE(cache.get(testKey()), std::nullopt);

    QVERIFY(!cache.isAvailable());
}

void tst_RedisCache::reconnectAfterServerClosesConnection()
{
    RedisCache cache(configFromUrl(m_redis->url()), 500ms, 1h);
    QVERIFY(cache.set(testKey(), "value", 0s));
    RegistryLog log;

    const QByteArray killed = rawCommand(m_redis->port(), "CLIENT KILL TYPE normal SKIPME yes");

    QVERIFY2(killed.startsWith(':') && killed != ":0", killed.constData());
    QCOMPARE(cache.get(testKey()), QByteArray("value"));
    QVERIFY(cache.isAvailable());
    QCOMPARE(log.count(QtWarningMsg, QStringLiteral("unavailable")), 0);
}

void tst_RedisCache::outageAndRecovery()
{
    RedisProcess redis;
    QString error;
    QVERIFY2(redis.start(&error), qPrintable(error));
    // `waiting` tries again only after an hour, so even a slow restart cannot let it
    // connect within this test.
    RedisCache retrying(configFromUrl(redis.url()), 500ms, 0ms);
    RedisCache waiting(configFromUrl(redis.url()), 500ms, 1h);
    QVERIFY(retrying.set(testKey(), "before", 0s));
    QVERIFY(waiting.set(testKey(), "before", 0s));
    RegistryLog log;
    QTest::ignoreMessage(QtWarningMsg, outageWarning(QStringLiteral("Connection refused")));
    QTest::ignoreMessage(QtWarningMsg, outageWarning(QStringLiteral("Connection refused")));

    redis.stop();

    for (int call = 0; call < 3; ++call) {
        QCOMPARE(retrying.get(testKey()), std::nullopt);
        QVERIFY(!retrying.set(testKey(), "during", 0s));
        QCOMPARE(waiting.get(testKey()), std::nullopt);
        QVERIFY(!waiting.set(testKey(), "during", 0s));
    }
    QVERIFY(!retrying.isAvailable());
    QVERIFY(!waiting.isAvailable());
    QCOMPARE(log.count(QtWarningMsg, QStringLiteral("unavailable")), 2);

    QVERIFY2(redis.start(&error), qPrintable(error));

    QVERIFY(!waiting.set(testKey(), "after", 0s));
    QVERIFY(!waiting.isAvailable());
    QVERIFY(retrying.set(testKey(), "after", 0s));
    QVERIFY(retrying.isAvailable());
    QCOMPARE(retrying.get(testKey()), QByteArray("after"));
    QCOMPARE(log.count(QtInfoMsg, QStringLiteral("is available again")), 1);
    QCOMPARE(log.count(QtWarningMsg, QStringLiteral("unavailable")), 2);
}

void tst_RedisCache::outageDuringLargeWrite()
{
    // Writing to a connection that the server has reset raises SIGPIPE, which ends the
    // process unless the cache blocks it. QtNetwork 6.4 sets SIGPIPE to SIG_IGN when it
    // opens its first socket, which would hide a missing block, so this test restores
    // the default action and passes only if the process lives.
    struct sigaction defaultAction = {};
    defaultAction.sa_handler = SIG_DFL;
    struct sigaction previousAction = {};
    QCOMPARE(sigaction(SIGPIPE, &defaultAction, &previousAction), 0);
    const auto restoreAction = qScopeGuard([&] { sigaction(SIGPIPE, &previousAction, nullptr); });
    RedisProcess redis;
    QString error;
    QVERIFY2(redis.start(&error), qPrintable(error));
    RedisCache cache(configFromUrl(redis.url()), 500ms, 0ms);
    QVERIFY(cache.set(testKey(), "small", 0s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Redis at .* unavailable: ")));

    redis.stop();

    QVERIFY(!cache.set(testKey(), largeValue(32 * 1024 * 1024), 0s));
    QVERIFY(!cache.isAvailable());
}

void tst_RedisCache::connectionRefused()
{
    RedisCache cache(configFromUrl(QStringLiteral("redis://127.0.0.1:%1/0").arg(unusedPort())));
    QTest::ignoreMessage(QtWarningMsg, outageWarning(QStringLiteral("Connection refused")));

    QCOMPARE(cache.get(testKey()), std::nullopt);
    QVERIFY(!cache.set(testKey(), "value", 0s));

    QVERIFY(!cache.isAvailable());
}

void tst_RedisCache::hangingServer()
{
    // The listen backlog completes the TCP handshake, and nothing ever reads or replies.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    RedisCache cache(configFromUrl(QStringLiteral("redis://127.0.0.1:%1/0").arg(silent.serverPort())), 200ms, 1h);
    QTest::ignoreMessage(QtWarningMsg, outageWarning(QStringLiteral("no reply within 200 ms")));

    QCOMPARE(cache.get(testKey()), std::nullopt);
    QVERIFY(!cache.isAvailable());
    QCOMPARE(cache.get(testKey()), std::nullopt);
    QVERIFY(!cache.set(testKey(), "value", 0s));

    // Within the retry interval the cache did not connect again.
    int connections = 0;
    while (silent.waitForNewConnection(200)) {
        while (QTcpSocket *socket = silent.nextPendingConnection()) {
            ++connections;
            socket->deleteLater();
        }
    }
    QCOMPARE(connections, 1);
}

QTEST_GUILESS_MAIN(tst_RedisCache)
#include "tst_rediscache.moc"
