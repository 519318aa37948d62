// SPDX-License-Identifier: MIT

#include "databaseconfig.h"

#include <QUrl>
#include <QUrlQuery>

namespace llmring {

namespace {

// libpq connection keywords a URL may set; anything else is a typo worth reporting.
const QStringList &allowedOptions()
{
    static const QStringList options{
        QStringLiteral("sslmode"),         QStringLiteral("sslcert"),
        QStringLiteral("sslkey"),          QStringLiteral("sslrootcert"),
        QStringLiteral("sslcrl"),          QStringLiteral("connect_timeout"),
        QStringLiteral("application_name"), QStringLiteral("target_session_attrs"),
        QStringLiteral("keepalives"),      QStringLiteral("keepalives_idle"),
        QStringLiteral("keepalives_interval"), QStringLiteral("keepalives_count"),
        QStringLiteral("tcp_user_timeout"), QStringLiteral("options"),
    };
    return options;
}

} // namespace

std::optional<DatabaseConfig> DatabaseConfig::fromUrl(const QString &url, QString *error)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid()) {
        // QUrl::errorString() quotes the whole URL, password included, so it is not used.
        *error = QStringLiteral("is not a valid URL; expected postgresql://user:password@host:port/database");
        return std::nullopt;
    }
    if (parsed.scheme() != QLatin1String("postgresql") && parsed.scheme() != QLatin1String("postgres")) {
        *error = QStringLiteral("must start with postgresql:// or postgres://");
        return std::nullopt;
    }

    DatabaseConfig config;
    if (!parsed.host().isEmpty())
        config.host = parsed.host();
    config.port = parsed.port(5432);
    if (config.port <= 0 || config.port > 65535) {
        *error = QStringLiteral("has an invalid port");
        return std::nullopt;
    }
    config.user = parsed.userName();
    config.password = parsed.password();
    config.databaseName = parsed.path().mid(1);
    if (config.databaseName.contains(u'/')) {
        *error = QStringLiteral("has a path with more than a database name");
        return std::nullopt;
    }
    if (config.databaseName.isEmpty())
        config.databaseName = config.user.isEmpty() ? QStringLiteral("postgres") : config.user;

    QStringList options;
    bool hasConnectTimeout = false;
    const QUrlQuery query(parsed);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("host")) {
            config.host = value;
            continue;
        }
        if (!allowedOptions().contains(key)) {
            *error = QStringLiteral("has an unsupported parameter '%1'").arg(key);
            return std::nullopt;
        }
        if (value.contains(u';') || value.contains(u' ')) {
            *error = QStringLiteral("has a parameter '%1' whose value contains ';' or a space").arg(key);
            return std::nullopt;
        }
        hasConnectTimeout = hasConnectTimeout || key == QLatin1String("connect_timeout");
        options.append(key + u'=' + value);
    }
    // Without a timeout, a connect attempt to an unreachable host blocks a worker for
    // minutes; five seconds bounds how long requests wait during an outage.
    if (!hasConnectTimeout)
        options.append(QStringLiteral("connect_timeout=5"));
    config.connectOptions = options.join(u';');
    return config;
}

QString DatabaseConfig::redacted() const
{
    const QString userPart = user.isEmpty() ? QString() : user + u'@';
    return QStringLiteral("postgresql://%1%2:%3/%4").arg(userPart, host).arg(port).arg(databaseName);
}

} // namespace llmring
