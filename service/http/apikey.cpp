// SPDX-License-Identifier: MIT

#include "apikey.h"

#include "domain/fieldreader.h"

#include <QCryptographicHash>
#include <QStringDecoder>

namespace llmring {

std::optional<QString> projectIdFromApiKey(const QByteArray &headerValue, HttpError *error)
{
    // A decoder that keeps a leading U+FEFF, which QString::fromUtf8 would drop and so
    // turn "\uFEFFkey" into the project "key". The check below then rejects it.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    const QString key = QString(decoder(headerValue)).trimmed();
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
    // Control characters, invisible format characters (such as U+FEFF and bidirectional
    // marks) and invalid UTF-8 (decoded to U+FFFD) make keys that look alike but name
    // different projects, and no real key contains them.
    for (const QChar c : key) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
            || c == QChar::ReplacementCharacter) {
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
