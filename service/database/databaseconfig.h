// SPDX-License-Identifier: MIT
// Connection parameters parsed from a PostgreSQL connection URL.

#pragma once

#include <QString>

#include <optional>

namespace llmring {

struct DatabaseConfig
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;
    // libpq keywords from the query string (sslmode, connect_timeout, ...), in the
    // `key=value;key=value` form QSqlDatabase::setConnectOptions takes.
    QString connectOptions;

    // Parses `postgresql://user:password@host:port/database?sslmode=require` (or
    // `postgres://`). A `host` query parameter may name a Unix socket folder.
    // Returns std::nullopt with *error saying what is wrong.
    static std::optional<DatabaseConfig> fromUrl(const QString &url, QString *error);

    // `postgresql://user@host:port/database`, without the password, for logs.
    QString redacted() const;
};

} // namespace llmring
