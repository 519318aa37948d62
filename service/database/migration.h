// SPDX-License-Identifier: MIT
// A numbered SQL migration file.

#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace llmring {

struct Migration
{
    int version = 0;
    QString name;        // file name, e.g. "001_usage.sql"
    QString sql;         // with the `{{schema}}` placeholder still in it
    QString checksum;    // lowercase hex SHA-256 of the file's bytes

    static Migration fromFile(int version, const QString &name, const QByteArray &contents);

    // Reads every `NNN_description.sql` in `folder` (the compiled-in `:/migrations` by
    // default), sorted by number. Returns std::nullopt with *error on a badly named
    // file or a number used twice.
    static std::optional<QList<Migration>> loadFolder(const QString &folder, QString *error);
};

} // namespace llmring
