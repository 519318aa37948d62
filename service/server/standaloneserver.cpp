// SPDX-License-Identifier: MIT

#include "standaloneserver.h"

#include "listeningsocket.h"
#include "service.h"
#include "workerloop.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

namespace {

// How long the worker loops wait at shutdown for connections to finish the requests
// they have received, before closing them anyway.
constexpr std::chrono::milliseconds ShutdownGracePeriod(10'000);
// How long a loop gets to end after the grace period, before and after its statement
// is interrupted.
constexpr std::chrono::milliseconds InterruptDelay(2'000);

} // namespace

StandaloneServer::StandaloneServer(Service &service)
    : m_service(service)
{
}

StandaloneServer::~StandaloneServer()
{
    stop();
}

bool StandaloneServer::start(QString *error)
{
    const Settings &settings = m_service.settings();
    const int workerCount = settings.effectiveWorkers();

    if (settings.port != 0 && !isPortFree(settings.host, settings.port, error))
        return false;

    QList<int> sockets;
    quint16 port = settings.port;
    for (int i = 0; i < workerCount; ++i) {
        const auto socket = openListeningSocket(settings.host, port, error);
        if (!socket) {
            for (int opened : std::as_const(sockets))
                closeSocket(opened);
            return false;
        }
        port = boundPort(*socket);
        sockets.append(*socket);
    }
    m_port = port;

    for (int i = 0; i < workerCount; ++i) {
        auto *worker = new WorkerLoop(m_service, sockets.at(i), i);
        m_workers.append(worker);
        worker->start();
    }
    qCInfo(lcHttp).noquote() << "Serving on" << QStringLiteral("http://%1:%2").arg(settings.host.toString()).arg(m_port)
                             << "with" << workerCount << "worker loop(s)";
    return true;
}

void StandaloneServer::stop()
{
    for (WorkerLoop *worker : std::as_const(m_workers))
        worker->requestStop(ShutdownGracePeriod);

    // A loop blocked in a statement on a database that hangs never reaches its own
    // grace-period timer, so after the grace period its statement is interrupted.
    const QDeadlineTimer deadline(ShutdownGracePeriod + InterruptDelay);
    for (WorkerLoop *worker : std::as_const(m_workers)) {
        if (!worker->wait(deadline)) {
            qCWarning(lcHttp).noquote() << worker->objectName()
                                        << "is still blocked in the database; interrupting its statement";
            worker->interruptDatabase();
            if (!worker->wait(InterruptDelay)) {
                // Destroying a running QThread would abort the process.
                qCCritical(lcHttp).noquote() << worker->objectName() << "did not end; terminating it";
                worker->terminate();
                worker->wait();
            }
        }
        delete worker;
    }
    m_workers.clear();
}

} // namespace llmring
