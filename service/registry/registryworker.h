// SPDX-License-Identifier: MIT
// The registry thread's side of RegistryClient: fetch schedule, shared cache, versions.

#pragma once

#include "registrysettings.h"
#include "registrysnapshot.h"

#include <QObject>
#include <QTimer>

#include <memory>

class QNetworkAccessManager;

namespace llmring {

class RedisCache;
class RegistryClient;
class RegistryFetch;

// Every member function runs on the registry thread; results reach the client through
// its publish(), attemptFinished() and versionFinished().
class RegistryWorker final : public QObject
{
    Q_OBJECT

public:
    RegistryWorker(RegistryClient &client, const RegistrySettings &settings);
    ~RegistryWorker() override;

    // The first load: a fresh copy from Redis when there is one, else a fetch.
    void start();
    void refresh();
    void fetchVersion(const QString &version);

private:
    void onFetchFinished();
    void onVersionFetchFinished(RegistryFetch *fetch);

    // Takes the copy in Redis when another instance stored one after ours and it is
    // not yet due for a refresh; returns whether it did.
    bool adoptSharedCopy();
    void storeSharedCopy(const RegistrySnapshot &snapshot, qint64 fetchedAtMs);
    QByteArray redisKey(const QString &suffix) const;

    // How old a copy may get before it is refreshed: nine tenths of the cache TTL.
    std::chrono::milliseconds refreshAge() const;
    void scheduleRefresh(std::chrono::milliseconds delay);

    RegistryClient &m_client;
    const RegistrySettings m_settings;
    QNetworkAccessManager *m_network = nullptr; // created on the registry thread
    QTimer m_refreshTimer;
    std::unique_ptr<RedisCache> m_redis;
    RegistryFetch *m_fetch = nullptr;   // the refresh in flight
    RegistrySnapshot m_lastGood;
    qint64 m_lastGoodFetchedAtMs = 0;   // when m_lastGood was fetched, by whichever instance
    int m_failuresInARow = 0;   // refreshes in a row that loaded no provider
    int m_incompleteInARow = 0; // refreshes in a row that left a provider without any copy
    QStringList m_lastFailures; // the failures of the last refresh, as logged
};

} // namespace llmring
