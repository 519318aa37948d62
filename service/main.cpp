// SPDX-License-Identifier: MIT
// llmring-server: the standalone service program.

#include "app/commandline.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("llmring-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LLMRING_VERSION));
    return llmring::runCommandLine(QCoreApplication::arguments());
}
