// SPDX-License-Identifier: MIT
// RFC 8785 serializer: a recursive walk over the value that appends to one buffer.
// Numbers take their digits from std::to_chars and their layout from ECMAScript's
// Number::toString, because the scheme is defined by what JavaScript writes.

#include "canonicaljson.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QString>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

Q_LOGGING_CATEGORY(lcJson, "llmring.json")

namespace llmring::json {

namespace {

// ECMAScript writes numbers below 10^21 in positional notation. From 10^21 on, the
// decimal point position exceeds this limit and the exponent form is used.
constexpr int MaxPositionalExponent = 21;

// Numbers whose decimal point position lies at or below this bound (magnitude below
// 10^-6) are written in exponent form instead of as 0.000000ddd.
constexpr int MinPositionalExponent = -6;

constexpr char HexDigits[] = "0123456789abcdef";

// The shortest decimal digits that read back as one double, and the position of the
// decimal point relative to them: value = 0.d1d2...dk * 10^pointPosition.
struct ShortestDigits
{
    char digits[20] = {}; // a double never needs more than 17 significant digits
    int count = 0;
    int pointPosition = 0;
};

// Computes the digits for a finite number greater than zero. std::to_chars without a
// precision yields the shortest representation that round-trips, choosing the one
// closest to the value when several exist, which is the choice ECMAScript requires.
// Only its digits and exponent are used: its own layout ("1e+20", "1e-07") is not
// the ECMAScript one.
ShortestDigits shortestDigits(double number)
{
    // The longest scientific form is "d.dddddddddddddddde-308", 23 characters.
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number,
                                         std::chars_format::scientific);
    Q_ASSERT(ec == std::errc());

    ShortestDigits result;
    const char *p = buffer;
    result.digits[result.count++] = *p++;
    if (*p == '.') {
        for (++p; *p != 'e'; ++p)
            result.digits[result.count++] = *p;
    }

    ++p; // 'e'
    const bool negativeExponent = *p == '-';
    ++p; // the sign, which std::to_chars always writes
    int exponent = 0;
    std::from_chars(p, end, exponent);
    result.pointPosition = (negativeExponent ? -exponent : exponent) + 1;
    return result;
}

void appendNumber(QByteArray &out, double number)
{
    if (!std::isfinite(number)) {
        const char *name = "NaN";
        if (std::isinf(number))
            name = number > 0 ? "Infinity" : "-Infinity";
        qCCritical(lcJson, "canonicalize: %s is not a JSON number, so it is written as null "
                           "and the canonical form no longer matches the value",
                   name);
        out += "null";
        return;
    }
    // ECMAScript writes -0 as "0". Qt 6.4's QJsonValue already stores -0.0 as the
    // integer 0, so this comparison only matters if a later Qt keeps the sign.
    if (number == 0) {
        out += '0';
        return;
    }
    if (number < 0) {
        out += '-';
        number = -number;
    }

    const ShortestDigits shortest = shortestDigits(number);
    const QByteArrayView digits(shortest.digits, shortest.count);
    const int k = shortest.count;
    const int n = shortest.pointPosition;

    if (k <= n && n <= MaxPositionalExponent) {
        // Integer: 1e20 is "100000000000000000000".
        out += digits;
        out.append(n - k, '0');
    } else if (0 < n && n <= MaxPositionalExponent) {
        // Decimal point inside the digits: "4.5", "333333333.3333333".
        out += digits.first(n);
        out += '.';
        out += digits.sliced(n);
    } else if (MinPositionalExponent < n && n <= 0) {
        // Below 1 but not below 10^-6: "0.002", "0.000001".
        out += "0.";
        out.append(-n, '0');
        out += digits;
    } else {
        // Exponent form with one digit before the point and the exponent's sign always
        // written: "1e+21", "1e-7", "1.5e+300".
        out += digits.first(1);
        if (k > 1) {
            out += '.';
            out += digits.sliced(1);
        }
        const int exponent = n - 1;
        out += exponent < 0 ? "e-" : "e+";
        out += QByteArray::number(std::abs(exponent));
    }
}

void appendUtf8(QByteArray &out, char32_t codePoint)
{
    if (codePoint < 0x800) {
        out += char(0xC0 | codePoint >> 6);
        out += char(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += char(0xE0 | codePoint >> 12);
        out += char(0x80 | (codePoint >> 6 & 0x3F));
        out += char(0x80 | (codePoint & 0x3F));
    } else {
        out += char(0xF0 | codePoint >> 18);
        out += char(0x80 | (codePoint >> 12 & 0x3F));
        out += char(0x80 | (codePoint >> 6 & 0x3F));
        out += char(0x80 | (codePoint & 0x3F));
    }
}

// Writes text as a JSON string. Encoding to UTF-8 here, instead of through
// QString::toUtf8, lets the loop see and report lone surrogates.
void appendString(QByteArray &out, QStringView text)
{
    out += '"';
    qsizetype loneSurrogates = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text[i].unicode();
        switch (unit) {
        case u'"':
            out += "\\\"";
            continue;
        case u'\\':
            out += "\\\\";
            continue;
        case u'\b':
            out += "\\b";
            continue;
        case u'\f':
            out += "\\f";
            continue;
        case u'\n':
            out += "\\n";
            continue;
        case u'\r':
            out += "\\r";
            continue;
        case u'\t':
            out += "\\t";
            continue;
        default:
            break;
        }

        if (unit < 0x20) {
            out += "\\u00";
            out += HexDigits[unit >> 4];
            out += HexDigits[unit & 0xF];
        } else if (unit < 0x80) {
            out += char(unit);
        } else if (!QChar::isSurrogate(unit)) {
            appendUtf8(out, unit);
        } else if (QChar::isHighSurrogate(unit) && i + 1 < text.size()
                   && text[i + 1].isLowSurrogate()) {
            appendUtf8(out, QChar::surrogateToUcs4(unit, text[i + 1].unicode()));
            ++i;
        } else {
            appendUtf8(out, QChar::ReplacementCharacter);
            ++loneSurrogates;
        }
    }
    out += '"';

    if (loneSurrogates > 0) {
        qCCritical(lcJson, "canonicalize: a string contains %lld lone surrogate(s), written as "
                           "U+FFFD, so the canonical form no longer matches the value",
                   static_cast<long long>(loneSurrogates));
    }
}

void appendValue(QByteArray &out, const QJsonValue &value);

// Writes the members of object in UTF-16 code unit order of their names, leaving out
// the member named skippedName if there is one. QString's operator< compares code
// units, which is the order RFC 8785 requires. QJsonObject's own iteration order is
// not relied on because Qt does not document it.
void appendObject(QByteArray &out, const QJsonObject &object,
                  std::optional<QStringView> skippedName = std::nullopt)
{
    std::vector<std::pair<QString, QJsonObject::const_iterator>> members;
    members.reserve(std::size_t(object.size()));
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        QString name = it.key();
        if (skippedName && name == *skippedName)
            continue;
        members.emplace_back(std::move(name), it);
    }
    std::sort(members.begin(), members.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });

    out += '{';
    bool first = true;
    for (const auto &[name, it] : members) {
        if (!first)
            out += ',';
        first = false;
        appendString(out, name);
        out += ':';
        appendValue(out, it.value());
    }
    out += '}';
}

// Recursion depth follows the nesting of value; parse() limits it, and QJsonValue's
// own destructor recurses just as deep.
void appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        out += "null";
        return;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        return;
    case QJsonValue::Double:
        appendNumber(out, value.toDouble());
        return;
    case QJsonValue::String:
        appendString(out, value.toString());
        return;
    case QJsonValue::Array: {
        out += '[';
        bool first = true;
        for (const QJsonValue &element : value.toArray()) {
            if (!first)
                out += ',';
            first = false;
            appendValue(out, element);
        }
        out += ']';
        return;
    }
    case QJsonValue::Object:
        appendObject(out, value.toObject());
        return;
    case QJsonValue::Undefined:
        qCCritical(lcJson, "canonicalize: an undefined JSON value is written as null, so the "
                           "canonical form no longer matches the value");
        out += "null";
        return;
    }
}

} // namespace

QByteArray canonicalize(const QJsonValue &value)
{
    QByteArray out;
    appendValue(out, value);
    return out;
}

std::optional<QByteArray> canonicalize(QByteArrayView jsonText, ParseError *error)
{
    const std::optional<QJsonValue> value = parse(jsonText, error);
    if (!value)
        return std::nullopt;
    return canonicalize(*value);
}

QByteArray canonicalizeWithout(const QJsonObject &object, QStringView memberName)
{
    QByteArray out;
    appendObject(out, object, memberName);
    return out;
}

} // namespace llmring::json
