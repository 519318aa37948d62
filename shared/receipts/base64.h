// SPDX-License-Identifier: MIT
// Base64 (RFC 4648) in the variants that receipt keys and signatures use, built on
// libsodium's constant-time codec so secret keys are not decoded through table lookups.

#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace llmring::receipts {

// Decodes standard base64 or base64url, padded or unpadded. Returns std::nullopt for
// a character outside the alphabet (white space and non-ASCII bytes included), both
// alphabets mixed in one text, or wrong padding. It also rejects a length that cannot
// encode whole bytes and nonzero unused bits in the last character. Empty text decodes
// to no bytes.
// The result is allocated once at its final size and never reallocated, so a caller
// that decodes a secret can wipe data() with sodium_memzero and leave no copy behind.
std::optional<QByteArray> decodeBase64(QByteArrayView text);

// Encodes bytes as base64url without padding (RFC 4648 section 5), as JWK and
// receipt signatures use it.
QByteArray encodeBase64Url(QByteArrayView bytes);

// Encodes bytes as standard base64 with padding (RFC 4648 section 4), as PEM uses it.
QByteArray encodeBase64(QByteArrayView bytes);

} // namespace llmring::receipts
