// SPDX-License-Identifier: MIT

#include "uuidparameter.h"

#include "domain/fieldreader.h"

#include <QJsonArray>

namespace llmring {

std::optional<QString> readUuidPathParameter(const QString &text, const QString &name, ValidationErrors &errors)
{
    const std::optional<QString> uuid = canonicalUuid(text);
    if (!uuid)
        errors.add(QJsonArray{QStringLiteral("path"), name}, QStringLiteral("must be a UUID"), ErrorType::ValueError);
    return uuid;
}

} // namespace llmring
