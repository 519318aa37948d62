// SPDX-License-Identifier: MIT
// llmring-console: the admin console for an llmring service.

#include "connection/connectionsettings.h"
#include "logs/logspage.h"
#include "receipts/receiptspage.h"
#include "registry/registrypage.h"
#include "usage/usagepage.h"
#include "window/mainwindow.h"

#include "api/apiclient.h"

#include <QApplication>
#include <QCommandLineParser>

using namespace llmring;

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("llmring"));
    QApplication::setApplicationName(QStringLiteral("llmring-console"));
    QApplication::setApplicationVersion(QStringLiteral(LLMRING_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main",
        "LLMRing Console: usage charts, raw usage logs, receipt inspection and the model registry of an "
        "llmring-server project.\n\n"
        "Connections (server URL and project API key) are chosen in the window (Ctrl+Shift+C) and remembered "
        "in the user's settings. Keys: F5 refreshes the page shown, Ctrl+1 to Ctrl+4 switch pages."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(application);

    api::ApiClient client;
    console::ConnectionSettings settings;
    console::MainWindow window(client, settings);
    window.addPage(new console::UsagePage(client));
    window.addPage(new console::LogsPage(client));
    window.addPage(new console::ReceiptsPage(client));
    window.addPage(new console::RegistryPage(client));
    window.restoreState();
    window.show();
    window.connectToCurrent();
    return QApplication::exec();
}
