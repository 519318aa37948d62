// SPDX-License-Identifier: MIT
// Running the built llmring-server program from a test.

#pragma once

#include <QList>
#include <QPair>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>

namespace llmring::test {

struct ProcessResult
{
    bool finished = false;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    int exitCode = -1;
    QString standardOutput;
    QString standardError;
};

// The test's environment without its LLMRING_* variables, plus `variables`, so that
// a developer's own settings never leak into a test run.
QProcessEnvironment serverEnvironment(const QList<QPair<QString, QString>> &variables);

// Waits at most `timeoutMs` for `process` to exit, kills it if it is still running, and
// returns its status and output.
ProcessResult finishProcess(QProcess &process, int timeoutMs);

} // namespace llmring::test
