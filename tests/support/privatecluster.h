// SPDX-License-Identifier: MIT
// A PostgreSQL cluster that one test suite owns, for tests that stop the database.

#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <atomic>
#include <memory>

namespace llmring::test {

// A cluster created with initdb in a new temporary folder and served on a free
// 127.0.0.1 port, with trust authentication and fsync off. Suites that stop, restart or
// hang PostgreSQL use one of these instead of the shared test database, which other
// suites use at the same time.
//
// PostgreSQL refuses to run as root, so when the test runs as root, initdb and pg_ctl
// run as the `postgres` system user (`runuser -u postgres --`), which then owns the
// folder. The binaries come from LLMRING_PG_BINDIR, /usr/lib/postgresql/15/bin or
// `pg_config --bindir`, in that order.
//
// start() and stop() block until pg_ctl returns, and may be called from any thread,
// but not from two at once. The destructor stops the server and deletes the folder.
class PrivateCluster
{
public:
    PrivateCluster();
    ~PrivateCluster();

    PrivateCluster(const PrivateCluster &) = delete;
    PrivateCluster &operator=(const PrivateCluster &) = delete;

    // Creates the cluster on the first call, then starts the server and waits until it
    // accepts connections. Later calls reuse the data and the port. Returns false with
    // *error, which includes the end of the server log.
    bool start(QString *error);

    enum class ShutdownMode {
        // Sessions get a FATAL error (SQLSTATE 57P01), transactions roll back, and the
        // server writes a checkpoint.
        Fast,
        // Every server process exits at once, so clients see their connections close
        // with at most a WARNING notice and no error, and the next start() runs crash
        // recovery.
        Immediate,
    };

    // Stops the server; the data stays for the next start().
    bool stop(QString *error, ShutdownMode mode = ShutdownMode::Fast);

    bool isRunning() const { return m_running; }
    quint16 port() const { return m_port; }

    // postgresql://postgres@127.0.0.1:<port>/postgres, followed by `query` (such as
    // "?connect_timeout=2") when given.
    QString databaseUrl(const QString &query = {}) const;

    // The last `lines` lines of the server log, for failure messages.
    QString serverLogTail(int lines = 20) const;

private:
    bool initialize(QString *error);
    bool startOnPort(quint16 port, QString *error);
    // Runs a PostgreSQL program from the binary folder as the cluster owner, and waits
    // at most `timeoutMs`. Returns false with *error holding the program's output.
    bool runTool(const QString &tool, const QStringList &arguments, int timeoutMs, QString *error) const;

    QString m_binaryFolder;
    std::unique_ptr<QTemporaryDir> m_folder;
    QString m_dataFolder;
    QString m_logFile;
    bool m_runAsPostgres = false;
    bool m_initialized = false;
    std::atomic<bool> m_running{false};
    std::atomic<quint16> m_port{0};
};

} // namespace llmring::test
