// SPDX-License-Identifier: MIT
// Strict JSON parsing for request bodies and receipts.

#pragma once

#include <QByteArrayView>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace llmring::json {

// Position and reason of the first problem found in a JSON text.
struct ParseError
{
    qsizetype offset = 0; // byte offset into the input where the problem was detected
    QString message;      // English sentence without a trailing period, e.g. "duplicate member name \"model\""
};

struct ParseOptions
{
    // Arrays and objects may nest this deep; one level more is rejected. The parser
    // itself does not recurse, but QJsonValue's destructor and serializer do, so this
    // is also what keeps a hostile body from exhausting the stack later.
    int maxDepth = 64;
};

// Parses one JSON text (RFC 8259) strictly and returns its value, or std::nullopt with
// *error filled in. Unlike QJsonDocument::fromJson it rejects duplicate member names,
// invalid UTF-8, lone surrogate escapes, U+0000 in strings (PostgreSQL text cannot hold
// it), nesting deeper than options.maxDepth, numbers that overflow a double, and
// anything but white space after the value. Every number becomes a double.
// error may be null; on success *error is reset to its defaults.
std::optional<QJsonValue> parse(QByteArrayView text, ParseError *error,
                                 const ParseOptions &options = {});

} // namespace llmring::json
