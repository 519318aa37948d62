// SPDX-License-Identifier: MIT
// Tests for the RFC 8785 canonicalizer: exact output bytes for numbers, strings and
// member order, the parser's errors through the text overload, and a property test
// over random doubles.

#include "json/canonicaljson.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

using namespace Qt::StringLiterals;
using llmring::json::ParseError;

namespace {

// A double with its bit pattern, so comparisons are exact (QCOMPARE on doubles is fuzzy).
QByteArray describeDouble(double value)
{
    return QByteArray::number(value, 'g', 17) + " (0x"
        + QByteArray::number(std::bit_cast<quint64>(value), 16).rightJustified(16, '0') + ')';
}

// Significant digits of a decimal number text and the position of its decimal point,
// with value = 0.digits * 10^pointPosition. Leading and trailing zeros are dropped, so
// texts of one number in different layouts compare equal.
struct DecimalForm
{
    QByteArray digits;
    int pointPosition = 0;
};

DecimalForm decimalForm(QByteArrayView text)
{
    if (text.startsWith('-'))
        text = text.sliced(1);
    int exponent = 0;
    const qsizetype e = text.indexOf('e');
    if (e >= 0) {
        QByteArrayView exponentText = text.sliced(e + 1);
        if (exponentText.startsWith('+'))
            exponentText = exponentText.sliced(1);
        std::from_chars(exponentText.data(), exponentText.data() + exponentText.size(), exponent);
        text = text.first(e);
    }

    DecimalForm form;
    const qsizetype point = text.indexOf('.');
    form.pointPosition = int(point < 0 ? text.size() : point) + exponent;
    for (const char c : text) {
        if (c != '.')
            form.digits += c;
    }
    while (form.digits.startsWith('0')) {
        form.digits.remove(0, 1);
        --form.pointPosition;
    }
    while (form.digits.endsWith('0'))
        form.digits.chop(1);
    return form;
}

QByteArray describeForm(const DecimalForm &form)
{
    return "0." + form.digits + " * 10^" + QByteArray::number(form.pointPosition);
}

// The escape RFC 8785 requires for control character c.
QByteArray controlCharacterEscape(int c)
{
    switch (c) {
    case '\b':
        return "\\b";
    case '\t':
        return "\\t";
    case '\n':
        return "\\n";
    case '\f':
        return "\\f";
    case '\r':
        return "\\r";
    default:
        return "\\u00" + QByteArray::number(c, 16).rightJustified(2, '0');
    }
}

QString fromUcs4(char32_t codePoint)
{
    return QString::fromUcs4(&codePoint, 1);
}

// Adds a row to a table with the columns input and expected.
void addRow(const char *name, const QByteArray &input, const QByteArray &expected)
{
    QTest::newRow(name) << input << expected;
}

// Random finite doubles drawn from several families, so that subnormals, the extremes of
// the exponent range and the layout boundaries each get many samples instead of the
// handful that uniformly random bit patterns would give.
double randomDouble(QRandomGenerator &random)
{
    const quint64 sign = quint64(random.bounded(2)) << 63;
    const quint64 mantissa = random.generate64() & ((Q_UINT64_C(1) << 52) - 1);
    const auto withExponent = [&](int biasedExponent) {
        return std::bit_cast<double>(sign | quint64(biasedExponent) << 52 | mantissa);
    };

    switch (random.bounded(8)) {
    case 0: {
        double value = 0;
        do {
            value = std::bit_cast<double>(random.generate64());
        } while (!std::isfinite(value));
        return value;
    }
    case 1:
        return withExponent(0); // subnormal, or zero when the mantissa happens to be 0
    case 2:
        return withExponent(random.bounded(0x7C0, 0x7FF)); // above about 1e289
    case 3:
        return withExponent(random.bounded(1, 0x40)); // smallest normal numbers
    case 4: {
        // A few units in the last place around a power of ten from 1e-30 to 1e30,
        // which covers the switches to exponent form at 1e-6 and 1e21.
        double value = std::pow(10.0, random.bounded(-30, 31));
        for (int steps = random.bounded(-4, 5); steps != 0; steps += steps < 0 ? 1 : -1)
            value = std::nextafter(value, steps < 0 ? 0.0 : HUGE_VAL);
        return sign ? -value : value;
    }
    case 5:
        return double(qint64(random.generate64()) >> random.bounded(64));
    case 6:
        // Short decimals such as 0.07 or 1234.5, whose shortest digits are few.
        return double(qint64(random.bounded(-100000, 100000)))
            / std::pow(10.0, random.bounded(0, 12));
    default:
        return withExponent(random.bounded(1, 0x7FF));
    }
}

} // namespace

class tst_CanonicalJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void canonicalizesRfc8785Example();
    void formatsRfc8785NumberTable_data();
    void formatsRfc8785NumberTable();
    void formatsNumbers_data();
    void formatsNumbers();
    void escapesStrings_data();
    void escapesStrings();
    void escapesEveryControlCharacter_data();
    void escapesEveryControlCharacter();
    void sortsMemberNames_data();
    void sortsMemberNames();
    void writesContainers_data();
    void writesContainers();
    void rejectsInvalidText_data();
    void rejectsInvalidText();
    void reportsErrorsOnlyThroughOptionalPointer();
    void leavesOutNamedMember_data();
    void leavesOutNamedMember();
    void writesValuesBuiltInCode();
    void writesBrokenValuesAsNull();
    void formatsRandomDoubles();
};

// The input and output of the example in RFC 8785 section 3.2.2.
void tst_CanonicalJson::canonicalizesRfc8785Example()
{
    const QByteArray input = R"json({"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]})json";
    const QByteArray expected = R"json({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"})json";

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY2(canonical, qPrintable(error.message));
    QCOMPARE(*canonical, expected);
}

// RFC 8785 appendix B: IEEE-754 bit patterns and the text ECMAScript writes for them,
// through the value overload. Qt 6.4's QJsonValue stores -0.0 as the integer 0, so the
// minus zero row shows the output but cannot reach the serializer's own -0 check.
void tst_CanonicalJson::formatsRfc8785NumberTable_data()
{
    QTest::addColumn<quint64>("bits");
    QTest::addColumn<QByteArray>("expected");

    const auto addNumber = [](quint64 bits, const char *expected) {
        QTest::newRow(expected) << bits << QByteArray(expected);
    };
    QTest::newRow("zero") << Q_UINT64_C(0x0000000000000000) << QByteArray("0");
    QTest::newRow("minus zero") << Q_UINT64_C(0x8000000000000000) << QByteArray("0");
    addNumber(Q_UINT64_C(0x0000000000000001), "5e-324");
    addNumber(Q_UINT64_C(0x8000000000000001), "-5e-324");
    addNumber(Q_UINT64_C(0x7fefffffffffffff), "1.7976931348623157e+308");
    addNumber(Q_UINT64_C(0xffefffffffffffff), "-1.7976931348623157e+308");
    addNumber(Q_UINT64_C(0x4340000000000000), "9007199254740992");
    addNumber(Q_UINT64_C(0xc340000000000000), "-9007199254740992");
    addNumber(Q_UINT64_C(0x4430000000000000), "295147905179352830000");
    addNumber(Q_UINT64_C(0x44b52d02c7e14af5), "9.999999999999997e+22");
    addNumber(Q_UINT64_C(0x44b52d02c7e14af6), "1e+23");
    addNumber(Q_UINT64_C(0x44b52d02c7e14af7), "1.0000000000000001e+23");
    addNumber(Q_UINT64_C(0x444b1ae4d6e2ef4e), "999999999999999700000");
    addNumber(Q_UINT64_C(0x444b1ae4d6e2ef4f), "999999999999999900000");
    addNumber(Q_UINT64_C(0x444b1ae4d6e2ef50), "1e+21");
    addNumber(Q_UINT64_C(0x3eb0c6f7a0b5ed8c), "9.999999999999997e-7");
    addNumber(Q_UINT64_C(0x3eb0c6f7a0b5ed8d), "0.000001");
    addNumber(Q_UINT64_C(0x41b3de4355555553), "333333333.3333332");
    addNumber(Q_UINT64_C(0x41b3de4355555554), "333333333.33333325");
    addNumber(Q_UINT64_C(0x41b3de4355555555), "333333333.3333333");
    addNumber(Q_UINT64_C(0x41b3de4355555556), "333333333.3333334");
    addNumber(Q_UINT64_C(0x41b3de4355555557), "333333333.33333343");
    addNumber(Q_UINT64_C(0xbecbf647612f3696), "-0.0000033333333333333333");
    addNumber(Q_UINT64_C(0x43143ff3c1cb0959), "1424953923781206.2");
}

void tst_CanonicalJson::formatsRfc8785NumberTable()
{
    QFETCH(quint64, bits);
    QFETCH(QByteArray, expected);

    const double value = std::bit_cast<double>(bits);

    QCOMPARE(llmring::json::canonicalize(QJsonValue(value)), expected);
    QCOMPARE(llmring::json::canonicalize(QJsonArray{value}), '[' + expected + ']');
}

// Number literals as they may appear in a request, and what JavaScript's JSON.stringify
// writes for the double each one parses to (checked with Node.js 20).
void tst_CanonicalJson::formatsNumbers_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    addRow("zero", "0", "0");
    addRow("minus zero", "-0", "0");
    addRow("minus zero with fraction", "-0.0", "0");
    addRow("one", "1", "1");
    addRow("minus one", "-1", "-1");
    addRow("integral fraction 1.0", "1.0", "1");
    addRow("integral fraction 1200.0", "1200.0", "1200");
    addRow("trailing fraction zero 4.50", "4.50", "4.5");
    addRow("negative 4.5", "-4.5", "-4.5");
    addRow("0.1", "0.1", "0.1");
    addRow("0.1 + 0.2", "0.30000000000000004", "0.30000000000000004");
    addRow("fraction with many digits", "12345.6789", "12345.6789");
    addRow("integer with exponent 1.5e3", "1.5e3", "1500");
    addRow("integer with negative exponent 100e-2", "100e-2", "1");
    addRow("fraction with exponent 0.1e1", "0.1e1", "1");
    addRow("2e-3", "2e-3", "0.002");
    addRow("-2e-3", "-2e-3", "-0.002");
    addRow("1e-5", "1e-5", "0.00001");
    addRow("1e-6, last positional", "1e-6", "0.000001");
    addRow("-1e-6", "-0.000001", "-0.000001");
    addRow("1e-6 with 17 digits", "0.0000010000000000000001", "0.0000010000000000000002");
    addRow("9.999999999999999e-7 rounds to 1e-6", "9.999999999999999e-7", "0.000001");
    addRow("0.000123", "0.000123", "0.000123");
    addRow("1e-7, first exponent form", "1e-7", "1e-7");
    addRow("-1e-7", "-1e-7", "-1e-7");
    addRow("0.5e-6", "0.5e-6", "5e-7");
    addRow("12.34e-8", "12.34e-8", "1.234e-7");
    addRow("-1.5e-9", "-1.5e-9", "-1.5e-9");
    addRow("123e-20", "123e-20", "1.23e-18");
    addRow("27 fraction digits", "0.000000000000000000000000001", "1e-27");
    addRow("smallest normal", "2.2250738585072014e-308", "2.2250738585072014e-308");
    addRow("subnormal 1e-310", "1e-310", "1e-310");
    addRow("subnormal 3 * 2^-1074", "1.5e-323", "1.5e-323");
    addRow("smallest subnormal", "5e-324", "5e-324");
    addRow("negative smallest subnormal", "-5e-324", "-5e-324");
    addRow("underflow to zero", "1e-400", "0");
    addRow("1e20, last positional power of ten", "1e20", "100000000000000000000");
    addRow("-1e20", "-1e20", "-100000000000000000000");
    addRow("1e21, first exponent form", "1e21", "1e+21");
    addRow("-1e21", "-1e21", "-1e+21");
    addRow("21 nines round to 1e21", "999999999999999999999", "1e+21");
    addRow("uppercase exponent 1E30", "1E30", "1e+30");
    addRow("1.5e300", "1.5e300", "1.5e+300");
    addRow("largest double", "1.7976931348623157e308", "1.7976931348623157e+308");
    addRow("negative largest double", "-1.7976931348623157e308", "-1.7976931348623157e+308");
    addRow("2^53", "9007199254740992", "9007199254740992");
    addRow("2^53 + 1 rounds to 2^53", "9007199254740993", "9007199254740992");
    addRow("-(2^53 + 1) rounds to -2^53", "-9007199254740993", "-9007199254740992");
    addRow("2^63 - 1 rounds to 2^63", "9223372036854775807", "9223372036854776000");
    addRow("2^64 padded with zeros", "18446744073709551616", "18446744073709552000");
    addRow("20-digit integer", "123456789012345680000", "123456789012345680000");
    addRow("2^70 in exponent form", "1180591620717411303424", "1.1805916207174113e+21");
    addRow("1.2345678901234567e21 rounds its last digit", "1.2345678901234567e21",
           "1.2345678901234568e+21");
    addRow("333333333.33333329", "333333333.33333329", "333333333.3333333");
}

void tst_CanonicalJson::formatsNumbers()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY2(canonical, qPrintable(error.message));
    QCOMPARE(*canonical, expected);
}

// Only '"', '\\' and control characters are escaped. '/', DEL, the JavaScript line
// terminators and everything outside ASCII come out as raw UTF-8.
void tst_CanonicalJson::escapesStrings_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    addRow("empty string", R"("")", R"("")");
    addRow("plain ASCII", R"("model")", R"("model")");
    addRow("quotation mark", R"("\"")", R"("\"")");
    addRow("reverse solidus", R"("\\")", R"("\\")");
    addRow("escaped solidus written raw", R"("\/")", R"("/")");
    addRow("raw solidus stays raw", R"("a/b")", R"("a/b")");
    addRow("escaped printable ASCII written raw", R"("\u0041\u0020\u007e")", R"("A ~")");
    addRow("DEL written raw", R"("\u007f")", "\"\x7F\"");
    addRow("U+0080 written raw", R"("\u0080")", "\"\xC2\x80\"");
    addRow("escaped e-acute written raw", R"("caf\u00e9")", "\"caf\xC3\xA9\"");
    addRow("raw e-acute stays raw", "\"caf\xC3\xA9\"", "\"caf\xC3\xA9\"");
    addRow("euro sign", R"("\u20AC")", "\"\xE2\x82\xAC\"");
    addRow("U+2028 line separator written raw", R"("\u2028")", "\"\xE2\x80\xA8\"");
    addRow("U+2029 paragraph separator written raw", R"("\u2029")", "\"\xE2\x80\xA9\"");
    addRow("U+FEFF inside a string written raw", R"("\ufeff")", "\"\xEF\xBB\xBF\"");
    addRow("U+FFFF written raw", R"("\uffff")", "\"\xEF\xBF\xBF\"");
    addRow("escaped surrogate pair as one 4-byte sequence", R"("\ud83d\ude00")",
           "\"\xF0\x9F\x98\x80\"");
    addRow("raw astral character stays raw", "\"\xF0\x9F\x98\x80\"", "\"\xF0\x9F\x98\x80\"");
    addRow("U+10000", R"("\ud800\udc00")", "\"\xF0\x90\x80\x80\"");
    addRow("U+10FFFF", R"("\udbff\udfff")", "\"\xF4\x8F\xBF\xBF\"");
    addRow("escapes among text", R"("a\tb\"c\\d\/e\u000bf")", R"("a\tb\"c\\d/e\u000bf")");
    addRow("string as member name", R"({"a\/\u00e9\n":"\t"})", "{\"a/\xC3\xA9\\n\":\"\\t\"}");
}

void tst_CanonicalJson::escapesStrings()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY2(canonical, qPrintable(error.message));
    QCOMPARE(*canonical, expected);
}

// U+0001..U+001F, each given as an uppercase \u escape: the five with a short escape use
// it, the others become \u00xx with lowercase hex. U+0000 is rejected by the parser and
// covered in rejectsInvalidText.
void tst_CanonicalJson::escapesEveryControlCharacter_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    for (int c = 0x01; c < 0x20; ++c) {
        const QByteArray hex = QByteArray::number(c, 16).toUpper().rightJustified(4, '0');
        const QByteArray name = "U+" + hex;
        QTest::newRow(name.constData()) << "\"\\u" + hex + "\"" << "\"" + controlCharacterEscape(c) + "\"";
    }
}

void tst_CanonicalJson::escapesEveryControlCharacter()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY2(canonical, qPrintable(error.message));
    QCOMPARE(*canonical, expected);
}

// Names are ordered by UTF-16 code units, not by code points or locale: a surrogate
// (0xD800..0xDFFF) sorts below U+E000..U+FFFF although the astral character it starts
// has the larger code point.
void tst_CanonicalJson::sortsMemberNames_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    addRow("reverse order", R"({"b":1,"a":2})", R"({"a":2,"b":1})");
    addRow("uppercase before lowercase", R"({"a":1,"B":2,"A":3})", R"({"A":3,"B":2,"a":1})");
    addRow("prefix before longer name", R"({"ab":1,"a":2,"":3})", R"({"":3,"a":2,"ab":1})");
    addRow("digits compared as characters", R"({"10":1,"9":2,"1":3})",
           R"({"1":3,"10":1,"9":2})");
    addRow("escaped names compared after decoding", R"({"\"":1,"\n":2,"\u0041":3})",
           R"({"\n":2,"\"":1,"A":3})");
    addRow("ASCII before e-acute", "{\"\xC3\xA9\":1,\"z\":2}", "{\"z\":2,\"\xC3\xA9\":1}");
    addRow("astral name before U+FB33", R"({"\ufb33":1,"\ud83d\ude00":2})",
           "{\"\xF0\x9F\x98\x80\":2,\"\xEF\xAC\xB3\":1}");
    addRow("astral name before U+E000", "{\"\xEE\x80\x80\":1,\"\xF0\x9F\x98\x80\":2}",
           "{\"\xF0\x9F\x98\x80\":2,\"\xEE\x80\x80\":1}");
    addRow("astral names by their low surrogate", R"({"\ud83d\ude01":1,"\ud83d\ude00":2})",
           "{\"\xF0\x9F\x98\x80\":2,\"\xF0\x9F\x98\x81\":1}");

    // RFC 8785 section 3.2.3.
    addRow("RFC 8785 sorting example",
           R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})",
           "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
           "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
           "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
           "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");

    addRow("every nested object sorted",
           R"({"z":{"y":1,"x":[{"b":1,"a":2}]},"a":[]})",
           R"({"a":[],"z":{"x":[{"a":2,"b":1}],"y":1}})");
}

void tst_CanonicalJson::sortsMemberNames()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY2(canonical, qPrintable(error.message));
    QCOMPARE(*canonical, expected);
}

// White space is dropped everywhere, arrays keep their order, and scalars are valid
// texts on their own.
void tst_CanonicalJson::writesContainers_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    addRow("empty object", "{}", "{}");
    addRow("empty array", "[]", "[]");
    addRow("empty containers with white space", "[ { } , [ \n ] ]", "[{},[]]");
    addRow("empty containers as members", R"({"b":[],"a":{}})", R"({"a":{},"b":[]})");
    addRow("array order kept", "[3,1,2]", "[3,1,2]");
    addRow("literals", "[ true , false , null ]", "[true,false,null]");
    addRow("white space between every token",
           " \t\r\n{ \"a\" : [ 1 , true ] ,\n\"b\"\t:\r{ \"c\" : null } } \n",
           R"({"a":[1,true],"b":{"c":null}})");
    addRow("nested arrays", "[[[1.0]],[2e0,[]]]", "[[[1]],[2,[]]]");
    addRow("mixed nesting",
           R"({"1":{"f":{"f":"hi","F":5},"\n":56.0},"10":{},"":"empty","a":{},"111":[{"e":"yes","E":"no"}],"A":{}})",
           R"({"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}})");
    addRow("string at top level", " \"top\" ", R"("top")");
    addRow("number at top level", "\n 4.50 \n", "4.5");
    addRow("true at top level", "true", "true");
    addRow("null at top level", "null", "null");
}

void tst_CanonicalJson::writesContainers()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY2(canonical, qPrintable(error.message));
    QCOMPARE(*canonical, expected);
}

// Text RFC 8785 cannot canonicalize is rejected with the parser's message and offset.
void tst_CanonicalJson::rejectsInvalidText_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<QString>("message");

    const auto addRejection = [](const char *name, const QByteArray &input, qsizetype offset,
                                 const QString &message) {
        QTest::newRow(name) << input << offset << message;
    };

    addRejection("duplicate member name", R"({"a":1,"a":2})", 7,
                 u"duplicate member name \"a\""_s);
    addRejection("duplicate spelled with an escape", R"({"id":1,"i\u0064":2})", 8,
                 u"duplicate member name \"id\""_s);
    addRejection("duplicate in nested object", R"([{"x":{"k":1,"k":2}}])", 13,
                 u"duplicate member name \"k\""_s);
    addRejection("NaN", "[NaN]", 1, u"NaN is not a valid JSON number"_s);
    addRejection("Infinity", "[Infinity]", 1, u"Infinity is not a valid JSON number"_s);
    addRejection("-Infinity", "[-Infinity]", 1, u"-Infinity is not a valid JSON number"_s);
    addRejection("number out of range", "[1e400]", 1, u"number out of range"_s);
    addRejection("lone high surrogate escape", R"("\ud83d")", 1,
                 u"lone surrogate escape \\ud83d"_s);
    addRejection("lone low surrogate escape", R"("x\ude00")", 2,
                 u"lone surrogate escape \\ude00"_s);
    addRejection("high surrogate followed by a non-surrogate escape", R"("\ud83d\u0041")", 1,
                 u"lone surrogate escape \\ud83d"_s);
    addRejection("lone surrogate in member name", R"({"\udc00":1})", 2,
                 u"lone surrogate escape \\udc00"_s);
    addRejection("escaped U+0000", R"("a\u0000")", 2, u"U+0000 is not allowed in strings"_s);
    addRejection("invalid UTF-8 continuation", "\"\xC3\x28\"", 1, u"invalid UTF-8 sequence"_s);
    addRejection("UTF-8 encoded surrogate", "\"\xED\xA0\x80\"", 1, u"invalid UTF-8 sequence"_s);
    addRejection("overlong UTF-8", "\"\xC0\xAF\"", 1, u"invalid UTF-8 sequence"_s);
    addRejection("raw control character", "\"a\tb\"", 2,
                 u"unescaped control character U+0009 in string"_s);
    addRejection("trailing garbage", "{} x", 3, u"trailing data after the JSON value"_s);
    addRejection("second value", "1 2", 2, u"trailing data after the JSON value"_s);
    addRejection("empty input", "", 0, u"empty input"_s);
}

void tst_CanonicalJson::rejectsInvalidText()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, offset);
    QFETCH(QString, message);

    ParseError error;
    const std::optional<QByteArray> canonical = llmring::json::canonicalize(input, &error);

    QVERIFY(!canonical);
    QCOMPARE(error.message, message);
    QCOMPARE(error.offset, offset);
}

void tst_CanonicalJson::reportsErrorsOnlyThroughOptionalPointer()
{
    QVERIFY(!llmring::json::canonicalize("[1,", nullptr));
    QCOMPARE(llmring::json::canonicalize("[1.0]", nullptr), std::optional<QByteArray>("[1]"));

    // A reused error is cleared by a successful call.
    ParseError error;
    QVERIFY(!llmring::json::canonicalize("nope", &error));
    QVERIFY(!error.message.isEmpty());
    QVERIFY(llmring::json::canonicalize("{}", &error));
    QCOMPARE(error.offset, qsizetype(0));
    QVERIFY(error.message.isEmpty());
}

// Only the top-level member of that exact name is left out. Everything else, including
// members this service does not know, is kept.
void tst_CanonicalJson::leavesOutNamedMember_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("memberName");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("signature removed")
        << QByteArray(R"({"signature":"ed25519:abc","b":1,"a":2})") << u"signature"_s
        << QByteArray(R"({"a":2,"b":1})");
    QTest::newRow("unknown members kept")
        << QByteArray(R"({"z_future":[1],"signature":"x","id":"r1"})") << u"signature"_s
        << QByteArray(R"({"id":"r1","z_future":[1]})");
    QTest::newRow("absent member leaves the object whole")
        << QByteArray(R"({"b":1,"a":2})") << u"signature"_s << QByteArray(R"({"a":2,"b":1})");
    QTest::newRow("only member removed") << QByteArray(R"({"signature":null})")
                                         << u"signature"_s << QByteArray("{}");
    QTest::newRow("nested member of that name kept")
        << QByteArray(R"({"signature":1,"inner":{"signature":2}})") << u"signature"_s
        << QByteArray(R"({"inner":{"signature":2}})");
    QTest::newRow("name compared case-sensitively")
        << QByteArray(R"({"Signature":1,"signature":2})") << u"signature"_s
        << QByteArray(R"({"Signature":1})");
    QTest::newRow("non-ASCII name")
        << QByteArray(R"({"\u00e9":1,"e":2})") << u"\u00e9"_s << QByteArray(R"({"e":2})");
    QTest::newRow("empty name") << QByteArray(R"({"":1,"a":2})") << QString()
                                << QByteArray(R"({"a":2})");
}

void tst_CanonicalJson::leavesOutNamedMember()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, memberName);
    QFETCH(QByteArray, expected);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);
    QVERIFY2(value, qPrintable(error.message));

    QCOMPARE(llmring::json::canonicalizeWithout(value->toObject(), memberName), expected);
}

// Values built in code rather than parsed: integers stored as qint64 inside QJsonValue,
// -0, U+0000 (which parse() rejects but RFC 8785 can write) and names inserted out of order.
void tst_CanonicalJson::writesValuesBuiltInCode()
{
    QCOMPARE(llmring::json::canonicalize(QJsonValue(qint64(42))), QByteArray("42"));
    QCOMPARE(llmring::json::canonicalize(QJsonValue(qint64(1) << 53)),
             QByteArray("9007199254740992"));
    QCOMPARE(llmring::json::canonicalize(QJsonValue((qint64(1) << 53) + 1)),
             QByteArray("9007199254740992"));
    QCOMPARE(llmring::json::canonicalize(QJsonValue(-0.0)), QByteArray("0"));
    QCOMPARE(llmring::json::canonicalize(QJsonValue(u"a\u0000b"_s)),
             QByteArray("\"a\\u0000b\""));

    QJsonObject object;
    object.insert(fromUcs4(U'\U0001F600'), 1);
    object.insert(u"\ufb33"_s, 2);
    object.insert(u"b"_s, QJsonArray{true, QJsonValue::Null, u"x"_s});
    object.insert(u"a"_s, QJsonObject{{u"d"_s, 0.5}, {u"c"_s, 1e21}});
    QCOMPARE(llmring::json::canonicalize(object),
             QByteArray("{\"a\":{\"c\":1e+21,\"d\":0.5},\"b\":[true,null,\"x\"],"
                        "\"\xF0\x9F\x98\x80\":1,\"\xEF\xAC\xB3\":2}"));
}

// Values that RFC 8785 has no form for can only come from code, never from parse().
// They are reported at critical level and written the way JSON.stringify writes them.
void tst_CanonicalJson::writesBrokenValuesAsNull()
{
    const char *numberMessage = "canonicalize: %1 is not a JSON number, so it is written as "
                                "null and the canonical form no longer matches the value";

    QTest::ignoreMessage(QtCriticalMsg, qPrintable(QString::fromLatin1(numberMessage).arg(u"NaN")));
    QCOMPARE(llmring::json::canonicalize(QJsonArray{std::numeric_limits<double>::quiet_NaN()}),
             QByteArray("[null]"));

    QTest::ignoreMessage(QtCriticalMsg,
                         qPrintable(QString::fromLatin1(numberMessage).arg(u"Infinity")));
    QCOMPARE(llmring::json::canonicalize(QJsonValue(std::numeric_limits<double>::infinity())),
             QByteArray("null"));

    QTest::ignoreMessage(QtCriticalMsg,
                         qPrintable(QString::fromLatin1(numberMessage).arg(u"-Infinity")));
    QCOMPARE(llmring::json::canonicalize(QJsonValue(-std::numeric_limits<double>::infinity())),
             QByteArray("null"));

    QTest::ignoreMessage(QtCriticalMsg, "canonicalize: an undefined JSON value is written as "
                                        "null, so the canonical form no longer matches the value");
    QCOMPARE(llmring::json::canonicalize(QJsonValue(QJsonValue::Undefined)), QByteArray("null"));

    // One message per string, however many lone surrogates it contains.
    QTest::ignoreMessage(QtCriticalMsg, "canonicalize: a string contains 2 lone surrogate(s), "
                                        "written as U+FFFD, so the canonical form no longer "
                                        "matches the value");
    const QString loneSurrogates = QString(QChar(0xDC00)) + u"a"_s + QChar(0xD83D);
    QCOMPARE(llmring::json::canonicalize(QJsonValue(loneSurrogates)),
             QByteArray("\"\xEF\xBF\xBD" "a\xEF\xBF\xBD\""));
}

// For thousands of doubles from a fixed seed, the output reads back to the identical
// double, has the digits of Qt's independent shortest round-trip conversion, follows
// ECMAScript's layout for its magnitude, and is canonical again when parsed back.
void tst_CanonicalJson::formatsRandomDoubles()
{
    // Positional notation without superfluous zeros, then the two exponent forms.
    static const QRegularExpression atLeastOne(u"^-?[1-9][0-9]*(\\.[0-9]*[1-9])?$"_s);
    static const QRegularExpression belowOne(u"^-?0\\.[0-9]*[1-9]$"_s);
    static const QRegularExpression large(u"^-?[1-9](\\.[0-9]*[1-9])?e\\+[1-9][0-9]*$"_s);
    static const QRegularExpression small(u"^-?[1-9](\\.[0-9]*[1-9])?e-[1-9][0-9]*$"_s);

    QRandomGenerator random(8785);
    for (int i = 0; i < 20000; ++i) {
        const double value = randomDouble(random);
        const QByteArray text = llmring::json::canonicalize(QJsonValue(value));
        const QByteArray context = describeDouble(value) + " written as " + text;

        if (value == 0) {
            QCOMPARE(text, QByteArray("0"));
            continue;
        }

        double readBack = 0;
        const auto [end, ec] = std::from_chars(text.constData(), text.constData() + text.size(),
                                               readBack);
        QVERIFY2(ec == std::errc() && end == text.constData() + text.size(), context.constData());
        QCOMPARE(describeDouble(readBack), describeDouble(value));

        const double magnitude = std::abs(value);
        const QRegularExpression &layout = magnitude >= 1e21 ? large
            : magnitude < 1e-6                               ? small
            : magnitude < 1                                  ? belowOne
                                                             : atLeastOne;
        QVERIFY2(layout.match(QString::fromLatin1(text)).hasMatch(), context.constData());

        const QByteArray qtShortest = QByteArray::number(value, 'e', QLocale::FloatingPointShortest);
        QCOMPARE(describeForm(decimalForm(text)), describeForm(decimalForm(qtShortest)));

        QCOMPARE(llmring::json::canonicalize(text, nullptr), std::optional<QByteArray>(text));
    }
}

QTEST_APPLESS_MAIN(tst_CanonicalJson)
#include "tst_canonicaljson.moc"
