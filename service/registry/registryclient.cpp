// SPDX-License-Identifier: MIT

#include "registryclient.h"

#include "registryworker.h"

#include <algorithm>

namespace llmring {

namespace {

using namespace std::chrono_literals;

// The maximum number of versions fetched at once. A request for another one gets a 503
// instead of queueing, so requests for made-up versions cannot pile up upstream fetches.
constexpr int MaxVersionFetches = 4;
// Versions kept in memory; the least recently used goes first.
constexpr int MaxCachedVersions = 32;
// How long the result for an unknown or failed version is reused before it is fetched again.
constexpr std::chrono::milliseconds NotFoundKept = 60s;
constexpr std::chrono::milliseconds UnavailableKept = 5s;

} // namespace

RegistryClient::RegistryClient(const RegistrySettings &settings)
    : m_settings(settings)
{
    m_thread.setObjectName(QStringLiteral("llmring-registry"));
    m_worker = new RegistryWorker(*this, m_settings);
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &RegistryWorker::start, Qt::QueuedConnection);
}

RegistryClient::~RegistryClient()
{
    // The worker is deleted on its thread as the thread ends, which aborts downloads.
    m_thread.quit();
    m_thread.wait();
}

RegistrySnapshot RegistryClient::current() const
{
    QMutexLocker locker(&m_mutex);
    return m_current;
}

qint64 RegistryClient::secondsUntilNextAttempt() const
{
    QMutexLocker locker(&m_mutex);
    const qint64 remainingMs = m_nextAttempt.remainingTime();
    if (remainingMs < 0) // the first attempt has not finished; no schedule yet
        return std::max<qint64>(1, std::chrono::duration_cast<std::chrono::seconds>(m_settings.fetchTimeout).count());
    return std::max<qint64>(1, (remainingMs + 999) / 1000);
}

quint64 RegistryClient::finishedAttempts() const
{
    QMutexLocker locker(&m_mutex);
    return m_finishedAttempts;
}

bool RegistryClient::waitForAttemptsAfter(quint64 attempts, std::chrono::milliseconds timeout) const
{
    QDeadlineTimer deadline(timeout);
    QMutexLocker locker(&m_mutex);
    while (m_finishedAttempts <= attempts) {
        if (!m_attemptDone.wait(&m_mutex, deadline))
            return false;
    }
    return true;
}

void RegistryClient::refreshNow()
{
    QMetaObject::invokeMethod(m_worker, &RegistryWorker::refresh, Qt::QueuedConnection);
}

RegistryClient::VersionStatus RegistryClient::version(const QString &version, RegistrySnapshot *snapshot)
{
    using State = VersionEntry::State;
    QMutexLocker locker(&m_mutex);
    auto entry = m_versions.find(version);
    const bool expired = entry != m_versions.end()
        && (entry->state == State::NotFound || entry->state == State::Unavailable) && entry->expiry.hasExpired();
    if (entry == m_versions.end() || expired) {
        const auto fetching = std::count_if(m_versions.cbegin(), m_versions.cend(), [](const VersionEntry &each) {
            return each.state == State::Fetching;
        });
        if (fetching >= MaxVersionFetches)
            return VersionStatus::Unavailable;
        m_versions.insert(version, VersionEntry{});
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, version] { worker->fetchVersion(version); }, Qt::QueuedConnection);
        return VersionStatus::Pending;
    }

    switch (entry->state) {
    case State::Found:
        entry->lastUsed = ++m_versionUseCounter;
        *snapshot = entry->snapshot;
        return VersionStatus::Found;
    case State::Fetching:
        return VersionStatus::Pending;
    case State::NotFound:
        return VersionStatus::NotFound;
    case State::Unavailable:
        break;
    }
    return VersionStatus::Unavailable;
}

void RegistryClient::publish(const RegistrySnapshot &snapshot)
{
    QMutexLocker locker(&m_mutex);
    m_current = snapshot;
}

void RegistryClient::attemptFinished(std::chrono::milliseconds untilNextAttempt)
{
    QMutexLocker locker(&m_mutex);
    ++m_finishedAttempts;
    m_nextAttempt.setRemainingTime(untilNextAttempt);
    m_attemptDone.wakeAll();
}

void RegistryClient::versionFinished(const QString &version, VersionEntry::State state,
                                     const RegistrySnapshot &snapshot)
{
    using State = VersionEntry::State;
    QMutexLocker locker(&m_mutex);
    VersionEntry finished;
    finished.state = state;
    finished.snapshot = snapshot;
    finished.lastUsed = ++m_versionUseCounter;
    if (state == State::NotFound)
        finished.expiry.setRemainingTime(NotFoundKept);
    else if (state == State::Unavailable)
        finished.expiry.setRemainingTime(UnavailableKept);
    m_versions.insert(version, finished);

    // Evicts the least recently used finished versions beyond the limit.
    while (m_versions.size() > MaxCachedVersions) {
        auto oldest = m_versions.end();
        for (auto it = m_versions.begin(); it != m_versions.end(); ++it) {
            if (it->state != State::Fetching && (oldest == m_versions.end() || it->lastUsed < oldest->lastUsed))
                oldest = it;
        }
        if (oldest == m_versions.end())
            break;
        m_versions.erase(oldest);
    }
}

} // namespace llmring
