// SPDX-License-Identifier: MIT
// Text form of a receipt signature: "ed25519:" followed by the 64 signature bytes in
// base64url.

#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <optional>

namespace llmring::receipts {

// Required at the start of every encoded signature; it names the algorithm.
inline constexpr QLatin1StringView SignaturePrefix{"ed25519:"};

// Encodes a 64-byte signature as "ed25519:" + unpadded base64url (86 characters after
// the prefix). Passing any other length is a programmer error: it is logged at
// critical level and an empty string is returned.
QString encodeSignature(QByteArrayView signature);

// Decodes "ed25519:" followed by the signature in unpadded or padded base64url, or in
// standard base64 with or without padding, and returns the 64 signature bytes.
// Returns std::nullopt with *error set when the prefix is missing, when the rest is
// not valid base64, or when it does not decode to exactly 64 bytes. error may be null.
std::optional<QByteArray> decodeSignature(QStringView text, QString *error);

} // namespace llmring::receipts
