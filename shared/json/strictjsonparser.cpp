// SPDX-License-Identifier: MIT
// Strict RFC 8259 parser: an explicit stack instead of recursion, one pass over the
// bytes, and an error that names the first problem and its byte offset.

#include "strictjsonparser.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace llmring::json {

namespace {

// Objects up to this many members look for duplicate names by a linear scan; larger
// ones switch to a hash set, so huge objects stay linear and small ones allocate nothing.
constexpr std::size_t LinearNameScanLimit = 8;

// Duplicate names are quoted in the error message; longer ones are cut to this many
// UTF-16 code units so a hostile body cannot inflate the error response.
constexpr qsizetype MaxQuotedNameLength = 64;

// Decimal exponents are accumulated only up to this bound; anything beyond it is
// out of range for a double either way.
constexpr qint64 ExponentSaturation = 1'000'000'000'000;

enum class HexResult { Ok, Invalid, EndOfInput };

bool isWhitespace(uchar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isDigit(uchar c)
{
    return c >= '0' && c <= '9';
}

int hexValue(uchar c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads the four hex digits of a \u escape starting at p.
HexResult readHex4(const uchar *p, const uchar *end, char16_t *unit)
{
    char16_t value = 0;
    for (int i = 0; i < 4; ++i) {
        if (p + i >= end)
            return HexResult::EndOfInput;
        const int digit = hexValue(p[i]);
        if (digit < 0)
            return HexResult::Invalid;
        value = char16_t(value << 4 | digit);
    }
    *unit = value;
    return HexResult::Ok;
}

bool isHighSurrogate(char16_t unit)
{
    return unit >= 0xD800 && unit <= 0xDBFF;
}

bool isLowSurrogate(char16_t unit)
{
    return unit >= 0xDC00 && unit <= 0xDFFF;
}

// Names a byte found where it does not belong: printable ASCII as a quoted character,
// everything else by its value, since a raw control or non-ASCII byte would be
// unreadable (or invalid UTF-8) inside the error message.
QString describeByte(uchar c)
{
    if (c > 0x20 && c < 0x7F)
        return QStringLiteral("character '%1'").arg(QLatin1Char(char(c)));
    return QString::asprintf("byte 0x%02X", uint(c));
}

// Quotes a decoded member name the way it would be written in JSON, shortened if long.
QString quotedName(QStringView name)
{
    qsizetype length = name.size();
    bool truncated = false;
    if (length > MaxQuotedNameLength) {
        length = MaxQuotedNameLength;
        if (name.at(length - 1).isHighSurrogate())
            --length;
        truncated = true;
    }

    QString quoted = QStringLiteral("\"");
    for (const QChar ch : name.first(length)) {
        switch (ch.unicode()) {
        case u'"':
            quoted += QStringLiteral("\\\"");
            break;
        case u'\\':
            quoted += QStringLiteral("\\\\");
            break;
        default:
            if (ch.unicode() < 0x20)
                quoted += QString::asprintf("\\u%04x", uint(ch.unicode()));
            else
                quoted += ch;
        }
    }
    if (truncated)
        quoted += QStringLiteral("...");
    quoted += QLatin1Char('"');
    return quoted;
}

// Decides, for a number literal std::from_chars reported as out of range, whether its
// magnitude is at least 1 (so it overflowed) rather than below the smallest subnormal
// (so it underflowed and rounds to zero). The literal has already been validated
// against the RFC 8259 grammar.
bool overflows(const uchar *begin, const uchar *end)
{
    const uchar *p = begin;
    if (*p == '-')
        ++p;

    // Decimal exponent of the first significant digit, before the explicit exponent.
    qint64 magnitude = 0;
    if (*p != '0') {
        const uchar *integerStart = p;
        while (p < end && isDigit(*p))
            ++p;
        magnitude = (p - integerStart) - 1;
    } else {
        ++p;
        magnitude = -1;
        if (p < end && *p == '.') {
            ++p;
            while (p < end && *p == '0') {
                ++p;
                --magnitude;
            }
        }
    }
    while (p < end && *p != 'e' && *p != 'E')
        ++p;

    qint64 exponent = 0;
    if (p < end) {
        ++p;
        const bool negative = *p == '-';
        if (*p == '+' || *p == '-')
            ++p;
        for (; p < end; ++p) {
            if (exponent < ExponentSaturation)
                exponent = exponent * 10 + (*p - '0');
        }
        if (negative)
            exponent = -exponent;
    }
    return magnitude + exponent >= 0;
}

class Parser
{
public:
    Parser(QByteArrayView text, int maxDepth)
        : m_begin(reinterpret_cast<const uchar *>(text.data()))
        , m_pos(m_begin)
        , m_end(m_begin + text.size())
        , m_maxDepth(std::max(0, maxDepth))
    {
    }

    // Parses the whole text into *result, or fails and leaves the reason in error().
    bool run(QJsonValue *result);
    const ParseError &error() const { return m_error; }

private:
    // One open array or object. Frames are reused when the parser descends again, so
    // their buffers keep their capacity across siblings.
    struct Frame
    {
        bool isObject = false;
        QJsonArray array;
        std::vector<std::pair<QString, QJsonValue>> members;
        QSet<QString> names; // filled only once members exceed LinearNameScanLimit
        QString pendingName; // name whose value is being parsed
    };

    bool openContainer(bool isObject);
    QJsonValue closeArray();
    QJsonValue closeObject();
    bool parseMemberName();
    bool parseScalar(QJsonValue *value);
    bool parseLiteral(const char *literal, QJsonValue value, QJsonValue *out);
    bool parseNumber(QJsonValue *value);
    bool parseString(QString *out);
    bool parseEscape();
    bool parseUtf8Sequence();

    void skipWhitespace()
    {
        while (m_pos < m_end && isWhitespace(*m_pos))
            ++m_pos;
    }
    bool atEnd() const { return m_pos >= m_end; }
    bool startsWith(const char *literal) const;

    bool fail(const uchar *at, QString message)
    {
        m_error.offset = at - m_begin;
        m_error.message = std::move(message);
        return false;
    }
    bool failEndOfInput() { return fail(m_end, QStringLiteral("unexpected end of input")); }
    bool failUnexpected()
    {
        if (atEnd())
            return failEndOfInput();
        return fail(m_pos, QStringLiteral("unexpected ") + describeByte(*m_pos));
    }

    const uchar *const m_begin;
    const uchar *m_pos;
    const uchar *const m_end;
    const int m_maxDepth;

    std::vector<Frame> m_frames;
    std::size_t m_depth = 0;
    std::u16string m_scratch; // decoded text of a string that needs more than the ASCII fast path
    ParseError m_error;
};

bool Parser::run(QJsonValue *result)
{
    if (m_end - m_begin >= 3 && m_begin[0] == 0xEF && m_begin[1] == 0xBB && m_begin[2] == 0xBF)
        return fail(m_begin, QStringLiteral("UTF-8 byte order mark is not allowed"));
    skipWhitespace();
    if (atEnd() && m_begin == m_end)
        return fail(m_pos, QStringLiteral("empty input"));

    // Alternates between reading a value (expectValue) and deciding, once a value is
    // complete, what the enclosing container expects next.
    QJsonValue value;
    bool expectValue = true;
    for (;;) {
        if (expectValue) {
            skipWhitespace();
            if (atEnd())
                return failEndOfInput();
            const uchar c = *m_pos;
            if (c == '[' || c == '{') {
                if (!openContainer(c == '{'))
                    return false;
                skipWhitespace();
                if (!atEnd() && *m_pos == (c == '[' ? ']' : '}')) {
                    ++m_pos;
                    value = c == '[' ? closeArray() : closeObject();
                    expectValue = false;
                } else if (c == '{' && !parseMemberName()) {
                    return false;
                }
                continue;
            }
            if (!parseScalar(&value))
                return false;
            expectValue = false;
            continue;
        }

        if (m_depth == 0)
            break;
        Frame &frame = m_frames[m_depth - 1];
        skipWhitespace();
        if (atEnd())
            return failEndOfInput();
        const uchar c = *m_pos;
        if (frame.isObject) {
            frame.members.emplace_back(std::move(frame.pendingName), std::move(value));
            if (c == ',') {
                ++m_pos;
                skipWhitespace();
                if (!parseMemberName())
                    return false;
                expectValue = true;
            } else if (c == '}') {
                ++m_pos;
                value = closeObject();
            } else {
                return failUnexpected();
            }
        } else {
            frame.array.append(value);
            if (c == ',') {
                ++m_pos;
                expectValue = true;
            } else if (c == ']') {
                ++m_pos;
                value = closeArray();
            } else {
                return failUnexpected();
            }
        }
    }

    skipWhitespace();
    if (!atEnd())
        return fail(m_pos, QStringLiteral("trailing data after the JSON value"));
    *result = std::move(value);
    return true;
}

bool Parser::openContainer(bool isObject)
{
    if (m_depth >= std::size_t(m_maxDepth)) {
        return fail(m_pos, m_maxDepth == 1 ? QStringLiteral("nesting deeper than 1 level")
                                           : QStringLiteral("nesting deeper than %1 levels")
                                                     .arg(m_maxDepth));
    }
    ++m_pos;
    if (m_depth == m_frames.size())
        m_frames.emplace_back();
    m_frames[m_depth++].isObject = isObject;
    return true;
}

QJsonValue Parser::closeArray()
{
    Frame &frame = m_frames[--m_depth];
    QJsonValue value(std::move(frame.array));
    frame.array = QJsonArray();
    return value;
}

QJsonValue Parser::closeObject()
{
    Frame &frame = m_frames[--m_depth];

    // QJsonObject keeps its members sorted by UTF-16 code units and inserts with a
    // memmove, so feeding the names in that same order makes every insert an append
    // and building the object O(n log n) instead of quadratic.
    std::sort(frame.members.begin(), frame.members.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QJsonObject object;
    for (const auto &[name, memberValue] : frame.members)
        object.insert(name, memberValue);

    frame.members.clear();
    frame.names.clear();
    return QJsonValue(std::move(object));
}

// Reads `"name" :` inside the innermost object, rejecting a name already used in it.
bool Parser::parseMemberName()
{
    if (atEnd() || *m_pos != '"')
        return failUnexpected();

    const uchar *nameStart = m_pos;
    QString name;
    if (!parseString(&name))
        return false;

    Frame &frame = m_frames[m_depth - 1];
    bool duplicate = false;
    if (frame.members.size() < LinearNameScanLimit) {
        duplicate = std::any_of(frame.members.cbegin(), frame.members.cend(),
                                [&name](const auto &member) { return member.first == name; });
    } else {
        if (frame.names.isEmpty()) {
            frame.names.reserve(qsizetype(frame.members.size()) * 2);
            for (const auto &member : frame.members)
                frame.names.insert(member.first);
        }
        duplicate = frame.names.contains(name);
        frame.names.insert(name);
    }
    if (duplicate)
        return fail(nameStart, QStringLiteral("duplicate member name ") + quotedName(name));

    skipWhitespace();
    if (atEnd() || *m_pos != ':')
        return failUnexpected();
    ++m_pos;
    frame.pendingName = std::move(name);
    return true;
}

bool Parser::parseScalar(QJsonValue *value)
{
    switch (*m_pos) {
    case '"': {
        QString text;
        if (!parseString(&text))
            return false;
        *value = QJsonValue(std::move(text));
        return true;
    }
    case 't':
        return parseLiteral("true", QJsonValue(true), value);
    case 'f':
        return parseLiteral("false", QJsonValue(false), value);
    case 'n':
        return parseLiteral("null", QJsonValue(QJsonValue::Null), value);
    case 'N':
        if (startsWith("NaN"))
            return fail(m_pos, QStringLiteral("NaN is not a valid JSON number"));
        break;
    case 'I':
        if (startsWith("Infinity"))
            return fail(m_pos, QStringLiteral("Infinity is not a valid JSON number"));
        break;
    default:
        if (*m_pos == '-' || isDigit(*m_pos))
            return parseNumber(value);
        break;
    }
    return failUnexpected();
}

bool Parser::startsWith(const char *literal) const
{
    const uchar *p = m_pos;
    for (; *literal; ++literal, ++p) {
        if (p >= m_end || *p != uchar(*literal))
            return false;
    }
    return true;
}

bool Parser::parseLiteral(const char *literal, QJsonValue value, QJsonValue *out)
{
    for (; *literal; ++literal, ++m_pos) {
        if (atEnd() || *m_pos != uchar(*literal))
            return failUnexpected();
    }
    *out = std::move(value);
    return true;
}

// number = [ "-" ] ( "0" / digit1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
bool Parser::parseNumber(QJsonValue *value)
{
    const uchar *start = m_pos;
    if (*m_pos == '-') {
        ++m_pos;
        if (atEnd())
            return failEndOfInput();
        if (startsWith("Infinity"))
            return fail(start, QStringLiteral("-Infinity is not a valid JSON number"));
        if (!isDigit(*m_pos))
            return fail(m_pos, QStringLiteral("expected a digit after '-'"));
    }

    if (*m_pos == '0') {
        ++m_pos;
        if (!atEnd() && isDigit(*m_pos))
            return fail(m_pos, QStringLiteral("leading zeros are not allowed in numbers"));
    } else {
        while (!atEnd() && isDigit(*m_pos))
            ++m_pos;
    }

    if (!atEnd() && *m_pos == '.') {
        ++m_pos;
        if (atEnd())
            return failEndOfInput();
        if (!isDigit(*m_pos))
            return fail(m_pos, QStringLiteral("expected a digit after the decimal point"));
        while (!atEnd() && isDigit(*m_pos))
            ++m_pos;
    }

    if (!atEnd() && (*m_pos == 'e' || *m_pos == 'E')) {
        ++m_pos;
        if (!atEnd() && (*m_pos == '+' || *m_pos == '-'))
            ++m_pos;
        if (atEnd())
            return failEndOfInput();
        if (!isDigit(*m_pos))
            return fail(m_pos, QStringLiteral("expected a digit in the exponent"));
        while (!atEnd() && isDigit(*m_pos))
            ++m_pos;
    }

    // from_chars rounds correctly and ignores the locale, unlike strtod.
    double number = 0;
    const auto first = reinterpret_cast<const char *>(start);
    const auto last = reinterpret_cast<const char *>(m_pos);
    const auto [ptr, ec] = std::from_chars(first, last, number, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
        if (overflows(start, m_pos))
            return fail(start, QStringLiteral("number out of range"));
        // Below half the smallest subnormal: the correctly rounded value is zero.
        number = 0;
    } else if (ec != std::errc() || ptr != last) {
        // Unreachable for text that passed the grammar above; reported rather than trusted.
        return fail(start, QStringLiteral("invalid number"));
    }

    // NOTE: QJsonValue(double) stores integral values as qint64, so -0 arrives as 0.
    // Harmless: RFC 8785 serializes -0 as 0 anyway.
    *value = QJsonValue(number);
    return true;
}

// Reads a string starting at its opening quote into *out.
bool Parser::parseString(QString *out)
{
    ++m_pos;

    // Fast path: plain ASCII without escapes, the common case for names and values.
    const uchar *p = m_pos;
    while (p < m_end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
        ++p;
    if (p < m_end && *p == '"') {
        *out = QString::fromLatin1(reinterpret_cast<const char *>(m_pos), p - m_pos);
        m_pos = p + 1;
        return true;
    }

    m_scratch.assign(m_pos, p);
    m_pos = p;
    for (;;) {
        if (atEnd())
            return failEndOfInput();
        const uchar c = *m_pos;
        if (c == '"') {
            ++m_pos;
            *out = QString(reinterpret_cast<const QChar *>(m_scratch.data()),
                           qsizetype(m_scratch.size()));
            return true;
        }
        if (c == '\\') {
            if (!parseEscape())
                return false;
        } else if (c == 0) {
            return fail(m_pos, QStringLiteral("U+0000 is not allowed in strings"));
        } else if (c < 0x20) {
            return fail(m_pos,
                        QString::asprintf("unescaped control character U+%04X in string", uint(c)));
        } else if (c < 0x80) {
            m_scratch.push_back(char16_t(c));
            ++m_pos;
        } else if (!parseUtf8Sequence()) {
            return false;
        }
    }
}

// Decodes the escape at m_pos (a backslash) into m_scratch.
bool Parser::parseEscape()
{
    const uchar *escapeStart = m_pos;
    ++m_pos;
    if (atEnd())
        return failEndOfInput();

    char16_t unit = 0;
    switch (*m_pos) {
    case '"':
        unit = u'"';
        break;
    case '\\':
        unit = u'\\';
        break;
    case '/':
        unit = u'/';
        break;
    case 'b':
        unit = u'\b';
        break;
    case 'f':
        unit = u'\f';
        break;
    case 'n':
        unit = u'\n';
        break;
    case 'r':
        unit = u'\r';
        break;
    case 't':
        unit = u'\t';
        break;
    case 'u':
        switch (readHex4(m_pos + 1, m_end, &unit)) {
        case HexResult::Ok:
            break;
        case HexResult::Invalid:
            return fail(escapeStart, QStringLiteral("invalid escape sequence"));
        case HexResult::EndOfInput:
            return failEndOfInput();
        }
        m_pos += 4;
        break;
    default:
        return fail(escapeStart, QStringLiteral("invalid escape sequence"));
    }
    ++m_pos;

    if (unit == 0)
        return fail(escapeStart, QStringLiteral("U+0000 is not allowed in strings"));
    if (isHighSurrogate(unit)) {
        // Only a \u escape of a low surrogate may follow; anything else leaves this one alone.
        char16_t low = 0;
        HexResult next = HexResult::Invalid;
        if (atEnd() || (*m_pos == '\\' && m_pos + 1 >= m_end))
            next = HexResult::EndOfInput;
        else if (*m_pos == '\\' && m_pos[1] == 'u')
            next = readHex4(m_pos + 2, m_end, &low);
        if (next == HexResult::EndOfInput)
            return failEndOfInput();
        if (next == HexResult::Ok && isLowSurrogate(low)) {
            m_scratch.push_back(unit);
            m_scratch.push_back(low);
            m_pos += 6;
            return true;
        }
    }
    if (isHighSurrogate(unit) || isLowSurrogate(unit)) {
        return fail(escapeStart, QString::asprintf("lone surrogate escape \\u%04x", uint(unit)));
    }
    m_scratch.push_back(unit);
    return true;
}

// Decodes one multi-byte UTF-8 sequence at m_pos into m_scratch, accepting exactly the
// well-formed sequences of Unicode table 3-7: no overlong forms, no encoded
// surrogates, nothing above U+10FFFF.
bool Parser::parseUtf8Sequence()
{
    const uchar *sequence = m_pos;
    const uchar lead = *sequence;
    int continuationBytes = 0;
    char32_t codePoint = 0;
    uchar low = 0x80;
    uchar high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuationBytes = 1;
        codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuationBytes = 2;
        codePoint = lead & 0x0F;
        if (lead == 0xE0)
            low = 0xA0; // overlong below U+0800
        else if (lead == 0xED)
            high = 0x9F; // U+D800..U+DFFF
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuationBytes = 3;
        codePoint = lead & 0x07;
        if (lead == 0xF0)
            low = 0x90; // overlong below U+10000
        else if (lead == 0xF4)
            high = 0x8F; // above U+10FFFF
    } else {
        return fail(sequence, QStringLiteral("invalid UTF-8 sequence"));
    }

    for (int i = 1; i <= continuationBytes; ++i) {
        if (sequence + i >= m_end)
            return failEndOfInput();
        const uchar byte = sequence[i];
        if (byte < low || byte > high)
            return fail(sequence, QStringLiteral("invalid UTF-8 sequence"));
        codePoint = codePoint << 6 | (byte & 0x3F);
        low = 0x80;
        high = 0xBF;
    }
    m_pos = sequence + continuationBytes + 1;

    if (codePoint < 0x10000) {
        m_scratch.push_back(char16_t(codePoint));
    } else {
        m_scratch.push_back(char16_t(0xD800 + ((codePoint - 0x10000) >> 10)));
        m_scratch.push_back(char16_t(0xDC00 + ((codePoint - 0x10000) & 0x3FF)));
    }
    return true;
}

} // namespace

std::optional<QJsonValue> parse(QByteArrayView text, ParseError *error, const ParseOptions &options)
{
    Parser parser(text, options.maxDepth);
    QJsonValue value;
    const bool parsed = parser.run(&value);
    if (error)
        *error = parsed ? ParseError() : parser.error();
    if (!parsed)
        return std::nullopt;
    return value;
}

} // namespace llmring::json
