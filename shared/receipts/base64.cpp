// SPDX-License-Identifier: MIT
// The variant is chosen from the text itself: libsodium decodes one variant per call
// and rejects characters of the other alphabet, so the caller need not know it.

#include "base64.h"

#include <sodium.h>

namespace llmring::receipts {

namespace {

bool isUrlOnlyCharacter(char c)
{
    return c == '-' || c == '_';
}

bool isStandardOnlyCharacter(char c)
{
    return c == '+' || c == '/';
}

// Number of bytes that `symbolCount` base64 characters (padding excluded) encode, or
// std::nullopt when the count leaves a single character over, which no byte count
// produces.
std::optional<qsizetype> decodedSize(qsizetype symbolCount)
{
    const qsizetype remainder = symbolCount % 4;
    if (remainder == 1)
        return std::nullopt;
    return symbolCount / 4 * 3 + (remainder == 0 ? 0 : remainder - 1);
}

QByteArray encode(QByteArrayView bytes, int variant)
{
    // sodium_base64_ENCODED_LEN counts the terminating NUL that sodium_bin2base64 writes.
    const size_t capacity = sodium_base64_ENCODED_LEN(size_t(bytes.size()), variant);
    QByteArray text(qsizetype(capacity), Qt::Uninitialized);
    sodium_bin2base64(text.data(), capacity, reinterpret_cast<const unsigned char *>(bytes.data()),
                      size_t(bytes.size()), variant);
    text.resize(qsizetype(capacity) - 1);
    return text;
}

} // namespace

std::optional<QByteArray> decodeBase64(QByteArrayView text)
{
    if (text.isEmpty())
        return QByteArray();

    // The scan uses bitwise accumulation rather than early exits, so its running time
    // does not depend on where in a secret the special characters are.
    bool hasUrlCharacters = false;
    bool hasStandardCharacters = false;
    uchar combinedBits = 0;
    for (const char c : text) {
        hasUrlCharacters |= isUrlOnlyCharacter(c);
        hasStandardCharacters |= isStandardOnlyCharacter(c);
        combinedBits |= uchar(c);
    }
    // libsodium 1.0.18 decodes every byte from 0x80 to 0xFF as if it were an alphabet
    // character instead of rejecting it, so non-ASCII input is rejected here first.
    if ((combinedBits & 0x80) != 0)
        return std::nullopt;
    if (hasUrlCharacters && hasStandardCharacters)
        return std::nullopt;

    // Padding is at most two '=' at the end. libsodium checks that it is complete and
    // rejects '=' anywhere else, so only the trailing run is counted here.
    qsizetype paddingCount = 0;
    while (paddingCount < text.size() && paddingCount < 2
           && text[text.size() - 1 - paddingCount] == '=') {
        ++paddingCount;
    }
    const bool isPadded = paddingCount > 0;

    const std::optional<qsizetype> size = decodedSize(text.size() - paddingCount);
    if (!size)
        return std::nullopt;

    int variant = 0;
    if (hasUrlCharacters)
        variant = isPadded ? sodium_base64_VARIANT_URLSAFE : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    else
        variant = isPadded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;

    QByteArray bytes(*size, Qt::Uninitialized);
    size_t decodedLength = 0;
    const char *end = nullptr;
    const int result = sodium_base642bin(reinterpret_cast<unsigned char *>(bytes.data()),
                                         size_t(bytes.size()), text.data(), size_t(text.size()),
                                         nullptr, &decodedLength, &end, variant);
    // A nonzero result or an early end means a character outside the alphabet, bad
    // padding or leftover bits. The partial output may contain secret bytes, so it is wiped.
    if (result != 0 || end != text.data() + text.size() || qsizetype(decodedLength) != bytes.size()) {
        sodium_memzero(bytes.data(), size_t(bytes.size()));
        return std::nullopt;
    }
    return bytes;
}

QByteArray encodeBase64Url(QByteArrayView bytes)
{
    return encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

QByteArray encodeBase64(QByteArrayView bytes)
{
    return encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}

} // namespace llmring::receipts
