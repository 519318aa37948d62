// SPDX-License-Identifier: MIT

#include "privatecluster.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>
#include <QtDebug>

#include <pwd.h>
#include <unistd.h>

namespace llmring::test {

namespace {

// pg_ctl's own wait for the server to start or stop, in seconds, and how much longer
// the test waits for pg_ctl itself.
constexpr int PgCtlWaitSeconds = 60;
constexpr int ToolMarginMs = 30'000;
// A port picked as free can be taken by another process before the server binds it.
constexpr int StartAttempts = 3;

bool isBinaryFolder(const QString &folder)
{
    if (folder.isEmpty())
        return false;
    for (const char *tool : {"initdb", "pg_ctl", "postgres"}) {
        if (!QFileInfo(folder + u'/' + QLatin1String(tool)).isExecutable())
            return false;
    }
    return true;
}

QString findBinaryFolder()
{
    QStringList candidates;
    const QString configured = qEnvironmentVariable("LLMRING_PG_BINDIR");
    if (!configured.isEmpty())
        return isBinaryFolder(configured) ? configured : QString();
    candidates.append(QStringLiteral("/usr/lib/postgresql/15/bin"));

    QProcess pgConfig;
    pgConfig.start(QStringLiteral("pg_config"), {QStringLiteral("--bindir")});
    if (pgConfig.waitForFinished(10'000) && pgConfig.exitCode() == 0)
        candidates.append(QString::fromLocal8Bit(pgConfig.readAllStandardOutput()).trimmed());

    for (const QString &candidate : std::as_const(candidates)) {
        if (isBinaryFolder(candidate))
            return candidate;
    }
    return {};
}

// A loopback port that nothing listens on right now.
quint16 pickFreePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

} // namespace

PrivateCluster::PrivateCluster() = default;

PrivateCluster::~PrivateCluster()
{
    if (m_running) {
        // Immediate mode ends the server without a checkpoint: the data is deleted next.
        QString error;
        if (!runTool(QStringLiteral("pg_ctl"),
                     {QStringLiteral("stop"), QStringLiteral("--pgdata=") + m_dataFolder,
                      QStringLiteral("--mode=immediate"), QStringLiteral("--wait"),
                      QStringLiteral("--timeout=%1").arg(PgCtlWaitSeconds), QStringLiteral("--silent")},
                     PgCtlWaitSeconds * 1000 + ToolMarginMs, &error)) {
            qWarning().noquote() << "Cannot stop the private PostgreSQL cluster in" << m_dataFolder << ":" << error;
        }
    }
    // m_folder's destructor deletes the cluster folder.
}

QString PrivateCluster::databaseUrl(const QString &query) const
{
    return QStringLiteral("postgresql://postgres@127.0.0.1:%1/postgres%2").arg(m_port.load()).arg(query);
}

QString PrivateCluster::serverLogTail(int lines) const
{
    QFile file(m_logFile);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no server log at %1)").arg(m_logFile);
    const QStringList all = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

bool PrivateCluster::initialize(QString *error)
{
    m_binaryFolder = findBinaryFolder();
    if (m_binaryFolder.isEmpty()) {
        *error = QStringLiteral("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in LLMRING_PG_BINDIR, "
                                "/usr/lib/postgresql/15/bin or pg_config --bindir; install the Debian package "
                                "postgresql or set LLMRING_PG_BINDIR");
        return false;
    }

    m_folder = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/llmring-private-pg-XXXXXX"));
    if (!m_folder->isValid()) {
        *error = QStringLiteral("cannot create a temporary folder in %1: %2")
                     .arg(QDir::tempPath(), m_folder->errorString());
        return false;
    }
    m_dataFolder = m_folder->filePath(QStringLiteral("data"));
    m_logFile = m_folder->filePath(QStringLiteral("server.log"));

    m_runAsPostgres = ::geteuid() == 0;
    if (m_runAsPostgres) {
        const passwd *account = ::getpwnam("postgres");
        if (account == nullptr) {
            *error = QStringLiteral("running as root, but the system user postgres, which must own the cluster, "
                                    "does not exist; install the Debian package postgresql");
            return false;
        }
        if (::chown(QFile::encodeName(m_folder->path()).constData(), account->pw_uid, account->pw_gid) != 0) {
            *error = QStringLiteral("cannot make postgres the owner of %1").arg(m_folder->path());
            return false;
        }
    }

    // --no-sync skips flushing the new files to disk, since the cluster is deleted afterwards.
    if (!runTool(QStringLiteral("initdb"),
                 {QStringLiteral("--pgdata=") + m_dataFolder, QStringLiteral("--username=postgres"),
                  QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C"), QStringLiteral("--auth=trust"),
                  QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
                 120'000, error)) {
        return false;
    }
    m_initialized = true;
    return true;
}

bool PrivateCluster::start(QString *error)
{
    if (m_running)
        return true;
    if (!m_initialized && !initialize(error))
        return false;
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

bool PrivateCluster::startOnPort(quint16 port, QString *error)
{
    // pg_ctl passes --options through a shell, so '' sets an empty socket folder list,
    // which means no Unix socket. fsync and full-page writes only protect against an
    // operating system crash, and the data is thrown away anyway. synchronous_commit
    // stays on, because with it off an immediate shutdown loses the last commits.
    const QString options = QStringLiteral("-c port=%1 -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                                           "-c fsync=off -c full_page_writes=off")
                                .arg(port);
    if (!runTool(QStringLiteral("pg_ctl"),
                 {QStringLiteral("start"), QStringLiteral("--pgdata=") + m_dataFolder,
                  QStringLiteral("--log=") + m_logFile, QStringLiteral("--options=") + options, QStringLiteral("--wait"),
                  QStringLiteral("--timeout=%1").arg(PgCtlWaitSeconds), QStringLiteral("--silent")},
                 PgCtlWaitSeconds * 1000 + ToolMarginMs, error)) {
        *error += QStringLiteral("\nEnd of the server log %1:\n%2").arg(m_logFile, serverLogTail());
        return false;
    }
    m_running = true;
    return true;
}

bool PrivateCluster::stop(QString *error, ShutdownMode mode)
{
    if (!m_running)
        return true;
    const QString modeOption =
        mode == ShutdownMode::Fast ? QStringLiteral("--mode=fast") : QStringLiteral("--mode=immediate");
    if (!runTool(QStringLiteral("pg_ctl"),
                 {QStringLiteral("stop"), QStringLiteral("--pgdata=") + m_dataFolder, modeOption,
                  QStringLiteral("--wait"), QStringLiteral("--timeout=%1").arg(PgCtlWaitSeconds),
                  QStringLiteral("--silent")},
                 PgCtlWaitSeconds * 1000 + ToolMarginMs, error)) {
        *error += QStringLiteral("\nEnd of the server log %1:\n%2").arg(m_logFile, serverLogTail());
        return false;
    }
    m_running = false;
    return true;
}

bool PrivateCluster::runTool(const QString &tool, const QStringList &arguments, int timeoutMs, QString *error) const
{
    const QString path = m_binaryFolder + u'/' + tool;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The postgres user may not be allowed into the test's working folder.
    process.setWorkingDirectory(QStringLiteral("/"));
    if (m_runAsPostgres)
        process.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                                                             QStringLiteral("--"), path} + arguments);
    else
        process.start(path, arguments);

    if (!process.waitForStarted(10'000)) {
        *error = QStringLiteral("cannot run %1: %2").arg(path, process.errorString());
        return false;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5'000);
        *error = QStringLiteral("%1 %2 did not finish within %3 s")
                     .arg(path, arguments.value(0))
                     .arg(timeoutMs / 1000);
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("%1 %2 failed with exit code %3: %4")
                     .arg(path, arguments.value(0))
                     .arg(process.exitCode())
                     .arg(QString::fromLocal8Bit(process.readAll()).trimmed());
        return false;
    }
    return true;
}

} // namespace llmring::test
