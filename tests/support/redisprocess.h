// SPDX-License-Identifier: MIT
// A redis-server process that one test suite owns, started and stopped by the test.

#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace llmring::test {

// A redis-server listening on a free 127.0.0.1 port, with persistence off and its
// working folder and log in a new temporary folder. The program is LLMRING_REDIS_SERVER
// when set, else redis-server from PATH, else /usr/bin/redis-server.
//
// stop() kills the process (SIGKILL), as a crash would, so its data is lost and clients
// see their connections closed. start() after stop() reuses the port, so clients
// configured with url() reach the new process. The destructor stops the server, and
// the server also ends when the thread that started it ends (Linux PR_SET_PDEATHSIG).
class RedisProcess
{
public:
    // `extraArguments` are appended to the redis-server command line, for example
    // {"--requirepass", "secret"}.
    explicit RedisProcess(const QStringList &extraArguments = {});
    ~RedisProcess();

    RedisProcess(const RedisProcess &) = delete;
    RedisProcess &operator=(const RedisProcess &) = delete;

    // Starts the server and waits at most 10 s until it replies to PING. Returns false
    // with *error, which includes the end of the server log.
    bool start(QString *error);
    // Kills the server and waits until it has exited. Does nothing when it is not running.
    void stop();

    bool isRunning() const;
    quint16 port() const { return m_port; }
    // redis://127.0.0.1:<port>/0
    QString url() const;

private:
    bool startOnPort(quint16 port, QString *error);
    bool waitUntilReady(quint16 port, QString *error);
    QString serverLogTail(int lines = 20) const;

    QStringList m_extraArguments;
    QString m_program;
    std::unique_ptr<QTemporaryDir> m_folder;
    QString m_logFile;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace llmring::test
