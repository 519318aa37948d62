// SPDX-License-Identifier: MIT
// Encoding is fixed to one form, so stored receipts compare byte for byte. Decoding
// accepts every base64 variant because clients in other languages differ there.

#include "signatureencoding.h"

#include "base64.h"
#include "verifyingkey.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace llmring::receipts {

namespace {

// Internal linkage, so the service may define its own category of the same name.
Q_LOGGING_CATEGORY(lcReceipts, "llmring.receipts")

constexpr qsizetype SignatureSize = VerifyingKey::SignatureSize;

} // namespace

QString encodeSignature(QByteArrayView signature)
{
    if (signature.size() != SignatureSize) {
        qCCritical(lcReceipts, "encodeSignature called with %lld bytes instead of 64",
                   static_cast<long long>(signature.size()));
        return {};
    }
    return SignaturePrefix + QString::fromLatin1(encodeBase64Url(signature));
}

std::optional<QByteArray> decodeSignature(QStringView text, QString *error)
{
    if (!text.startsWith(SignaturePrefix)) {
        if (error)
            *error = u"signature must start with \"ed25519:\""_s;
        return std::nullopt;
    }

    // Non-ASCII characters become bytes of 0x80 and above in UTF-8, which the base64
    // decoder rejects like any other character outside the alphabet.
    const QByteArray encoded = text.sliced(SignaturePrefix.size()).toUtf8();
    std::optional<QByteArray> bytes = decodeBase64(encoded);
    if (!bytes) {
        if (error)
            *error = u"signature after \"ed25519:\" is not valid base64url or base64"_s;
        return std::nullopt;
    }
    if (bytes->size() != SignatureSize) {
        if (error) {
            *error = u"signature decodes to %1 bytes; an Ed25519 signature has 64"_s
                         .arg(bytes->size());
        }
        return std::nullopt;
    }

    if (error)
        error->clear();
    return bytes;
}

} // namespace llmring::receipts
