// SPDX-License-Identifier: MIT
// llmring-console: the admin console for an llmring service.

#include "connection/connectionsettings.h"
#include "conversations/conversationspage.h"
#include "logs/logspage.h"
#include "mcp/mcppage.h"
#include "receipts/receiptspage.h"
#include "registry/registrypage.h"
#include "usage/usagepage.h"
#include "window/mainwindow.h"

#include "api/apiclient.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

using namespace llmring;

namespace {

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("llmring"));
    QCoreApplication::setApplicationName(QStringLiteral("llmring-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LLMRING_VERSION));
}

// Handles --help and --version, and rejects unknown options, before any window system
// is needed, so both work over SSH without a display.
void parseCommandLine(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    setApplicationNames();
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "LLMRing Console: usage charts, raw usage logs, receipt inspection and the model registry of an "
        "llmring-server project.\n\n"
        "Connections (server URL and project API key) are chosen in the window (Ctrl+Shift+C) and remembered "
        "in the user's settings. Keys: F5 refreshes the page shown, Ctrl+1 to Ctrl+6 switch pages."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(application);
}

} // namespace

int main(int argc, char *argv[])
{
    parseCommandLine(argc, argv);
    QApplication application(argc, argv);
    setApplicationNames();

    api::ApiClient client;
    console::ConnectionSettings settings;
    console::MainWindow window(client, settings);
    window.addPage(new console::UsagePage(client));
    window.addPage(new console::LogsPage(client));
    window.addPage(new console::ReceiptsPage(client));
    window.addPage(new console::RegistryPage(client));
    window.addPage(new console::ConversationsPage(client));
    window.addPage(new console::McpPage(client));
    window.restoreState();
    window.show();
    window.connectToCurrent();
    return QApplication::exec();
}
