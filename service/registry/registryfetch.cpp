// SPDX-License-Identifier: MIT

#include "registryfetch.h"

#include "core/timestamp.h"

#include <QDate>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace llmring {

namespace {

const char TooLargeProperty[] = "llmring_too_large";

bool isMissingFile(QNetworkReply::NetworkError error)
{
    return error == QNetworkReply::ContentNotFoundError || error == QNetworkReply::ContentGoneError;
}

} // namespace

QUrl registryFileUrl(const QUrl &base, const QString &relative)
{
    QUrl url = base;
    url.setPath(base.path() + relative);
    return url;
}

RegistryFetch::RegistryFetch(QNetworkAccessManager &network, const QUrl &baseUrl, const QString &version,
                             std::chrono::milliseconds timeout, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_baseUrl(baseUrl)
    , m_version(version)
{
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(timeout);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        abort();
    });
}

RegistryFetch::~RegistryFetch()
{
    // Replies are children of the manager, not of this object, so they are ended here.
    const QList<QNetworkReply *> replies = m_pending.keys();
    m_pending.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void RegistryFetch::start()
{
    m_deadline.start();
    QNetworkReply *manifest = get(registryFileUrl(m_baseUrl, QStringLiteral("manifest.json")));
    m_pending.insert(manifest, QString());
    connect(manifest, &QNetworkReply::finished, this, [this, manifest] { onManifestFinished(manifest); });
}

void RegistryFetch::abort()
{
    // abort() may emit finished() at once, which edits m_pending.
    const QList<QNetworkReply *> replies = m_pending.keys();
    for (QNetworkReply *reply : replies)
        reply->abort();
}

QNetworkReply *RegistryFetch::get(const QUrl &url)
{
    QNetworkRequest request(url);
    // The deadline bounds the whole fetch; this also ends a stalled transfer early.
    request.setTransferTimeout(static_cast<int>(m_deadline.interval()));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("llmring-server/" LLMRING_VERSION));
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::downloadProgress, this, [reply](qint64 received, qint64 total) {
        if (received > MaxFileBytes || total > MaxFileBytes) {
            reply->setProperty(TooLargeProperty, true);
            reply->abort();
        }
    });
    return reply;
}

std::optional<QByteArray> RegistryFetch::bodyOf(QNetworkReply *reply, QString *failure)
{
    const QString url = reply->url().toDisplayString(QUrl::RemovePassword);
    if (reply->property(TooLargeProperty).toBool()) {
        *failure = QStringLiteral("%1: larger than %2 MiB").arg(url).arg(MaxFileBytes / (1024 * 1024));
        return std::nullopt;
    }
    if (reply->error() == QNetworkReply::OperationCanceledError && m_timedOut) {
        *failure = QStringLiteral("%1: no complete answer within %2 ms").arg(url).arg(m_deadline.interval());
        return std::nullopt;
    }
    if (reply->error() != QNetworkReply::NoError) {
        *failure = QStringLiteral("%1: %2").arg(url, reply->errorString());
        return std::nullopt;
    }
    return reply->readAll();
}

void RegistryFetch::onManifestFinished(QNetworkReply *reply)
{
    m_pending.remove(reply);
    reply->deleteLater();

    // A manifest that cannot be read still leaves the default providers to fetch, and
    // the version falls back to today's date.
    QString failure;
    const QByteArray manifest = bodyOf(reply, &failure).value_or(QByteArray());
    if (!failure.isEmpty())
        m_result.failures.append(failure);

    const QDate today = QDateTime::currentDateTimeUtc().date();
    m_result.builder.setVersion(m_version.isEmpty() ? RegistrySnapshot::versionFromManifest(manifest, today)
                                                    : m_version);

    if (m_timedOut) {
        // No provider file was requested, so whether the version exists is unknown.
        m_result.onlyMissingFiles = false;
        finishIfDone();
        return;
    }
    for (const QString &provider : RegistrySnapshot::providersFromManifest(manifest)) {
        const QString relative = m_version.isEmpty()
            ? QStringLiteral("%1/models.json").arg(provider)
            : QStringLiteral("%1/v/%2/models.json").arg(provider, m_version);
        QNetworkReply *providerReply = get(registryFileUrl(m_baseUrl, relative));
        m_pending.insert(providerReply, provider);
        connect(providerReply, &QNetworkReply::finished, this,
                [this, provider, providerReply] { onProviderFinished(provider, providerReply); });
    }
    finishIfDone();
}

void RegistryFetch::onProviderFinished(const QString &provider, QNetworkReply *reply)
{
    m_pending.remove(reply);
    reply->deleteLater();

    QString failure;
    const std::optional<QByteArray> body = bodyOf(reply, &failure);
    if (body && m_result.builder.addProviderFile(provider, *body, &failure)) {
        m_result.loadedProviders.append(provider);
    } else {
        if (body) // the file arrived but is not a registry file, so its URL goes first
            failure = QStringLiteral("%1: %2").arg(reply->url().toDisplayString(QUrl::RemovePassword), failure);
        m_result.failedProviders.append(provider);
        m_result.failures.append(failure);
        if (body || !isMissingFile(reply->error()) || reply->property(TooLargeProperty).toBool())
            m_result.onlyMissingFiles = false;
    }
    finishIfDone();
}

void RegistryFetch::finishIfDone()
{
    if (!m_pending.isEmpty() || m_finished)
        return;
    m_finished = true;
    m_deadline.stop();
    // A version never changes, so its document must not either. It carries the time
    // its provider files give as their updated_at, when they give one, not the download time.
    const QString updatedAt = m_result.builder.latestUpdatedAt();
    m_result.builder.setGeneratedAt(!m_version.isEmpty() && !updatedAt.isEmpty() ? updatedAt
                                                                                 : Timestamp::now().toRfc3339());
    Q_EMIT finished();
}

} // namespace llmring
