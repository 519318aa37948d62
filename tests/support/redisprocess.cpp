// SPDX-License-Identifier: MIT

#include "redisprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>

#include <sys/prctl.h>

namespace llmring::test {

namespace {

constexpr std::chrono::seconds ReadyTimeout(10);
constexpr std::chrono::milliseconds ReadyPollInterval(50);
constexpr int ExitTimeoutMs = 10'000;
// A port picked as free can be taken by another process before the server binds it.
constexpr int StartAttempts = 3;

QString findProgram()
{
    const QString configured = qEnvironmentVariable("LLMRING_REDIS_SERVER");
    if (!configured.isEmpty())
        return configured;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (!onPath.isEmpty())
        return onPath;
    return QStringLiteral("/usr/bin/redis-server");
}

// A loopback port that nothing listens on right now.
quint16 pickFreePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

// True once the server replies to PING, with PONG or, when it requires a password,
// with a NOAUTH error.
bool repliesToPing(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(500))
        return false;
    socket.write("PING\r\n");
    if (!socket.waitForBytesWritten(500) || !socket.waitForReadyRead(500))
        return false;
    const QByteArray reply = socket.readAll();
    return reply.startsWith('+') || reply.startsWith('-');
}

} // namespace

RedisProcess::RedisProcess(const QStringList &extraArguments)
    : m_extraArguments(extraArguments)
{
}

RedisProcess::~RedisProcess()
{
    stop();
}

bool RedisProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

QString RedisProcess::url() const
{
    return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port);
}

QString RedisProcess::serverLogTail(int lines) const
{
    QFile file(m_logFile);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no server log at %1)").arg(m_logFile);
    const QStringList all = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

bool RedisProcess::start(QString *error)
{
    if (isRunning())
        return true;

    if (!m_folder) {
        m_program = findProgram();
        if (!QFileInfo(m_program).isExecutable()) {
            *error = QStringLiteral("redis-server not found at %1; install the Debian package redis-server "
                                    "or set LLMRING_REDIS_SERVER")
                         .arg(m_program);
            return false;
        }
        m_folder = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/llmring-redis-XXXXXX"));
        if (!m_folder->isValid()) {
            *error = QStringLiteral("cannot create a temporary folder in %1: %2")
                         .arg(QDir::tempPath(), m_folder->errorString());
            return false;
        }
        m_logFile = m_folder->filePath(QStringLiteral("redis.log"));
    }

    if (m_port != 0)
        return startOnPort(m_port, error);

    for (int attempt = 1; attempt <= StartAttempts; ++attempt) {
        const quint16 port = pickFreePort();
        if (port == 0) {
            *error = QStringLiteral("cannot find a free port on 127.0.0.1");
            return false;
        }
        if (startOnPort(port, error)) {
            m_port = port;
            return true;
        }
    }
    return false;
}

bool RedisProcess::startOnPort(quint16 port, QString *error)
{
    // An empty --save turns snapshots off and --appendonly no the append-only file, so
    // stop() loses the data, as the outage tests expect. The log goes to a file rather
    // than to a pipe that is not read while the test blocks.
    const QStringList arguments = QStringList{QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                              QStringLiteral("--port"), QString::number(port),
                                              QStringLiteral("--save"), QString(),
                                              QStringLiteral("--appendonly"), QStringLiteral("no"),
                                              QStringLiteral("--daemonize"), QStringLiteral("no"),
                                              QStringLiteral("--dir"), m_folder->path(),
                                              QStringLiteral("--logfile"), m_logFile}
        + m_extraArguments;

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(m_program);
    m_process->setArguments(arguments);
    m_process->setWorkingDirectory(m_folder->path());
    m_process->setStandardOutputFile(QProcess::nullDevice());
    m_process->setStandardErrorFile(QProcess::nullDevice());
    // A test that crashes runs no destructor, so the kernel kills the server when the
    // thread that started it ends.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start();
    if (!m_process->waitForStarted(ExitTimeoutMs)) {
        *error = QStringLiteral("cannot run %1: %2").arg(m_program, m_process->errorString());
        m_process.reset();
        return false;
    }
    if (!waitUntilReady(port, error)) {
        stop();
        *error += QStringLiteral("\nEnd of the server log %1:\n%2").arg(m_logFile, serverLogTail());
        return false;
    }
    return true;
}

bool RedisProcess::waitUntilReady(quint16 port, QString *error)
{
    const QDeadlineTimer deadline(ReadyTimeout);
    while (!deadline.hasExpired()) {
        if (m_process->state() == QProcess::NotRunning) {
            *error = QStringLiteral("redis-server for port %1 exited with code %2 while starting")
                         .arg(port)
                         .arg(m_process->exitCode());
            return false;
        }
        if (repliesToPing(port))
            return true;
        QThread::msleep(static_cast<unsigned long>(ReadyPollInterval.count()));
    }
    *error = QStringLiteral("redis-server on port %1 did not reply to PING within %2 s")
                 .arg(port)
                 .arg(ReadyTimeout.count());
    return false;
}

void RedisProcess::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(ExitTimeoutMs);
    }
    m_process.reset();
}

} // namespace llmring::test
