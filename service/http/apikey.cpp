// SPDX-License-Identifier: MIT

#include "apikey.h"

#include "domain/fieldreader.h"

#include <QCryptographicHash>

namespace llmring {

std::optional<QString> projectIdFromApiKey(const QByteArray &headerValue, HttpError *error)
{
    const QString key = QString::fromUtf8(headerValue).trimmed();
    if (key.isEmpty()) {
        *error = HttpError::message(StatusCode::Unauthorized, QStringLiteral("X-API-Key header required"));
        return std::nullopt;
    }
    if (codePointCount(key) > 255) {
        *error = HttpError::message(StatusCode::BadRequest, QStringLiteral("X-API-Key too long"));
        return std::nullopt;
    }
    for (const QChar c : key) {
        if (c.isSpace()) {
            *error = HttpError::message(StatusCode::BadRequest,
                                        QStringLiteral("X-API-Key must not contain whitespace"));
            return std::nullopt;
        }
    }
    // Control characters and invalid UTF-8 (decoded to U+FFFD) cannot be stored or
    // compared reliably, and no real key contains them.
    for (const QChar c : key) {
        if (c.category() == QChar::Other_Control || c == QChar::ReplacementCharacter) {
            *error = HttpError::message(StatusCode::BadRequest,
                                        QStringLiteral("X-API-Key must be printable UTF-8 text"));
            return std::nullopt;
        }
    }
    return key;
}

QString apiKeyFingerprint(const QString &projectId)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(projectId.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
}

} // namespace llmring
