// SPDX-License-Identifier: MIT

#include "rediscache.h"

#include <QLoggingCategory>
#include <QUrl>

#include <hiredis.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>

#include <pthread.h>
#include <sys/time.h>

// The registry's category. It is defined here because the cache is the first registry
// file that logs.
Q_LOGGING_CATEGORY(lcRegistry, "llmring.registry")

namespace llmring {

namespace {

constexpr int MaxPort = 65535;
constexpr int MaxDatabase = 10000;

QString urlFormatError()
{
    return QStringLiteral("invalid Redis URL: expected redis://[[username][:password]@]host[:port][/database]");
}

// True for text that RFC 3986 allows as a scheme. Such text contains no ':' or '@', so
// an error that quotes it cannot quote the user information of a URL without "://".
bool isSchemeName(QStringView text)
{
    if (text.isEmpty() || !(text.front().isLetter() && text.front().unicode() < 128))
        return false;
    return std::all_of(text.begin(), text.end(), [](QChar c) {
        return (c.isLetterOrNumber() && c.unicode() < 128) || c == u'+' || c == u'-' || c == u'.';
    });
}

// Parses ASCII digits only (no sign, no spaces) up to `maximum`.
std::optional<int> parseBoundedNumber(QStringView text, int maximum)
{
    if (text.isEmpty() || text.size() > 9)
        return std::nullopt;
    int value = 0;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    if (value > maximum)
        return std::nullopt;
    return value;
}

QString percentDecoded(QStringView text)
{
    return QUrl::fromPercentEncoding(text.toUtf8());
}

timeval toTimeval(std::chrono::milliseconds duration)
{
    timeval result{};
    result.tv_sec = static_cast<time_t>(duration.count() / 1000);
    result.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
    return result;
}

const redisReply *asReply(const void *reply)
{
    return static_cast<const redisReply *>(reply);
}

QString replyText(const redisReply *reply)
{
    return QString::fromUtf8(reply->str, static_cast<qsizetype>(reply->len));
}

// hiredis 0.14 writes with write(2), which raises SIGPIPE on a connection that the
// server has reset, and SIGPIPE ends the process unless it is handled. So the signal
// is blocked on this thread while a command runs, and one that the command raised is
// consumed before the old mask returns. write(2) then fails with EPIPE instead.
class SigpipeBlocker
{
public:
    SigpipeBlocker()
    {
        sigemptyset(&m_sigpipe);
        sigaddset(&m_sigpipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &m_sigpipe, &m_previousMask);
        m_wasPending = isPending();
    }

    ~SigpipeBlocker()
    {
        if (!m_wasPending && isPending()) {
            const timespec noWait{};
            sigtimedwait(&m_sigpipe, nullptr, &noWait);
        }
        pthread_sigmask(SIG_SETMASK, &m_previousMask, nullptr);
    }

    SigpipeBlocker(const SigpipeBlocker &) = delete;
    SigpipeBlocker &operator=(const SigpipeBlocker &) = delete;

private:
    static bool isPending()
    {
        sigset_t pending;
        sigemptyset(&pending);
        sigpending(&pending);
        return sigismember(&pending, SIGPIPE) == 1;
    }

    sigset_t m_sigpipe;
    sigset_t m_previousMask;
    bool m_wasPending = false;
};

} // namespace

std::optional<RedisConfig> RedisConfig::fromUrl(const QString &url, QString *error)
{
    const qsizetype schemeEnd = url.indexOf(QLatin1String("://"));
    if (schemeEnd < 0) {
        *error = urlFormatError();
        return std::nullopt;
    }
    const QString scheme = url.left(schemeEnd).toLower();
    if (scheme == u"rediss") {
        *error = QStringLiteral("rediss:// (Redis over TLS) is not supported. Use redis://");
        return std::nullopt;
    }
    if (scheme != u"redis") {
        *error = isSchemeName(scheme)
            ? QStringLiteral("unsupported scheme \"%1\" in the Redis URL (expected redis://)").arg(scheme)
            : urlFormatError();
        return std::nullopt;
    }

    // Everything before the last '@' is the user information, so error messages below
    // quote only text after it, which never contains the password.
    RedisConfig config;
    QStringView rest = QStringView(url).mid(schemeEnd + 3);
    const qsizetype userInfoEnd = rest.lastIndexOf(u'@');
    if (userInfoEnd >= 0) {
        const QStringView userInfo = rest.left(userInfoEnd);
        const qsizetype colon = userInfo.indexOf(u':');
        if (colon < 0) {
            config.username = percentDecoded(userInfo);
        } else {
            config.username = percentDecoded(userInfo.left(colon));
            config.password = percentDecoded(userInfo.mid(colon + 1));
        }
        rest = rest.mid(userInfoEnd + 1);
    }
    if (rest.contains(u'?') || rest.contains(u'#')) {
        *error = QStringLiteral("a query or fragment in the Redis URL is not supported");
        return std::nullopt;
    }

    const qsizetype pathStart = rest.indexOf(u'/');
    const QStringView authority = pathStart < 0 ? rest : rest.left(pathStart);
    std::optional<QStringView> portText;
    if (authority.startsWith(u'[')) {
        const qsizetype close = authority.indexOf(u']');
        if (close < 0) {
            *error = QStringLiteral("invalid IPv6 address in the Redis URL: missing ']'");
            return std::nullopt;
        }
        config.host = authority.mid(1, close - 1).toString();
        const QStringView afterHost = authority.mid(close + 1);
        if (afterHost.startsWith(u':')) {
            portText = afterHost.mid(1);
        } else if (!afterHost.isEmpty()) {
            *error = QStringLiteral("invalid Redis URL: expected ':' and a port after ']', found \"%1\"")
                         .arg(afterHost.toString());
            return std::nullopt;
        }
    } else {
        const qsizetype colon = authority.indexOf(u':');
        config.host = authority.left(colon).toString();
        if (colon >= 0)
            portText = authority.mid(colon + 1);
    }
    if (config.host.isEmpty()) {
        *error = QStringLiteral("missing host in the Redis URL");
        return std::nullopt;
    }

    if (portText) {
        const std::optional<int> port = parseBoundedNumber(*portText, MaxPort);
        if (!port || *port == 0) {
            *error = QStringLiteral("invalid port \"%1\" in the Redis URL: expected a number from 1 to %2")
                         .arg(portText->toString())
                         .arg(MaxPort);
            return std::nullopt;
        }
        config.port = static_cast<quint16>(*port);
    }

    const QStringView databaseText = pathStart < 0 ? QStringView() : rest.mid(pathStart + 1);
    if (!databaseText.isEmpty()) {
        const std::optional<int> database = parseBoundedNumber(databaseText, MaxDatabase);
        if (!database) {
            *error = QStringLiteral("invalid database \"%1\" in the Redis URL: expected a number from 0 to %2")
                         .arg(databaseText.toString())
                         .arg(MaxDatabase);
            return std::nullopt;
        }
        config.database = *database;
    }
    return config;
}

QString RedisConfig::redacted() const
{
    QString userInfo;
    if (!username.isEmpty() || !password.isEmpty()) {
        userInfo = QString::fromUtf8(QUrl::toPercentEncoding(username));
        if (!password.isEmpty())
            userInfo += QStringLiteral(":***");
        userInfo += u'@';
    }
    const QString hostText = host.contains(u':') ? u'[' + host + u']' : host;
    // One arg() call, so that a '%' in the user name is never taken for a placeholder.
    return QStringLiteral("redis://%1%2:%3/%4")
        .arg(userInfo, hostText, QString::number(port), QString::number(database));
}

void RedisCache::ContextDeleter::operator()(redisContext *context) const
{
    redisFree(context);
}

void RedisCache::ReplyDeleter::operator()(void *reply) const
{
    freeReplyObject(reply);
}

RedisCache::RedisCache(const RedisConfig &config, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds retryInterval)
    : m_config(config)
    , m_redactedUrl(config.redacted())
    , m_timeout(std::max(timeout, std::chrono::milliseconds(1)))
    , m_retryInterval(retryInterval)
{
}

RedisCache::~RedisCache() = default;

std::optional<QByteArray> RedisCache::get(const QByteArray &key)
{
    const Reply reply = execute("GET %b", key.constData(), static_cast<size_t>(key.size()));
    if (!reply)
        return std::nullopt;

    const redisReply *result = asReply(reply.get());
    switch (result->type) {
    case REDIS_REPLY_STRING:
        return QByteArray(result->str, static_cast<qsizetype>(result->len));
    case REDIS_REPLY_NIL:
        return std::nullopt;
    case REDIS_REPLY_ERROR:
        qCWarning(lcRegistry).noquote() << "Redis GET" << QString::fromUtf8(key) << "failed:" << replyText(result);
        return std::nullopt;
    default:
        qCWarning(lcRegistry).noquote() << "Redis GET" << QString::fromUtf8(key)
                                        << "returned a reply of unexpected type" << result->type;
        return std::nullopt;
    }
}

bool RedisCache::set(const QByteArray &key, const QByteArray &value, std::chrono::seconds ttl)
{
    if (ttl.count() < 0) {
        qCWarning(lcRegistry).noquote() << "Not caching" << QString::fromUtf8(key) << "in Redis: negative TTL"
                                        << ttl.count() << "s";
        return false;
    }

    Reply reply;
    if (ttl.count() == 0) {
        reply = execute("SET %b %b", key.constData(), static_cast<size_t>(key.size()), value.constData(),
                        static_cast<size_t>(value.size()));
    } else {
        const QByteArray seconds = QByteArray::number(static_cast<qint64>(ttl.count()));
        reply = execute("SET %b %b EX %b", key.constData(), static_cast<size_t>(key.size()), value.constData(),
                        static_cast<size_t>(value.size()), seconds.constData(), static_cast<size_t>(seconds.size()));
    }
    if (!reply)
        return false;

    const redisReply *result = asReply(reply.get());
    if (result->type == REDIS_REPLY_STATUS)
        return true;
    if (result->type == REDIS_REPLY_ERROR) {
        qCWarning(lcRegistry).noquote() << "Redis SET" << QString::fromUtf8(key) << "failed:" << replyText(result);
    } else {
        qCWarning(lcRegistry).noquote() << "Redis SET" << QString::fromUtf8(key)
                                        << "returned a reply of unexpected type" << result->type;
    }
    return false;
}

bool RedisCache::ensureConnected()
{
    if (m_context)
        return true;
    if (m_lastFailure && std::chrono::steady_clock::now() - *m_lastFailure < m_retryInterval)
        return false;
    return connect();
}

bool RedisCache::connect()
{
    const timeval timeout = toTimeval(m_timeout);
    errno = 0;
    m_context.reset(redisConnectWithTimeout(m_config.host.toUtf8().constData(), m_config.port, timeout));
    m_lastErrno = errno;
    m_contextAnswered = false;
    if (!m_context || m_context->err != 0) {
        recordFailure(describeFailure());
        return false;
    }
    // In hiredis 0.14 the connect timeout does not carry over to reads and writes,
    // which block without limit until redisSetTimeout() sets the socket timeouts.
    if (redisSetTimeout(m_context.get(), timeout) != REDIS_OK) {
        m_lastErrno = errno;
        recordFailure(describeFailure());
        return false;
    }

    if (!m_config.username.isEmpty() || !m_config.password.isEmpty()) {
        const QByteArray username = m_config.username.toUtf8();
        const QByteArray password = m_config.password.toUtf8();
        const Reply reply = username.isEmpty()
            ? send("AUTH %b", password.constData(), static_cast<size_t>(password.size()))
            : send("AUTH %b %b", username.constData(), static_cast<size_t>(username.size()), password.constData(),
                   static_cast<size_t>(password.size()));
        if (!reply) {
            recordFailure(describeFailure());
            return false;
        }
        // Redis's AUTH errors (WRONGPASS, NOAUTH) do not quote the password.
        if (asReply(reply.get())->type == REDIS_REPLY_ERROR) {
            recordFailure(QStringLiteral("AUTH failed: %1").arg(replyText(asReply(reply.get()))));
            return false;
        }
    }

    if (m_config.database != 0) {
        const Reply reply = send("SELECT %d", m_config.database);
        if (!reply) {
            recordFailure(describeFailure());
            return false;
        }
        if (asReply(reply.get())->type == REDIS_REPLY_ERROR) {
            recordFailure(QStringLiteral("SELECT %1 failed: %2")
                              .arg(QString::number(m_config.database), replyText(asReply(reply.get()))));
            return false;
        }
    }
    qCDebug(lcRegistry).noquote() << "Connected to Redis at" << m_redactedUrl;
    return true;
}

template<typename... Arguments>
RedisCache::Reply RedisCache::send(const char *format, Arguments... arguments)
{
    const SigpipeBlocker sigpipeBlocker;
    errno = 0;
    Reply reply(redisCommand(m_context.get(), format, arguments...));
    m_lastErrno = errno;
    return reply;
}

template<typename... Arguments>
RedisCache::Reply RedisCache::execute(const char *format, Arguments... arguments)
{
    if (!ensureConnected())
        return nullptr;

    Reply reply = send(format, arguments...);
    // A server closes connections that stay idle longer than its `timeout` setting,
    // and all of them when it restarts. Neither is an outage, so a connection that worked before
    // gets one new attempt, which fails fast if the server is really gone.
    if (!reply && m_contextAnswered && wasClosedByServer()) {
        qCDebug(lcRegistry).noquote()
            << QStringLiteral("Redis at %1 closed the connection (%2); reconnecting").arg(m_redactedUrl, describeFailure());
        m_context.reset();
        if (!connect())
            return nullptr;
        reply = send(format, arguments...);
    }
    if (!reply) {
        recordFailure(describeFailure());
        return nullptr;
    }
    // A server that requires a password replies NOAUTH to every command of a client
    // that has not logged in, so the connection is of no use.
    const redisReply *result = asReply(reply.get());
    if (result->type == REDIS_REPLY_ERROR && replyText(result).startsWith(QLatin1String("NOAUTH"))) {
        recordFailure(replyText(result));
        return nullptr;
    }
    m_contextAnswered = true;
    recordSuccess();
    return reply;
}

QString RedisCache::describeFailure() const
{
    if (!m_context)
        return QStringLiteral("cannot allocate a hiredis context");
    // hiredis 0.14 reports a socket timeout as an I/O error with the text of EAGAIN,
    // "Resource temporarily unavailable", which would puzzle an operator.
    if (m_context->err == REDIS_ERR_IO && (m_lastErrno == EAGAIN || m_lastErrno == EWOULDBLOCK))
        return QStringLiteral("no reply within %1 ms").arg(m_timeout.count());
    return QString::fromLocal8Bit(m_context->errstr);
}

bool RedisCache::wasClosedByServer() const
{
    if (!m_context)
        return false;
    return m_context->err == REDIS_ERR_EOF
        || (m_context->err == REDIS_ERR_IO && (m_lastErrno == ECONNRESET || m_lastErrno == EPIPE));
}

void RedisCache::recordFailure(const QString &reason)
{
    m_context.reset();
    m_contextAnswered = false;
    m_lastFailure = std::chrono::steady_clock::now();
    m_available = false;
    if (m_outageLogged) {
        qCDebug(lcRegistry).noquote() << "Redis at" << m_redactedUrl << "still unavailable:" << reason;
        return;
    }
    qCWarning(lcRegistry).noquote()
        << QStringLiteral("Redis at %1 unavailable: %2; the registry is cached in memory only").arg(m_redactedUrl, reason);
    m_outageLogged = true;
}

void RedisCache::recordSuccess()
{
    m_available = true;
    if (!m_outageLogged)
        return;
    qCInfo(lcRegistry).noquote() << "Redis at" << m_redactedUrl << "is available again";
    m_outageLogged = false;
}

} // namespace llmring
