// SPDX-License-Identifier: MIT

#include "migration.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace llmring {

Migration Migration::fromFile(int version, const QString &name, const QByteArray &contents)
{
    return Migration{version, name, QString::fromUtf8(contents),
                     QString::fromLatin1(QCryptographicHash::hash(contents, QCryptographicHash::Sha256).toHex())};
}

std::optional<QList<Migration>> Migration::loadFolder(const QString &folder, QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{3})_[a-z0-9_]+\\.sql$"));
    QList<Migration> migrations;
    const QStringList names = QDir(folder).entryList(QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const QRegularExpressionMatch match = pattern.match(name);
        if (!match.hasMatch()) {
            *error = QStringLiteral("migration file %1 is not named NNN_description.sql").arg(name);
            return std::nullopt;
        }
        QFile file(folder + u'/' + name);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read migration %1: %2").arg(name, file.errorString());
            return std::nullopt;
        }
        const int version = match.captured(1).toInt();
        const bool duplicate = std::any_of(migrations.cbegin(), migrations.cend(),
                                           [version](const Migration &other) { return other.version == version; });
        if (duplicate) {
            *error = QStringLiteral("two migrations have the number %1").arg(version, 3, 10, QLatin1Char('0'));
            return std::nullopt;
        }
        migrations.append(fromFile(version, name, file.readAll()));
    }
    return migrations;
}

} // namespace llmring
