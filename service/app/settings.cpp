// SPDX-License-Identifier: MIT

#include "settings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

namespace llmring {

namespace {

QString invalid(const QString &setting, const QString &value, const QString &problem)
{
    return QStringLiteral("%1=%2 is invalid: %3").arg(setting, value, problem);
}

std::optional<qint64> parseInteger(const QString &value, qint64 minimum, qint64 maximum)
{
    bool ok = false;
    const qint64 number = value.trimmed().toLongLong(&ok);
    if (!ok || number < minimum || number > maximum)
        return std::nullopt;
    return number;
}

bool readInteger(const QProcessEnvironment &environment, const QString &name, qint64 minimum,
                 qint64 maximum, qint64 *target, QString *error)
{
    if (!environment.contains(name))
        return true;
    const QString value = environment.value(name);
    const auto number = parseInteger(value, minimum, maximum);
    if (!number) {
        *error = invalid(name, value,
                         QStringLiteral("expected a whole number from %1 to %2").arg(minimum).arg(maximum));
        return false;
    }
    *target = *number;
    return true;
}

std::optional<QStringList> parseOrigins(const QString &value)
{
    const QString trimmed = value.trimmed();
    QStringList origins;
    if (trimmed.startsWith(u'[')) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(trimmed.toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isArray())
            return std::nullopt;
        for (const QJsonValue &origin : document.array()) {
            if (!origin.isString())
                return std::nullopt;
            origins.append(origin.toString().trimmed());
        }
    } else {
        for (const QString &origin : trimmed.split(u',', Qt::SkipEmptyParts))
            origins.append(origin.trimmed());
    }
    for (const QString &origin : origins) {
        if (origin != QLatin1String("*") && !origin.startsWith(QLatin1String("http://"))
            && !origin.startsWith(QLatin1String("https://"))) {
            return std::nullopt;
        }
    }
    return origins;
}

// Accepts the spellings people write in environment files.
std::optional<bool> parseBoolean(const QString &value)
{
    const QString normalized = value.trimmed().toLower();
    if (normalized == QLatin1String("true") || normalized == QLatin1String("1") || normalized == QLatin1String("yes")
        || normalized == QLatin1String("on")) {
        return true;
    }
    if (normalized == QLatin1String("false") || normalized == QLatin1String("0") || normalized == QLatin1String("no")
        || normalized == QLatin1String("off")) {
        return false;
    }
    return std::nullopt;
}

bool readConversationSettings(const QProcessEnvironment &environment, ConversationSettings *settings, QString *error)
{
    const QString levelVariable = QStringLiteral("LLMRING_MESSAGE_LOGGING_LEVEL");
    if (environment.contains(levelVariable)) {
        const QString value = environment.value(levelVariable);
        const auto level = messageLoggingLevelFromName(value.trimmed().toLower());
        if (!level) {
            *error = invalid(levelVariable, value, QStringLiteral("expected none, metadata or full"));
            return false;
        }
        settings->loggingLevel = *level;
    }
    if (!readInteger(environment, QStringLiteral("LLMRING_MESSAGE_RETENTION_DAYS"), 1,
                     ConversationSettings::MaxRetentionDays, &settings->retentionDays, error)) {
        return false;
    }
    const QString trackingVariable = QStringLiteral("LLMRING_ENABLE_CONVERSATION_TRACKING");
    if (environment.contains(trackingVariable)) {
        const QString value = environment.value(trackingVariable);
        const auto enabled = parseBoolean(value);
        if (!enabled) {
            *error = invalid(trackingVariable, value, QStringLiteral("expected true or false (1 and 0, yes and no, on and off work too)"));
            return false;
        }
        settings->trackingEnabled = *enabled;
    }
    return true;
}

} // namespace

bool isValidSchemaName(const QString &name)
{
    // Schema names are written into SQL text (they cannot be bound), so only plain
    // lowercase identifiers that need no quoting are accepted.
    static const QRegularExpression pattern(QStringLiteral("^[a-z_][a-z0-9_]{0,62}$"));
    return pattern.match(name).hasMatch();
}

bool Settings::setHost(const QString &value, const QString &setting, QString *error)
{
    QHostAddress address;
    if (value == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(value)) {
        *error = invalid(setting, value, QStringLiteral("expected an IP address such as 127.0.0.1 or 0.0.0.0"));
        return false;
    }
    host = address;
    return true;
}

bool Settings::setPort(const QString &value, const QString &setting, QString *error)
{
    const auto number = parseInteger(value, 0, 65535);
    if (!number) {
        *error = invalid(setting, value, QStringLiteral("expected a port number from 0 to 65535"));
        return false;
    }
    port = static_cast<quint16>(*number);
    return true;
}

bool Settings::setDatabaseUrl(const QString &value, const QString &setting, QString *error)
{
    QString problem;
    const auto config = DatabaseConfig::fromUrl(value, &problem);
    if (!config) {
        // The value may hold a password, so it is not repeated in the message.
        *error = QStringLiteral("%1 is invalid: it %2").arg(setting, problem);
        return false;
    }
    database = *config;
    return true;
}

bool Settings::setSchema(const QString &value, const QString &setting, QString *error)
{
    if (!isValidSchemaName(value)) {
        *error = invalid(setting, value,
                         QStringLiteral("expected a lowercase identifier matching [a-z_][a-z0-9_]{0,62}"));
        return false;
    }
    schema = value;
    return true;
}

bool Settings::setRegistryBaseUrl(const QString &value, const QString &setting, QString *error)
{
    const QString trimmed = value.trimmed();
    QUrl url = trimmed.startsWith(u'/') ? QUrl::fromLocalFile(trimmed) : QUrl(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    // The URL may carry a mirror's password, so only its scheme and host are named.
    if (!url.isValid() || !url.query().isEmpty() || url.hasFragment()) {
        *error = QStringLiteral("%1 is invalid: expected an http, https or file URL such as "
                                "https://llmring.github.io/registry/").arg(setting);
        return false;
    }
    if (scheme.isEmpty()) {
        *error = QStringLiteral("%1 is invalid: expected an http, https or file URL, or an absolute path such as "
                                "/srv/registry/")
                     .arg(setting);
        return false;
    }
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https") && scheme != QLatin1String("file")) {
        *error = QStringLiteral("%1 is invalid: the scheme must be http, https or file, not \"%2\"")
                     .arg(setting, scheme);
        return false;
    }
    if (scheme != QLatin1String("file") && url.host().isEmpty()) {
        *error = QStringLiteral("%1 is invalid: an %2 URL needs a host").arg(setting, scheme);
        return false;
    }
    // QNetworkAccessManager reads only local files.
    if (scheme == QLatin1String("file") && !url.host().isEmpty() && url.host() != QLatin1String("localhost")) {
        *error = QStringLiteral("%1 is invalid: a file URL must name a local folder, as in file:///srv/registry/, "
                                "not one on host \"%2\"")
                     .arg(setting, url.host());
        return false;
    }
    if (scheme == QLatin1String("file") && !url.path().startsWith(u'/')) {
        *error = QStringLiteral("%1 is invalid: a file URL needs an absolute path, as in file:///srv/registry/")
                     .arg(setting);
        return false;
    }
    // Files are found relative to the base, so it names a folder.
    if (!url.path().endsWith(u'/'))
        url.setPath(url.path() + u'/');
    registry.baseUrl = url;
    return true;
}

std::optional<Settings> Settings::fromEnvironment(const QProcessEnvironment &environment, QString *error)
{
    Settings settings;
    const QString databaseUrl = environment.value(QStringLiteral("LLMRING_DATABASE_URL"), DefaultDatabaseUrl);
    if (!settings.setDatabaseUrl(databaseUrl, QStringLiteral("LLMRING_DATABASE_URL"), error))
        return std::nullopt;

    if (environment.contains(QStringLiteral("LLMRING_DATABASE_SCHEMA"))
        && !settings.setSchema(environment.value(QStringLiteral("LLMRING_DATABASE_SCHEMA")),
                               QStringLiteral("LLMRING_DATABASE_SCHEMA"), error)) {
        return std::nullopt;
    }
    if (environment.contains(QStringLiteral("LLMRING_HOST"))
        && !settings.setHost(environment.value(QStringLiteral("LLMRING_HOST")), QStringLiteral("LLMRING_HOST"),
                             error)) {
        return std::nullopt;
    }
    if (environment.contains(QStringLiteral("LLMRING_PORT"))
        && !settings.setPort(environment.value(QStringLiteral("LLMRING_PORT")), QStringLiteral("LLMRING_PORT"),
                             error)) {
        return std::nullopt;
    }

    qint64 poolSize = settings.poolSize;
    qint64 workers = settings.workers;
    qint64 headerTimeout = settings.headerTimeoutSeconds;
    qint64 idleTimeout = settings.idleTimeoutSeconds;
    qint64 maxConnections = settings.maxConnections;
    if (!readInteger(environment, QStringLiteral("LLMRING_DATABASE_POOL_SIZE"), 1, 1000, &poolSize, error)
        || !readInteger(environment, QStringLiteral("LLMRING_WORKERS"), 1, 256, &workers, error)
        || !readInteger(environment, QStringLiteral("LLMRING_MAX_BODY_BYTES"), 1024, qint64(1) << 30,
                        &settings.maxBodyBytes, error)
        || !readInteger(environment, QStringLiteral("LLMRING_MAX_HEADER_BYTES"), 1024, 1024 * 1024,
                        &settings.maxHeaderBytes, error)
        || !readInteger(environment, QStringLiteral("LLMRING_HEADER_TIMEOUT"), 1, 3600, &headerTimeout, error)
        || !readInteger(environment, QStringLiteral("LLMRING_IDLE_TIMEOUT"), 1, 86400, &idleTimeout, error)
        || !readInteger(environment, QStringLiteral("LLMRING_MAX_CONNECTIONS"), 1, 1'000'000, &maxConnections,
                        error)) {
        return std::nullopt;
    }
    settings.poolSize = int(poolSize);
    settings.workers = int(workers);
    settings.headerTimeoutSeconds = int(headerTimeout);
    settings.idleTimeoutSeconds = int(idleTimeout);
    settings.maxConnections = int(maxConnections);

    if (environment.contains(QStringLiteral("LLMRING_REGISTRY_BASE_URL"))
        && !settings.setRegistryBaseUrl(environment.value(QStringLiteral("LLMRING_REGISTRY_BASE_URL")),
                                        QStringLiteral("LLMRING_REGISTRY_BASE_URL"), error)) {
        return std::nullopt;
    }
    qint64 cacheTtl = settings.registry.cacheTtl.count();
    qint64 registryTimeout = settings.registry.fetchTimeout.count();
    if (!readInteger(environment, QStringLiteral("LLMRING_CACHE_TTL"), 1, 7 * 86400, &cacheTtl, error)
        || !readInteger(environment, QStringLiteral("LLMRING_REGISTRY_TIMEOUT"), 1, 300, &registryTimeout, error)) {
        return std::nullopt;
    }
    settings.registry.cacheTtl = std::chrono::seconds(cacheTtl);
    settings.registry.fetchTimeout = std::chrono::seconds(registryTimeout);
    const QString redisUrl = environment.value(QStringLiteral("LLMRING_REDIS_URL")).trimmed();
    if (!redisUrl.isEmpty()) {
        QString problem;
        settings.registry.redis = RedisConfig::fromUrl(redisUrl, &problem);
        if (!settings.registry.redis) {
            *error = QStringLiteral("LLMRING_REDIS_URL is invalid: %1").arg(problem);
            return std::nullopt;
        }
    }

    if (!readConversationSettings(environment, &settings.conversations, error))
        return std::nullopt;

    if (environment.contains(QStringLiteral("LLMRING_CORS_ORIGINS"))) {
        const QString value = environment.value(QStringLiteral("LLMRING_CORS_ORIGINS"));
        const auto origins = parseOrigins(value);
        if (!origins) {
            *error = invalid(QStringLiteral("LLMRING_CORS_ORIGINS"), value,
                             QStringLiteral("expected a comma list or JSON array of http(s) origins, or *"));
            return std::nullopt;
        }
        settings.corsOrigins = *origins;
    }

    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, error);
    if (!settings.receiptKeys)
        return std::nullopt;

    if (environment.contains(QStringLiteral("LLMRING_LOG_LEVEL"))) {
        const QString value = environment.value(QStringLiteral("LLMRING_LOG_LEVEL")).trimmed().toLower();
        static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                        QStringLiteral("warning"), QStringLiteral("error")};
        if (!levels.contains(value)) {
            *error = invalid(QStringLiteral("LLMRING_LOG_LEVEL"), environment.value(QStringLiteral("LLMRING_LOG_LEVEL")),
                             QStringLiteral("expected debug, info, warning or error"));
            return std::nullopt;
        }
        settings.logLevel = value;
    }
    return settings;
}

int Settings::effectiveWorkers() const
{
    const int requested = workers > 0 ? workers : 2 * qMax(1, QThread::idealThreadCount());
    return qMin(requested, poolSize);
}

GuardSettings Settings::guardSettings() const
{
    GuardSettings guard;
    guard.maxHeaderBytes = maxHeaderBytes;
    guard.maxBodyBytes = maxBodyBytes;
    guard.headerTimeout = std::chrono::seconds(headerTimeoutSeconds);
    guard.idleTimeout = std::chrono::seconds(idleTimeoutSeconds);
    guard.maxConnections = maxConnections;
    return guard;
}

QString Settings::summary() const
{
    QString receipts = QStringLiteral("no receipt key");
    if (receiptKeys->hasActiveKey()) {
        receipts = QStringLiteral("receipt key %1 (%2)")
                       .arg(receiptKeys->activeKeyId(),
                            receiptKeys->canSign() ? QStringLiteral("signs and verifies")
                                                   : QStringLiteral("verifies only"));
    }
    const QString registrySource = registry.baseUrl.toDisplayString(QUrl::RemovePassword)
        + (registry.redis ? QStringLiteral(" shared through ") + registry.redis->redacted() : QString());
    return QStringLiteral("listening on %1:%2, database %3, schema %4, %5 worker(s), CORS origins %6, %7, "
                          "registry %8 (cache TTL %9 s), message logging %10, conversation tracking %11")
        .arg(host.toString())
        .arg(port)
        .arg(database.redacted(), schema)
        .arg(effectiveWorkers())
        .arg(corsOrigins.join(u','), receipts, registrySource)
        .arg(registry.cacheTtl.count())
        .arg(messageLoggingLevelName(conversations.loggingLevel),
             conversations.trackingEnabled ? QStringLiteral("on") : QStringLiteral("off"));
}

} // namespace llmring
