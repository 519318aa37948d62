// SPDX-License-Identifier: MIT
// JSON Canonicalization Scheme (RFC 8785): the exact bytes that receipts are signed over.

#pragma once

#include "json/strictjsonparser.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringView>

#include <optional>

namespace llmring::json {

// Serializes value in the RFC 8785 canonical form, as UTF-8:
// - object members sorted by name, compared as sequences of UTF-16 code units;
// - no white space;
// - strings with only '"', '\\' and U+0000..U+001F escaped (\b \f \n \r \t, otherwise
//   \u00xx in lowercase hex), everything else written as raw UTF-8;
// - numbers as ECMAScript's Number.prototype.toString writes the double, so -0 becomes 0
//   and integers beyond 2^53 keep only the precision a double has.
// The value is expected to come from parse(), which guarantees what RFC 8785 requires
// of the input. Values built in code that break it are programmer errors, logged at
// critical level. NaN, Infinity and an undefined value are written as null, as
// JSON.stringify does, and a lone surrogate as U+FFFD. The output is then still valid
// JSON but no longer matches what another implementation would sign.
QByteArray canonicalize(const QJsonValue &value);

// Parses jsonText strictly (see parse()) and returns its canonical form, or std::nullopt
// with *error set to the parser's error. error may be null, and on success *error is reset.
std::optional<QByteArray> canonicalize(QByteArrayView jsonText, ParseError *error);

// Returns the canonical form of object with the member memberName left out, or of the
// whole object if it has no such member. Receipts are signed over their members without
// "signature", so signing and verification both call this with that name.
QByteArray canonicalizeWithout(const QJsonObject &object, QStringView memberName);

} // namespace llmring::json
