// SPDX-License-Identifier: MIT

#include "commandline.h"

#include "database/databaseconnection.h"
#include "database/databaseerror.h"
#include "database/migrator.h"
#include "logsetup.h"
#include "receiptcommands.h"
#include "repricecommand.h"
#include "server/signalwatcher.h"
#include "server/standaloneserver.h"
#include "service.h"
#include "settings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace llmring {

namespace {

enum ExitCode { Success = 0, RuntimeFailure = 1, UsageError = 2 };

QTextStream &standardError()
{
    static QTextStream stream(stderr);
    return stream;
}

QTextStream &standardOutput()
{
    static QTextStream stream(stdout);
    return stream;
}

int printMigrationStatus(const Settings &settings)
{
    QString error;
    const auto migrations = Migration::loadFolder(QStringLiteral(":/migrations"), &error);
    if (!migrations) {
        standardError() << "llmring-server: " << error << Qt::endl;
        return RuntimeFailure;
    }
    try {
        DatabaseConnection connection(settings.database, settings.schema, QStringLiteral("llmring-migrate-status"));
        const QList<MigrationStatus> statuses = Migrator(connection, *migrations).status();
        bool clean = true;
        standardOutput() << "Schema " << settings.schema << " on " << settings.database.redacted() << Qt::endl;
        for (const MigrationStatus &status : statuses) {
            QString state;
            if (status.changed) {
                state = QStringLiteral("CHANGED after it was applied at %1").arg(*status.appliedAt);
                clean = false;
            } else if (status.appliedAt) {
                state = QStringLiteral("applied %1").arg(*status.appliedAt);
            } else {
                state = QStringLiteral("pending");
            }
            standardOutput() << QStringLiteral("%1  %2  %3").arg(status.version, 3, 10, QLatin1Char('0')).arg(status.name, -32).arg(state)
                             << Qt::endl;
        }
        return clean ? Success : RuntimeFailure;
    } catch (const DatabaseError &databaseError) {
        standardError() << "llmring-server: cannot read the migration status from " << settings.database.redacted()
                        << ": " << databaseError.message() << Qt::endl;
        return RuntimeFailure;
    }
}

int migrate(const Settings &settings)
{
    QString error;
    const bool ok = migrateDatabase(settings, &error, [](const QString &name) {
        standardOutput() << "Applying " << name << Qt::endl;
    });
    if (!ok) {
        standardError() << "llmring-server: migration failed: " << error << Qt::endl;
        return RuntimeFailure;
    }
    standardOutput() << "Schema " << settings.schema << " is up to date." << Qt::endl;
    return Success;
}

int serve(QCoreApplication &application, const Settings &settings)
{
    qCInfo(lcHttp).noquote() << "llmring-server" << LLMRING_VERSION << "starting:" << settings.summary();
    if (settings.corsOrigins.contains(QStringLiteral("*")))
        qCWarning(lcHttp) << "LLMRING_CORS_ORIGINS allows any origin (*); name the origins in production";

    // Installed first: a signal that arrives while the service starts waits in the
    // watcher's pipe and stops the server as soon as the event loop runs.
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::stopRequested, &application, [&application](int signalNumber) {
        qCInfo(lcHttp) << "Received signal" << signalNumber << "- stopping";
        application.quit();
    });

    ServiceOptions options;
    options.settings = settings;
    QString error;
    const std::unique_ptr<Service> service = Service::create(options, &error);
    if (!service) {
        standardError() << "llmring-server: " << error << Qt::endl;
        return RuntimeFailure;
    }

    StandaloneServer server(*service);
    if (!server.start(&error)) {
        standardError() << "llmring-server: " << error << Qt::endl;
        return RuntimeFailure;
    }

    application.exec();

    server.stop();
    qCInfo(lcHttp) << "Stopped";
    return Success;
}

} // namespace

int runCommandLine(const QStringList &arguments)
{
    QCoreApplication *application = QCoreApplication::instance();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "LLMRing Server: records LLM usage and cost per project, keeps conversation history, signs receipts\n"
        "and proxies the model registry.\n"
        "\n"
        "Commands:\n"
        "  serve             apply pending migrations, then serve the HTTP API (default)\n"
        "  migrate           apply pending migrations and exit\n"
        "  migrate --status  list migrations and whether each is applied\n"
        "  reprice --since DATE [--dry-run]\n"
        "                    price usage logs stored as unpriced since DATE from the registry\n"
        "  keygen            print a new receipt signing key pair as LLMRING_RECEIPTS_* lines\n"
        "  receipt canonicalize FILE\n"
        "                    print the RFC 8785 form of a receipt's signed members\n"
        "  receipt sign FILE sign an unsigned receipt with LLMRING_RECEIPTS_PRIVATE_KEY_B64\n"
        "  receipt verify FILE [--public-key KEY [--key-id ID] | --jwks FILE | --server URL]\n"
        "                    verify a receipt; exit status 0 only when it is valid\n"
        "FILE may be - for standard input.\n"
        "\n"
        "Configuration comes from LLMRING_* environment variables (see the README);\n"
        "the options below override them."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("serve (default), or another command above"),
                                 QStringLiteral("[command]"));
    const QCommandLineOption hostOption(QStringLiteral("host"),
                                        QStringLiteral("Address to listen on (LLMRING_HOST, default 127.0.0.1)."),
                                        QStringLiteral("address"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("TCP port to listen on (LLMRING_PORT, default 8000)."),
                                        QStringLiteral("port"));
    const QCommandLineOption databaseOption(
        QStringLiteral("database-url"),
        QStringLiteral("PostgreSQL URL, postgresql://user:password@host:port/database (LLMRING_DATABASE_URL)."),
        QStringLiteral("url"));
    const QCommandLineOption schemaOption(
        QStringLiteral("schema"), QStringLiteral("Schema for every table (LLMRING_DATABASE_SCHEMA, default llmring)."),
        QStringLiteral("name"));
    const QCommandLineOption statusOption(QStringLiteral("status"),
                                          QStringLiteral("With migrate: list migrations instead of applying them."));
    const QCommandLineOption sinceOption(
        QStringLiteral("since"), QStringLiteral("With reprice: the first day (YYYY-MM-DD) or time (RFC 3339) to price."),
        QStringLiteral("date"));
    const QCommandLineOption dryRunOption(QStringLiteral("dry-run"),
                                          QStringLiteral("With reprice: report what would change, change nothing."));
    const QCommandLineOption registryOption(
        QStringLiteral("registry-url"),
        QStringLiteral("Model registry base URL: http, https or file (LLMRING_REGISTRY_BASE_URL)."),
        QStringLiteral("url"));
    const QCommandLineOption publicKeyOption(
        QStringLiteral("public-key"), QStringLiteral("With receipt verify: the Ed25519 public key (base64 or base64url)."),
        QStringLiteral("key"));
    const QCommandLineOption keyIdOption(
        QStringLiteral("key-id"),
        QStringLiteral("With --public-key: the key id it has (default: k_ and 16 hex digits of its SHA-256)."),
        QStringLiteral("id"));
    const QCommandLineOption jwksOption(QStringLiteral("jwks"),
                                        QStringLiteral("With receipt verify: a JSON Web Key Set file of public keys."),
                                        QStringLiteral("file"));
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QStringLiteral("With receipt verify: a service whose /receipts/public-keys.json lists the keys."),
        QStringLiteral("url"));
    parser.addOptions({hostOption, portOption, databaseOption, schemaOption, registryOption, statusOption, sinceOption,
                       dryRunOption, publicKeyOption, keyIdOption, jwksOption, serverOption});
    // parse() rather than process(), which exits with status 1 on a usage error.
    if (!parser.parse(arguments)) {
        standardError() << "llmring-server: " << parser.errorText() << " (see --help)" << Qt::endl;
        return UsageError;
    }
    if (parser.isSet(helpOption))
        parser.showHelp(Success);
    if (parser.isSet(versionOption))
        parser.showVersion();

    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0, QStringLiteral("serve"));

    // The receipt commands need no database and no server settings.
    if (command == QLatin1String("keygen") && positional.size() == 1)
        return runKeygen(standardOutput(), standardError());
    static const QStringList receiptCommands{QStringLiteral("canonicalize"), QStringLiteral("sign"),
                                             QStringLiteral("verify")};
    if (command == QLatin1String("receipt")) {
        if (positional.size() != 3 || !receiptCommands.contains(positional.at(1))) {
            standardError() << "llmring-server: usage: receipt canonicalize|sign|verify FILE (see --help)" << Qt::endl;
            return UsageError;
        }
        const VerificationKeySource keySource{parser.value(publicKeyOption), parser.value(keyIdOption),
                                              parser.value(jwksOption), parser.value(serverOption)};
        const int sources = int(!keySource.publicKey.isEmpty()) + int(!keySource.jwksFile.isEmpty())
            + int(!keySource.serverUrl.isEmpty());
        if (sources > 1) {
            standardError() << "llmring-server: give at most one of --public-key, --jwks and --server" << Qt::endl;
            return UsageError;
        }
        return runReceiptCommand(positional.at(1), positional.at(2), keySource,
                                 QProcessEnvironment::systemEnvironment(), standardOutput(), standardError());
    }

    static const QStringList databaseCommands{QStringLiteral("serve"), QStringLiteral("migrate"),
                                              QStringLiteral("reprice")};
    if (positional.size() > 1 || !databaseCommands.contains(command)) {
        standardError() << "llmring-server: unknown command '" << positional.join(u' ')
                        << "'; expected serve, migrate, reprice, keygen or receipt (see --help)" << Qt::endl;
        return UsageError;
    }
    if (parser.isSet(statusOption) && command != QLatin1String("migrate")) {
        standardError() << "llmring-server: --status goes with the migrate command" << Qt::endl;
        return UsageError;
    }
    const bool isReprice = command == QLatin1String("reprice");
    if (isReprice != parser.isSet(sinceOption) || (parser.isSet(dryRunOption) && !isReprice)) {
        standardError() << (isReprice ? "llmring-server: reprice needs --since DATE, such as --since 2025-08-01"
                                      : "llmring-server: --since and --dry-run go with the reprice command")
                        << Qt::endl;
        return UsageError;
    }

    QString error;
    std::optional<Settings> settings = Settings::fromEnvironment(QProcessEnvironment::systemEnvironment(), &error);
    const bool overridesValid = settings
        && (!parser.isSet(hostOption) || settings->setHost(parser.value(hostOption), QStringLiteral("--host"), &error))
        && (!parser.isSet(portOption) || settings->setPort(parser.value(portOption), QStringLiteral("--port"), &error))
        && (!parser.isSet(databaseOption)
            || settings->setDatabaseUrl(parser.value(databaseOption), QStringLiteral("--database-url"), &error))
        && (!parser.isSet(schemaOption)
            || settings->setSchema(parser.value(schemaOption), QStringLiteral("--schema"), &error))
        && (!parser.isSet(registryOption)
            || settings->setRegistryBaseUrl(parser.value(registryOption), QStringLiteral("--registry-url"), &error));
    if (!overridesValid) {
        standardError() << "llmring-server: " << error << Qt::endl;
        return UsageError;
    }
    setUpLogging(settings->logLevel);

    if (command == QLatin1String("migrate"))
        return parser.isSet(statusOption) ? printMigrationStatus(*settings) : migrate(*settings);
    if (isReprice)
        return runReprice(*settings, parser.value(sinceOption), parser.isSet(dryRunOption), standardOutput(),
                          standardError());
    return serve(*application, *settings);
}

} // namespace llmring
