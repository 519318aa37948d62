// SPDX-License-Identifier: MIT
// One download of the model registry: the manifest, then every provider file at once.

#pragma once

#include "registrysnapshot.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace llmring {

// The outcome of one fetch. `builder` contains every provider file that loaded, and the
// caller decides what to carry over from an earlier snapshot for the others.
struct RegistryFetchResult
{
    RegistrySnapshot::Builder builder; // the loaded files, version and build time set
    QStringList loadedProviders;
    QStringList failedProviders;
    // One line per failed download: "<URL>: <reason>".
    QStringList failures;
    // True when every failed provider file was missing (HTTP 404 or no such file),
    // which for a versioned registry means the version does not exist.
    bool onlyMissingFiles = true;
};

// Downloads `<base>manifest.json` and then, concurrently, each provider's file:
// `<base><provider>/models.json`, or `<base><provider>/v/<version>/models.json` for a
// versioned registry. Works for http, https and file URLs alike through
// QNetworkAccessManager. The whole fetch is bounded by `timeout`: downloads still
// running then are aborted and count as failed. A file larger than MaxFileBytes is
// aborted too, so a misbehaving mirror cannot exhaust memory.
//
// Lives on the thread of `network`. After start(), finished() is emitted once: the
// deadline aborts whatever is still running, and every reply then finishes.
class RegistryFetch final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxFileBytes = 32 * 1024 * 1024;

    // `version` empty: the current registry, whose version the manifest declares.
    RegistryFetch(QNetworkAccessManager &network, const QUrl &baseUrl, const QString &version,
                  std::chrono::milliseconds timeout, QObject *parent = nullptr);
    ~RegistryFetch() override;

    void start();

    // Aborts every download; finished() follows with what had loaded.
    void abort();

    const RegistryFetchResult &result() const { return m_result; }
    const QString &version() const { return m_version; }

Q_SIGNALS:
    void finished();

private:
    QNetworkReply *get(const QUrl &url);
    void onManifestFinished(QNetworkReply *reply);
    void onProviderFinished(const QString &provider, QNetworkReply *reply);
    // The reply's body, or an empty optional with the reason in *failure.
    std::optional<QByteArray> bodyOf(QNetworkReply *reply, QString *failure);
    void finishIfDone();

    QNetworkAccessManager &m_network;
    QUrl m_baseUrl;
    QString m_version; // requested version; empty for the current registry
    QTimer m_deadline;
    bool m_timedOut = false;
    bool m_finished = false;
    QHash<QNetworkReply *, QString> m_pending; // reply -> provider ("" for the manifest)
    RegistryFetchResult m_result;
};

// `<base><relative>`, where `base` ends with '/'.
QUrl registryFileUrl(const QUrl &base, const QString &relative);

} // namespace llmring
