// SPDX-License-Identifier: MIT
// The registry thread: keeps a current copy of the model registry for request handlers.

#pragma once

#include "registrysettings.h"
#include "registrysnapshot.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <chrono>

namespace llmring {

class RegistryWorker;

// Fetches the registry on a thread of its own, at start and again before the copy is
// `cacheTtl` old, and publishes each result as an immutable RegistrySnapshot. Request
// handlers on any thread read the latest snapshot with current(), which only copies a
// pointer under a mutex and never waits for a fetch.
//
// A refresh that loads no provider keeps the last good snapshot; one that loads some
// keeps the last good copy of each provider that failed. Failures are logged with
// their URLs. With Redis configured, every instance first looks for a copy another
// instance stored there, and stores its own; Redis being down only means each
// instance fetches for itself.
//
// Versioned registries are fetched on demand: version() starts the download and returns
// Pending, and later calls return the result from memory. No call waits for a download.
class RegistryClient final
{
public:
    explicit RegistryClient(const RegistrySettings &settings);
    ~RegistryClient();

    RegistryClient(const RegistryClient &) = delete;
    RegistryClient &operator=(const RegistryClient &) = delete;

    // The latest snapshot; empty while no provider has ever loaded.
    RegistrySnapshot current() const;

    const QUrl &baseUrl() const { return m_settings.baseUrl; }

    // Whole seconds until the next fetch attempt, at least 1: the Retry-After of a 503.
    qint64 secondsUntilNextAttempt() const;

    enum class VersionStatus {
        Found,
        Pending,     // its download is running (started by this call or an earlier one)
        NotFound,    // every provider file of that version is missing
        Unavailable, // the download failed or timed out, or too many versions are downloading
    };

    // Looks up the registry as of `version` (already validated as a path segment), and
    // starts its download when it is not in memory. Thread-safe, and never waits.
    VersionStatus version(const QString &version, RegistrySnapshot *snapshot);

    // Fetch attempts of the current registry finished so far, successful or not.
    quint64 finishedAttempts() const;

    // Waits until more than `attempts` fetch attempts have finished; false on timeout.
    bool waitForAttemptsAfter(quint64 attempts, std::chrono::milliseconds timeout) const;

    // Starts a refresh now unless one is running (operators' and tests' use).
    void refreshNow();

private:
    friend class RegistryWorker;

    struct VersionEntry
    {
        enum class State { Fetching, Found, NotFound, Unavailable } state = State::Fetching;
        RegistrySnapshot snapshot;
        QDeadlineTimer expiry; // for NotFound and Unavailable results, which are kept briefly
        qint64 lastUsed = 0;
    };

    // Called on the registry thread.
    void publish(const RegistrySnapshot &snapshot);
    void attemptFinished(std::chrono::milliseconds untilNextAttempt);
    void versionFinished(const QString &version, VersionEntry::State state, const RegistrySnapshot &snapshot);

    const RegistrySettings m_settings;
    QThread m_thread;
    RegistryWorker *m_worker = nullptr; // lives on m_thread

    mutable QMutex m_mutex;
    mutable QWaitCondition m_attemptDone;
    RegistrySnapshot m_current;
    quint64 m_finishedAttempts = 0;
    QDeadlineTimer m_nextAttempt{QDeadlineTimer::Forever}; // Forever until the first attempt ends
    QHash<QString, VersionEntry> m_versions;
    qint64 m_versionUseCounter = 0;
};

} // namespace llmring
