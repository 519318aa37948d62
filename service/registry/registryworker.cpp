// SPDX-License-Identifier: MIT

#include "registryworker.h"

#include "rediscache.h"
#include "registryclient.h"
#include "registryfetch.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkAccessManager>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcRegistry)

namespace llmring {

namespace {

using namespace std::chrono_literals;

// Retries while no copy has ever loaded start at 1 s and double up to this.
constexpr std::chrono::milliseconds LongestFirstLoadRetry = 60s;
// Retry delay after a failed refresh while a good copy is served.
constexpr std::chrono::milliseconds RefreshRetry = 30s;
// Versions never change, so a shared copy of one is kept this long.
constexpr std::chrono::seconds VersionSharedTtl = 30 * 24h;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

RegistryWorker::RegistryWorker(RegistryClient &client, const RegistrySettings &settings)
    : m_client(client)
    , m_settings(settings)
    , m_refreshTimer(this)
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &RegistryWorker::refresh);
}

RegistryWorker::~RegistryWorker()
{
    // Fetches abort their downloads before the manager that owns the replies goes.
    qDeleteAll(findChildren<RegistryFetch *>(Qt::FindDirectChildrenOnly));
}

void RegistryWorker::start()
{
    m_network = new QNetworkAccessManager(this);
    if (m_settings.redis)
        m_redis = std::make_unique<RedisCache>(*m_settings.redis);

    const QString source = m_settings.baseUrl.toDisplayString(QUrl::RemovePassword);
    if (m_redis)
        qCInfo(lcRegistry).noquote() << "Loading the model registry from" << source << "shared through Redis at"
                                     << m_settings.redis->redacted();
    else
        qCInfo(lcRegistry).noquote() << "Loading the model registry from" << source;
    if (!adoptSharedCopy())
        refresh();
}

void RegistryWorker::refresh()
{
    if (m_fetch)
        return;
    m_refreshTimer.stop();
    if (adoptSharedCopy())
        return;

    m_fetch = new RegistryFetch(*m_network, m_settings.baseUrl, QString(), m_settings.fetchTimeout, this);
    connect(m_fetch, &RegistryFetch::finished, this, &RegistryWorker::onFetchFinished);
    m_fetch->start();
}

void RegistryWorker::onFetchFinished()
{
    RegistryFetch *fetch = m_fetch;
    m_fetch = nullptr;
    fetch->deleteLater();
    RegistryFetchResult result = fetch->result();

    // The same failures on every retry are logged in full once, then as one line.
    if (!result.failures.isEmpty() && result.failures == m_lastFailures) {
        qCWarning(lcRegistry).noquote() << "Registry downloads failed again:" << result.failures.size()
                                        << "file(s), as logged before";
    } else {
        for (const QString &failure : std::as_const(result.failures))
            qCWarning(lcRegistry).noquote() << "Registry download failed:" << failure;
    }
    m_lastFailures = result.failures;

    if (result.loadedProviders.isEmpty()) {
        ++m_failuresInARow;
        std::chrono::milliseconds retry = RefreshRetry;
        if (m_lastGood.isEmpty()) {
            const int doublings = std::min(m_failuresInARow - 1, 6);
            retry = std::min<std::chrono::milliseconds>(1000ms * (1 << doublings), LongestFirstLoadRetry);
            qCWarning(lcRegistry).noquote() << "Registry unavailable:" << m_settings.baseUrl.toDisplayString(QUrl::RemovePassword)
                                            << "- no provider loaded; trying again in" << retry.count() << "ms";
        } else {
            retry = std::min(retry, refreshAge());
            qCWarning(lcRegistry).noquote()
                << "Registry refresh from" << m_settings.baseUrl.toDisplayString(QUrl::RemovePassword)
                << "loaded no provider; still serving version" << m_lastGood.version() << "fetched at"
                << QDateTime::fromMSecsSinceEpoch(m_lastGoodFetchedAtMs, Qt::UTC).toString(Qt::ISODate);
        }
        scheduleRefresh(retry);
        m_client.attemptFinished(retry);
        return;
    }

    // A provider that failed this time keeps the copy it had. One that has none yet
    // makes the next refresh come sooner, so a file fixed upstream appears within
    // minutes rather than at the next regular refresh.
    bool incomplete = false;
    for (const QString &provider : std::as_const(result.failedProviders)) {
        if (result.builder.carryOver(m_lastGood, provider))
            qCWarning(lcRegistry).noquote() << "Registry provider" << provider << "keeps its previous copy";
        else
            incomplete = true;
    }
    m_failuresInARow = 0;
    m_incompleteInARow = incomplete ? m_incompleteInARow + 1 : 0;

    const RegistrySnapshot built = result.builder.build();
    if (!built.hasSameContent(m_lastGood)) {
        m_lastGood = built;
        qCInfo(lcRegistry).noquote() << "Registry version" << m_lastGood.version() << "loaded:"
                                     << m_lastGood.loadedProviders().join(QStringLiteral(", "));
        m_client.publish(m_lastGood);
    }
    m_lastGoodFetchedAtMs = nowMs();
    storeSharedCopy(m_lastGood, m_lastGoodFetchedAtMs);

    std::chrono::milliseconds next = refreshAge();
    if (incomplete) {
        const int doublings = std::min(m_incompleteInARow - 1, 6);
        next = std::min<std::chrono::milliseconds>(RefreshRetry * (1 << doublings), next);
    }
    scheduleRefresh(next);
    m_client.attemptFinished(next);
}

bool RegistryWorker::adoptSharedCopy()
{
    if (!m_redis)
        return false;
    const std::optional<QByteArray> stored = m_redis->get(redisKey(QStringLiteral("current")));
    if (!stored)
        return false;

    const qsizetype newline = stored->indexOf('\n');
    bool ok = false;
    const qint64 fetchedAtMs = newline > 0 ? stored->left(newline).toLongLong(&ok) : 0;
    const std::optional<RegistrySnapshot> snapshot =
        ok ? RegistrySnapshot::fromCacheText(stored->mid(newline + 1)) : std::nullopt;
    if (!snapshot || snapshot->isEmpty()) {
        qCWarning(lcRegistry) << "Ignoring an unreadable registry copy in Redis";
        return false;
    }

    const qint64 ageMs = nowMs() - fetchedAtMs;
    if (fetchedAtMs <= m_lastGoodFetchedAtMs || ageMs >= refreshAge().count())
        return false;

    m_lastGood = *snapshot;
    m_lastGoodFetchedAtMs = fetchedAtMs;
    m_failuresInARow = 0;
    qCInfo(lcRegistry).noquote() << "Registry version" << m_lastGood.version() << "taken from Redis, fetched"
                                 << ageMs / 1000 << "s ago by another instance";
    const std::chrono::milliseconds untilRefresh(std::max<qint64>(refreshAge().count() - ageMs, 0));
    m_client.publish(m_lastGood);
    scheduleRefresh(untilRefresh);
    m_client.attemptFinished(untilRefresh);
    return true;
}

void RegistryWorker::storeSharedCopy(const RegistrySnapshot &snapshot, qint64 fetchedAtMs)
{
    if (!m_redis)
        return;
    m_redis->set(redisKey(QStringLiteral("current")), QByteArray::number(fetchedAtMs) + '\n' + snapshot.toCacheText(),
                 m_settings.cacheTtl);
}

void RegistryWorker::fetchVersion(const QString &version)
{
    if (m_redis) {
        if (const std::optional<QByteArray> stored = m_redis->get(redisKey(QStringLiteral("v:") + version))) {
            const std::optional<RegistrySnapshot> snapshot = RegistrySnapshot::fromCacheText(*stored);
            if (snapshot && !snapshot->isEmpty()) {
                m_client.versionFinished(version, RegistryClient::VersionEntry::State::Found, *snapshot);
                return;
            }
        }
    }

    auto *fetch = new RegistryFetch(*m_network, m_settings.baseUrl, version, m_settings.fetchTimeout, this);
    connect(fetch, &RegistryFetch::finished, this, [this, fetch] { onVersionFetchFinished(fetch); });
    fetch->start();
}

void RegistryWorker::onVersionFetchFinished(RegistryFetch *fetch)
{
    fetch->deleteLater();
    const RegistryFetchResult &result = fetch->result();
    using State = RegistryClient::VersionEntry::State;

    if (!result.loadedProviders.isEmpty()) {
        const RegistrySnapshot snapshot = result.builder.build();
        if (m_redis)
            m_redis->set(redisKey(QStringLiteral("v:") + fetch->version()), snapshot.toCacheText(), VersionSharedTtl);
        m_client.versionFinished(fetch->version(), State::Found, snapshot);
        return;
    }
    if (!result.onlyMissingFiles) {
        for (const QString &failure : result.failures)
            qCWarning(lcRegistry).noquote() << "Registry version" << fetch->version() << "download failed:" << failure;
    }
    m_client.versionFinished(fetch->version(), result.onlyMissingFiles ? State::NotFound : State::Unavailable,
                             RegistrySnapshot());
}

QByteArray RegistryWorker::redisKey(const QString &suffix) const
{
    // Instances reading different registries must not share a copy.
    const QByteArray source =
        QCryptographicHash::hash(m_settings.baseUrl.toEncoded(), QCryptographicHash::Sha256).toHex().left(16);
    return "llmring:registry:" + source + ':' + suffix.toUtf8();
}

std::chrono::milliseconds RegistryWorker::refreshAge() const
{
    const auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.cacheTtl);
    return std::max<std::chrono::milliseconds>(ttl * 9 / 10, 500ms);
}

void RegistryWorker::scheduleRefresh(std::chrono::milliseconds delay)
{
    m_refreshTimer.start(delay);
}

} // namespace llmring
