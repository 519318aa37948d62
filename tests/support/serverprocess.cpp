// SPDX-License-Identifier: MIT

#include "serverprocess.h"

#include "registryfixtures.h"

namespace llmring::test {

QProcessEnvironment serverEnvironment(const QList<QPair<QString, QString>> &variables)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.startsWith(QLatin1String("LLMRING_")))
            environment.remove(name);
    }
    environment.insert(QStringLiteral("LLMRING_REGISTRY_BASE_URL"), registryFixtureUrl().toString());
    for (const auto &[name, value] : variables)
        environment.insert(name, value);
    return environment;
}

ProcessResult finishProcess(QProcess &process, int timeoutMs)
{
    ProcessResult result;
    result.finished = process.waitForStarted(10'000) && process.waitForFinished(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5'000);
    }
    result.exitStatus = process.exitStatus();
    result.exitCode = process.exitCode();
    result.standardOutput = QString::fromUtf8(process.readAllStandardOutput());
    result.standardError = QString::fromUtf8(process.readAllStandardError());
    return result;
}

} // namespace llmring::test
