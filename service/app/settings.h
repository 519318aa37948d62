// SPDX-License-Identifier: MIT
// Service configuration read from LLMRING_* environment variables.

#pragma once

#include "conversations/conversationsettings.h"
#include "database/databaseconfig.h"
#include "receipts/receiptkeys.h"
#include "registry/registrysettings.h"
#include "server/guardsettings.h"

#include <QHostAddress>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace llmring {

struct Settings
{
    DatabaseConfig database;
    QString schema = QStringLiteral("llmring");
    int poolSize = 20;
    int workers = 0; // 0: twice the CPU cores, at most poolSize
    QHostAddress host = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8000;
    QStringList corsOrigins{QStringLiteral("http://localhost:5173"), QStringLiteral("http://localhost:5174")};
    qint64 maxBodyBytes = 10 * 1024 * 1024;
    qint64 maxHeaderBytes = 16384;
    int headerTimeoutSeconds = 10;
    int idleTimeoutSeconds = 60;
    int maxConnections = 1024;
    QString logLevel = QStringLiteral("info");
    // Never null; without LLMRING_RECEIPTS_* variables it contains no key.
    std::shared_ptr<const ReceiptKeys> receiptKeys = std::make_shared<ReceiptKeys>();
    RegistrySettings registry;
    ConversationSettings conversations;

    // The configuration from `environment`, or std::nullopt with *error naming the
    // variable and what is wrong with its value.
    static std::optional<Settings> fromEnvironment(const QProcessEnvironment &environment, QString *error);

    // Each setter validates like the variable it overrides (the `setting` name is used
    // in *error) and returns false when the value is invalid.
    bool setHost(const QString &value, const QString &setting, QString *error);
    bool setPort(const QString &value, const QString &setting, QString *error);
    bool setDatabaseUrl(const QString &value, const QString &setting, QString *error);
    bool setSchema(const QString &value, const QString &setting, QString *error);
    // An http, https or file URL, or an absolute path; a trailing '/' is added.
    bool setRegistryBaseUrl(const QString &value, const QString &setting, QString *error);

    // The worker loop count after applying the default and the pool-size cap.
    int effectiveWorkers() const;

    // The connection guard's limits from these settings.
    GuardSettings guardSettings() const;

    // One line for the start-up log, without secrets.
    QString summary() const;
};

// The local development database used when LLMRING_DATABASE_URL is unset.
inline constexpr QLatin1StringView DefaultDatabaseUrl{"postgresql://postgres@127.0.0.1:55432/llmring"};

bool isValidSchemaName(const QString &name);

} // namespace llmring
