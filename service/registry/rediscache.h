// SPDX-License-Identifier: MIT
// An optional Redis cache for the model registry, over hiredis's synchronous API.

#pragma once

#include <QByteArray>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

struct redisContext;

namespace llmring {

// Connection settings for one Redis server, parsed from a redis:// URL.
struct RedisConfig
{
    QString host;
    quint16 port = 6379;
    // Redis 6 ACL user. When it is set, the cache sends AUTH username password, even
    // with an empty password, which a user with the nopass rule accepts.
    QString username;
    // Without a username, a non-empty password is sent as AUTH password.
    QString password;
    // Sent as SELECT database when it is not 0.
    int database = 0;

    // Parses redis://[[username][:password]@]host[:port][/database]. The username and
    // the password are percent-decoded, and the last '@' ends them, so a password may
    // contain '@', ':' and '/' unencoded. An IPv6 address goes in brackets. Returns
    // std::nullopt with *error set for another scheme (rediss:// too, since TLS is not
    // supported), a missing host, a port outside 1..65535, a database outside 0..10000,
    // a query or a fragment. *error never contains the password.
    static std::optional<RedisConfig> fromUrl(const QString &url, QString *error);

    // The URL for logs: redis://host:port/database, with "***" in place of a password.
    QString redacted() const;
};

// Reads and writes cached values in Redis, and keeps working, as a cache that always
// misses, while Redis is down.
//
// The first call connects. Connecting and each socket read or write wait at most
// `timeout`. After a failure (refused or timed-out connection, I/O error, error reply
// to AUTH or SELECT), the connection is closed and no call connects again until
// `retryInterval` has passed, so calls during an outage return at once. The one
// exception is a connection that had worked and was then closed by the server (an
// idle timeout or a restart): the same call opens a new one at once. An error reply
// to GET or SET (such as WRONGTYPE) fails that call only and keeps the connection,
// except NOAUTH, which a server that requires a password sends to every command, and
// which therefore counts as an outage.
//
// NOTE: hiredis resolves a host name with a blocking getaddrinfo() that `timeout`
// does not bound, so a host given as an IP address avoids a stall on a slow resolver.
// NOTE: `timeout` bounds each socket read and write, not a whole reply, so a server
// that sends a large value slowly can take longer.
//
// Not thread-safe: the registry uses one instance from its own thread only. Calls block
// that thread while they run.
class RedisCache final
{
public:
    // Does not connect yet. A timeout below 1 ms is raised to 1 ms, because a zero
    // socket timeout means no timeout at all.
    explicit RedisCache(const RedisConfig &config,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(500),
                        std::chrono::milliseconds retryInterval = std::chrono::seconds(5));
    ~RedisCache();

    RedisCache(const RedisCache &) = delete;
    RedisCache &operator=(const RedisCache &) = delete;

    // The value stored under `key`, or std::nullopt when the key is missing, contains
    // a value of another type, or Redis cannot be reached.
    std::optional<QByteArray> get(const QByteArray &key);

    // Stores `value` under `key` with SET, adding EX ttl unless `ttl` is 0, which means
    // no expiry. Returns false when Redis cannot be reached, replies with an error, or
    // `ttl` is negative.
    bool set(const QByteArray &key, const QByteArray &value, std::chrono::seconds ttl);

    // True while the last command got a reply, error replies included. False before
    // the first call.
    bool isAvailable() const { return m_available; }

private:
    struct ContextDeleter
    {
        void operator()(redisContext *context) const;
    };
    struct ReplyDeleter
    {
        void operator()(void *reply) const;
    };
    using Reply = std::unique_ptr<void, ReplyDeleter>; // a redisReply

    // Opens the connection unless one is open, logs in and selects the database.
    // Returns false at once while the retry interval after a failure runs.
    bool ensureConnected();
    bool connect();
    // Runs one command (a redisCommand() format and its arguments), connecting first,
    // and returns the reply, or nullptr after a connection failure, which has then
    // been recorded.
    template<typename... Arguments>
    Reply execute(const char *format, Arguments... arguments);
    // Sends one command on the open connection. Returns nullptr when the connection
    // failed, and leaves recording the failure to the caller.
    template<typename... Arguments>
    Reply send(const char *format, Arguments... arguments);
    // Why the last send() failed, in words for the log.
    QString describeFailure() const;
    bool wasClosedByServer() const;
    // Closes the connection and starts the retry interval. Logs the outage when it begins.
    void recordFailure(const QString &reason);
    void recordSuccess();

    RedisConfig m_config;
    QString m_redactedUrl;
    std::chrono::milliseconds m_timeout;
    std::chrono::milliseconds m_retryInterval;
    std::unique_ptr<redisContext, ContextDeleter> m_context;
    // True once the open connection has returned a reply, so that its closing by the
    // server is not yet an outage.
    bool m_contextAnswered = false;
    // errno right after the last hiredis call, which hiredis 0.14 reports only as text.
    int m_lastErrno = 0;
    std::optional<std::chrono::steady_clock::time_point> m_lastFailure;
    bool m_available = false;
    bool m_outageLogged = false;
};

} // namespace llmring
