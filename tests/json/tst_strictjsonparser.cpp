// SPDX-License-Identifier: MIT
// Tests for the strict JSON parser: exact decoded values for valid text, the exact
// message and byte offset for every kind of rejection, and robustness on garbage.

#include "json/strictjsonparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

using namespace Qt::StringLiterals;
using llmring::json::ParseError;
using llmring::json::ParseOptions;

namespace {

// Serializes a value for comparisons whose failure output a person can read; Qt writes
// doubles in their shortest round-trip form, so equal text means equal numbers.
QByteArray compactJson(const QJsonValue &value)
{
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

// A double with its bit pattern, so comparisons are exact (QCOMPARE on doubles is fuzzy).
QByteArray describeDouble(double value)
{
    return QByteArray::number(value, 'g', 17) + " (0x"
        + QByteArray::number(std::bit_cast<quint64>(value), 16).rightJustified(16, '0') + ')';
}

QByteArray nestedArrays(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

// {"a":{"a":...{}...}} with `depth` objects.
QByteArray nestedObjects(int depth)
{
    QByteArray text;
    for (int i = 1; i < depth; ++i)
        text += "{\"a\":";
    text += "{}";
    text += QByteArray(depth - 1, '}');
    return text;
}

// {"k0":0,"k1":1,...} with `count` members, followed by `extra` before the closing brace.
QByteArray numberedObject(int count, const QByteArray &extra = {})
{
    QByteArray text = "{";
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            text += ',';
        text += "\"k" + QByteArray::number(i) + "\":" + QByteArray::number(i);
    }
    return text + extra + '}';
}

QString fromUcs4(char32_t codePoint)
{
    return QString::fromUcs4(&codePoint, 1);
}

void addRejection(const char *name, const QByteArray &input, qsizetype offset,
                  const QString &message)
{
    QTest::newRow(name) << input << offset << message;
}

} // namespace

class tst_StrictJsonParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesLiterals_data();
    void parsesLiterals();
    void parsesNumbers_data();
    void parsesNumbers();
    void parsesRfc8785NumberExamples_data();
    void parsesRfc8785NumberExamples();
    void parsesStrings_data();
    void parsesStrings();
    void parsesContainers_data();
    void parsesContainers();
    void parsesRfc8785Example();
    void acceptsNestingUpToMaxDepth_data();
    void acceptsNestingUpToMaxDepth();
    void rejectsNestingBeyondMaxDepth_data();
    void rejectsNestingBeyondMaxDepth();
    void rejectsInvalidText_data();
    void rejectsInvalidText();
    void rejectsDuplicateMemberNames_data();
    void rejectsDuplicateMemberNames();
    void reportsErrorsOnlyThroughOptionalPointer();
    void parsesLargeDocuments();
    void roundTripsGeneratedDocuments();
    void survivesRandomAndMutatedInput();

private:
    void verifyRejection();
};

// Scalars are valid JSON texts on their own (RFC 8259 dropped RFC 4627's object/array rule).
void tst_StrictJsonParser::parsesLiterals_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QJsonValue>("expected");

    QTest::newRow("true") << QByteArray("true") << QJsonValue(true);
    QTest::newRow("false") << QByteArray("false") << QJsonValue(false);
    QTest::newRow("null") << QByteArray("null") << QJsonValue(QJsonValue::Null);
    QTest::newRow("literal surrounded by all four white space characters")
        << QByteArray(" \t\r\nnull \t\r\n") << QJsonValue(QJsonValue::Null);
    QTest::newRow("string at top level") << QByteArray("\"top\"") << QJsonValue(u"top"_s);
    QTest::newRow("number at top level with white space") << QByteArray("\n 42 \n")
                                                          << QJsonValue(42.0);
}

void tst_StrictJsonParser::parsesLiterals()
{
    QFETCH(QByteArray, input);
    QFETCH(QJsonValue, expected);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY2(value, qPrintable(error.message));
    QCOMPARE(value->type(), expected.type());
    QCOMPARE(compactJson(*value), compactJson(expected));
    QVERIFY(*value == expected);
}

// Every number becomes a double, correctly rounded; the expected values are C++ literals
// (rounded by the compiler) or exact bit patterns.
void tst_StrictJsonParser::parsesNumbers_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<double>("expected");

    QTest::newRow("zero") << QByteArray("0") << 0.0;
    // QJsonValue stores integral doubles as integers, so the sign of zero is lost.
    // RFC 8785 writes -0 as 0, so the canonical form is unaffected.
    QTest::newRow("negative zero becomes zero") << QByteArray("-0") << 0.0;
    QTest::newRow("negative zero with fraction becomes zero") << QByteArray("-0.0") << 0.0;
    QTest::newRow("integer") << QByteArray("1200") << 1200.0;
    QTest::newRow("integral fraction 1200.0 stays 1200") << QByteArray("1200.0") << 1200.0;
    QTest::newRow("negative integer") << QByteArray("-42") << -42.0;
    QTest::newRow("decimal fraction") << QByteArray("0.1") << 0.1;
    QTest::newRow("negative fraction") << QByteArray("-273.15") << -273.15;
    QTest::newRow("uppercase exponent 1E30") << QByteArray("1E30") << 1e30;
    QTest::newRow("exponent with plus sign") << QByteArray("1e+2") << 100.0;
    QTest::newRow("negative exponent") << QByteArray("25e-1") << 2.5;
    QTest::newRow("exponent with leading zeros") << QByteArray("1e007") << 1e7;
    QTest::newRow("fraction and exponent") << QByteArray("-1.5E-3") << -0.0015;
    QTest::newRow("smallest subnormal 5e-324")
        << QByteArray("5e-324") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("just above half the smallest subnormal rounds up")
        << QByteArray("2.4703282292062328e-324") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("subnormal") << QByteArray("1e-310") << 1e-310;
    QTest::newRow("smallest normal") << QByteArray("2.2250738585072014e-308")
                                     << std::numeric_limits<double>::min();
    QTest::newRow("underflow to zero") << QByteArray("1e-400") << 0.0;
    QTest::newRow("negative underflow to zero") << QByteArray("-1e-400") << 0.0;
    QTest::newRow("huge negative exponent underflows")
        << QByteArray("7e-99999999999999999999999") << 0.0;
    QTest::newRow("zero with huge exponent") << QByteArray("0e99999999999999999999") << 0.0;
    QTest::newRow("largest double") << QByteArray("1.7976931348623157e308")
                                    << std::numeric_limits<double>::max();
    QTest::newRow("rounds down to the largest double")
        << QByteArray("1.7976931348623158e308") << std::numeric_limits<double>::max();
    QTest::newRow("large exponent offset by leading fraction zeros")
        << QByteArray("0.001e311") << 1e308;
    QTest::newRow("2^53") << QByteArray("9007199254740992") << 9007199254740992.0;
    QTest::newRow("2^53 + 1 rounds to even") << QByteArray("9007199254740993")
                                            << 9007199254740992.0;
    QTest::newRow("2^64 does not fit an integer")
        << QByteArray("18446744073709551616") << 18446744073709551616.0;
    QTest::newRow("30-digit integer") << QByteArray("123456789012345678901234567890")
                                      << 123456789012345678901234567890.0;
    QTest::newRow("40 fraction digits") << QByteArray("0.3000000000000000000000000000000000000001")
                                        << 0.3;
    QTest::newRow("400 zeros cancelled by the exponent")
        << QByteArray("1" + QByteArray(400, '0') + "e-400") << 1.0;
    QTest::newRow("400 leading fraction zeros") << QByteArray("0." + QByteArray(400, '0') + "1e400")
                                                << 0.1;
}

void tst_StrictJsonParser::parsesNumbers()
{
    QFETCH(QByteArray, input);
    QFETCH(double, expected);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY2(value, qPrintable(error.message));
    QVERIFY(value->isDouble());
    QCOMPARE(describeDouble(value->toDouble()), describeDouble(expected));
}

// RFC 8785 appendix B: each JSON representation parses to exactly its IEEE-754 bits.
void tst_StrictJsonParser::parsesRfc8785NumberExamples_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<quint64>("bits");

    QTest::newRow("min pos number") << QByteArray("5e-324") << Q_UINT64_C(0x0000000000000001);
    QTest::newRow("min neg number") << QByteArray("-5e-324") << Q_UINT64_C(0x8000000000000001);
    QTest::newRow("max pos number") << QByteArray("1.7976931348623157e+308")
                                    << Q_UINT64_C(0x7fefffffffffffff);
    QTest::newRow("max neg number") << QByteArray("-1.7976931348623157e+308")
                                    << Q_UINT64_C(0xffefffffffffffff);
    QTest::newRow("max pos int") << QByteArray("9007199254740992") << Q_UINT64_C(0x4340000000000000);
    QTest::newRow("max neg int") << QByteArray("-9007199254740992")
                                 << Q_UINT64_C(0xc340000000000000);
    QTest::newRow("~2**68") << QByteArray("295147905179352830000") << Q_UINT64_C(0x4430000000000000);
    QTest::newRow("9.999999999999997e+22") << QByteArray("9.999999999999997e+22")
                                           << Q_UINT64_C(0x44b52d02c7e14af5);
    QTest::newRow("1e+23") << QByteArray("1e+23") << Q_UINT64_C(0x44b52d02c7e14af6);
    QTest::newRow("1.0000000000000001e+23") << QByteArray("1.0000000000000001e+23")
                                            << Q_UINT64_C(0x44b52d02c7e14af7);
    QTest::newRow("999999999999999700000") << QByteArray("999999999999999700000")
                                           << Q_UINT64_C(0x444b1ae4d6e2ef4e);
    QTest::newRow("999999999999999900000") << QByteArray("999999999999999900000")
                                           << Q_UINT64_C(0x444b1ae4d6e2ef4f);
    QTest::newRow("1e+21") << QByteArray("1e+21") << Q_UINT64_C(0x444b1ae4d6e2ef50);
    QTest::newRow("9.999999999999997e-7") << QByteArray("9.999999999999997e-7")
                                          << Q_UINT64_C(0x3eb0c6f7a0b5ed8c);
    QTest::newRow("0.000001") << QByteArray("0.000001") << Q_UINT64_C(0x3eb0c6f7a0b5ed8d);
    QTest::newRow("333333333.3333332") << QByteArray("333333333.3333332")
                                       << Q_UINT64_C(0x41b3de4355555553);
    QTest::newRow("333333333.33333325") << QByteArray("333333333.33333325")
                                        << Q_UINT64_C(0x41b3de4355555554);
    QTest::newRow("333333333.3333333") << QByteArray("333333333.3333333")
                                       << Q_UINT64_C(0x41b3de4355555555);
    QTest::newRow("333333333.3333334") << QByteArray("333333333.3333334")
                                       << Q_UINT64_C(0x41b3de4355555556);
    QTest::newRow("333333333.33333343") << QByteArray("333333333.33333343")
                                        << Q_UINT64_C(0x41b3de4355555557);
    QTest::newRow("-0.0000033333333333333333") << QByteArray("-0.0000033333333333333333")
                                               << Q_UINT64_C(0xbecbf647612f3696);
    QTest::newRow("round to even") << QByteArray("1424953923781206.2")
                                   << Q_UINT64_C(0x43143ff3c1cb0959);
}

void tst_StrictJsonParser::parsesRfc8785NumberExamples()
{
    QFETCH(QByteArray, input);
    QFETCH(quint64, bits);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY2(value, qPrintable(error.message));
    QCOMPARE(describeDouble(value->toDouble()), describeDouble(std::bit_cast<double>(bits)));
}

// Escapes are resolved, UTF-8 is decoded to UTF-16 and surrogate pairs are combined.
void tst_StrictJsonParser::parsesStrings_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty string") << QByteArray(R"("")") << QString();
    QTest::newRow("plain ASCII") << QByteArray(R"("model")") << u"model"_s;
    QTest::newRow("all two-character escapes")
        << QByteArray(R"("\"\\\/\b\f\n\r\t")") << u"\"\\/\b\f\n\r\t"_s;
    QTest::newRow("raw and escaped solidus") << QByteArray(R"("a/b\/c")") << u"a/b/c"_s;
    QTest::newRow("escape of a BMP character") << QByteArray(R"("caf\u00e9")") << u"caf\u00e9"_s;
    QTest::newRow("uppercase hex digits") << QByteArray(R"("\u00C9\u20AC")") << u"\u00c9\u20ac"_s;
    QTest::newRow("escaped control characters")
        << QByteArray(R"("\u0001\u001f\u007f")")
        << QString(QChar(0x01)) + QChar(0x1f) + QChar(0x7f);
    QTest::newRow("escaped surrogate pair") << QByteArray(R"("\ud83d\ude00")")
                                            << fromUcs4(U'\U0001F600');
    QTest::newRow("escaped surrogate pair with uppercase hex") << QByteArray(R"("\uD83D\uDE00")")
                                                               << fromUcs4(U'\U0001F600');
    QTest::newRow("escaped U+10FFFF") << QByteArray(R"("\udbff\udfff")") << fromUcs4(U'\U0010FFFF');
    QTest::newRow("escaped U+10000") << QByteArray(R"("\ud800\udc00")") << fromUcs4(U'\U00010000');
    QTest::newRow("escaped U+FFFF") << QByteArray(R"("\uffff")") << QString(QChar(0xffff));
    QTest::newRow("raw two-byte UTF-8") << QByteArray("\"caf\xC3\xA9\"") << u"caf\u00e9"_s;
    QTest::newRow("raw three-byte UTF-8") << QByteArray("\"\xE2\x82\xAC\"") << u"\u20ac"_s;
    QTest::newRow("raw four-byte UTF-8") << QByteArray("\"\xF0\x9F\x98\x80\"")
                                         << fromUcs4(U'\U0001F600');
    QTest::newRow("raw U+0080, smallest two-byte") << QByteArray("\"\xC2\x80\"")
                                                   << QString(QChar(0x80));
    QTest::newRow("raw U+0800, smallest three-byte") << QByteArray("\"\xE0\xA0\x80\"")
                                                     << QString(QChar(0x800));
    QTest::newRow("raw U+D7FF, below the surrogates") << QByteArray("\"\xED\x9F\xBF\"")
                                                      << QString(QChar(0xd7ff));
    QTest::newRow("raw U+E000, above the surrogates") << QByteArray("\"\xEE\x80\x80\"")
                                                      << QString(QChar(0xe000));
    QTest::newRow("raw U+FFFF noncharacter") << QByteArray("\"\xEF\xBF\xBF\"")
                                             << QString(QChar(0xffff));
    QTest::newRow("raw U+10000, smallest four-byte") << QByteArray("\"\xF0\x90\x80\x80\"")
                                                     << fromUcs4(U'\U00010000');
    QTest::newRow("raw U+10FFFF, largest code point") << QByteArray("\"\xF4\x8F\xBF\xBF\"")
                                                      << fromUcs4(U'\U0010FFFF');
    QTest::newRow("raw DEL is not a control character") << QByteArray("\"\x7F\"")
                                                        << QString(QChar(0x7f));
    QTest::newRow("ASCII, escapes and UTF-8 mixed")
        << QByteArray("\"ab\\ncd\xC3\xA9" "ef\\u0041\xF0\x9F\x98\x80\"")
        << u"ab\ncd\u00e9efA"_s + fromUcs4(U'\U0001F600');
}

void tst_StrictJsonParser::parsesStrings()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY2(value, qPrintable(error.message));
    QVERIFY(value->isString());
    QCOMPARE(value->toString(), expected);
}

void tst_StrictJsonParser::parsesContainers_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QJsonValue>("expected");

    QTest::newRow("empty array") << QByteArray("[]") << QJsonValue(QJsonArray());
    QTest::newRow("empty object") << QByteArray("{}") << QJsonValue(QJsonObject());
    QTest::newRow("empty containers with inner white space")
        << QByteArray("[ \t\r\n[ ], { \n}]") << QJsonValue(QJsonArray{QJsonArray(), QJsonObject()});
    QTest::newRow("array of every value kind")
        << QByteArray(R"([true,false,null,1,"a",[],{}])")
        << QJsonValue(QJsonArray{true, false, QJsonValue::Null, 1.0, u"a"_s, QJsonArray(),
                                 QJsonObject()});
    QTest::newRow("nested arrays") << QByteArray("[[[1]],[2]]")
                                   << QJsonValue(QJsonArray{QJsonArray{QJsonArray{1.0}},
                                                            QJsonArray{2.0}});
    QTest::newRow("object of every value kind")
        << QByteArray(R"({"s":"x","n":-1.5,"t":true,"f":false,"z":null,"a":[1],"o":{"k":"v"}})")
        << QJsonValue(QJsonObject{{u"s"_s, u"x"_s},
                                  {u"n"_s, -1.5},
                                  {u"t"_s, true},
                                  {u"f"_s, false},
                                  {u"z"_s, QJsonValue::Null},
                                  {u"a"_s, QJsonArray{1.0}},
                                  {u"o"_s, QJsonObject{{u"k"_s, u"v"_s}}}});
    QTest::newRow("white space between every token")
        << QByteArray(" \t\r\n{ \"a\" : [ 1 , 2 ] ,\n\"b\"\t:\r{ } } \n")
        << QJsonValue(QJsonObject{{u"a"_s, QJsonArray{1.0, 2.0}}, {u"b"_s, QJsonObject()}});
    QTest::newRow("members in reverse order")
        << QByteArray(R"({"b":1,"a":2})") << QJsonValue(QJsonObject{{u"a"_s, 2.0}, {u"b"_s, 1.0}});
    QTest::newRow("same name in sibling objects")
        << QByteArray(R"([{"a":1},{"a":2}])")
        << QJsonValue(QJsonArray{QJsonObject{{u"a"_s, 1.0}}, QJsonObject{{u"a"_s, 2.0}}});
    QTest::newRow("same name at every depth")
        << QByteArray(R"({"a":{"a":{"a":1}}})")
        << QJsonValue(QJsonObject{
               {u"a"_s, QJsonObject{{u"a"_s, QJsonObject{{u"a"_s, 1.0}}}}}});
    QTest::newRow("names differing only in case")
        << QByteArray(R"({"a":1,"A":2})") << QJsonValue(QJsonObject{{u"a"_s, 1.0}, {u"A"_s, 2.0}});
    QTest::newRow("names that are not Unicode-normalized")
        << QByteArray(R"({"\u00e9":1,"e\u0301":2})")
        << QJsonValue(QJsonObject{{u"\u00e9"_s, 1.0}, {u"e\u0301"_s, 2.0}});
    QTest::newRow("name that differs from another by an escaped quote")
        << QByteArray(R"({"a\"":1,"a":2})")
        << QJsonValue(QJsonObject{{u"a\""_s, 1.0}, {u"a"_s, 2.0}});
    QTest::newRow("empty name") << QByteArray(R"({"":1})") << QJsonValue(QJsonObject{{QString(), 1.0}});
    QTest::newRow("non-ASCII and astral names")
        << QByteArray("{\"\xF0\x9F\x98\x80\":1,\"\xEE\x80\x80\":2,\"z\":3}")
        << QJsonValue(QJsonObject{
               {fromUcs4(U'\U0001F600'), 1.0}, {u"\ue000"_s, 2.0}, {u"z"_s, 3.0}});

    QJsonObject numbered;
    for (int i = 0; i < 20; ++i)
        numbered.insert(u"k"_s + QString::number(i), double(i));
    QTest::newRow("more members than the linear duplicate scan covers")
        << numberedObject(20) << QJsonValue(numbered);
}

void tst_StrictJsonParser::parsesContainers()
{
    QFETCH(QByteArray, input);
    QFETCH(QJsonValue, expected);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY2(value, qPrintable(error.message));
    QCOMPARE(compactJson(*value), compactJson(expected));
    QVERIFY(*value == expected);
}

// The input example of RFC 8785 section 3.2.2, as quoted in RECEIPTS.md.
void tst_StrictJsonParser::parsesRfc8785Example()
{
    const QByteArray input = R"json({"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]})json";

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY2(value, qPrintable(error.message));
    const QJsonObject object = value->toObject();
    QCOMPARE(object.keys(), QStringList({u"literals"_s, u"numbers"_s, u"string"_s}));

    const QJsonArray numbers = object.value(u"numbers").toArray();
    QCOMPARE(numbers.size(), 5);
    QCOMPARE(describeDouble(numbers.at(0).toDouble()),
             describeDouble(std::bit_cast<double>(Q_UINT64_C(0x41b3de4355555555))));
    QCOMPARE(describeDouble(numbers.at(1).toDouble()), describeDouble(1e30));
    QCOMPARE(describeDouble(numbers.at(2).toDouble()), describeDouble(4.5));
    QCOMPARE(describeDouble(numbers.at(3).toDouble()), describeDouble(0.002));
    QCOMPARE(describeDouble(numbers.at(4).toDouble()), describeDouble(1e-27));

    const QString expectedString = u"\u20ac$"_s + QChar(0x0f) + u"\nA'B\"\\\\\"/"_s;
    QCOMPARE(object.value(u"string").toString(), expectedString);

    QCOMPARE(object.value(u"literals").toArray(),
             QJsonArray({QJsonValue::Null, true, false}));
}

void tst_StrictJsonParser::acceptsNestingUpToMaxDepth_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<int>("depth");

    QTest::newRow("64 arrays at the default limit") << nestedArrays(64) << ParseOptions().maxDepth
                                                    << 64;
    QTest::newRow("64 objects at the default limit") << nestedObjects(64) << ParseOptions().maxDepth
                                                     << 64;
    QTest::newRow("64 alternating arrays and objects")
        << QByteArray(QByteArray("[{\"a\":").repeated(32) + "1" + QByteArray("}]").repeated(32))
        << 64 << 64;
    QTest::newRow("scalar with a limit of zero") << QByteArray("1") << 0 << 0;
    QTest::newRow("flat array with a limit of one") << QByteArray("[1,2]") << 1 << 1;
    QTest::newRow("10000 arrays with a raised limit") << nestedArrays(10000) << 10000 << 10000;
}

void tst_StrictJsonParser::acceptsNestingUpToMaxDepth()
{
    QFETCH(QByteArray, input);
    QFETCH(int, maxDepth);
    QFETCH(int, depth);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error, {maxDepth});

    QVERIFY2(value, qPrintable(error.message));
    int measured = 0;
    for (QJsonValue level = *value; level.isArray() || level.isObject(); ++measured) {
        if (level.isArray()) {
            const QJsonArray array = level.toArray();
            level = array.isEmpty() ? QJsonValue() : array.first();
        } else {
            const QJsonObject object = level.toObject();
            level = object.isEmpty() ? QJsonValue() : object.begin().value();
        }
    }
    QCOMPARE(measured, depth);
}

void tst_StrictJsonParser::rejectsNestingBeyondMaxDepth_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<QString>("message");

    QTest::newRow("65 arrays") << nestedArrays(65) << 64 << qsizetype(64)
                               << u"nesting deeper than 64 levels"_s;
    // Each level but the innermost is the five bytes {"a":
    QTest::newRow("65 objects") << nestedObjects(65) << 64 << qsizetype(64 * 5)
                                << u"nesting deeper than 64 levels"_s;
    QTest::newRow("depth is checked before the rest is read")
        << QByteArray(100000, '[') << 64 << qsizetype(64) << u"nesting deeper than 64 levels"_s;
    QTest::newRow("array with a limit of zero") << QByteArray("[]") << 0 << qsizetype(0)
                                                << u"nesting deeper than 0 levels"_s;
    QTest::newRow("object inside array with a limit of one")
        << QByteArray("[1,{}]") << 1 << qsizetype(3) << u"nesting deeper than 1 level"_s;
    QTest::newRow("negative limit acts as zero") << QByteArray("{}") << -5 << qsizetype(0)
                                                 << u"nesting deeper than 0 levels"_s;
}

void tst_StrictJsonParser::rejectsNestingBeyondMaxDepth()
{
    QFETCH(QByteArray, input);
    QFETCH(int, maxDepth);
    QFETCH(qsizetype, offset);
    QFETCH(QString, message);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error, {maxDepth});

    QVERIFY(!value);
    QCOMPARE(error.message, message);
    QCOMPARE(error.offset, offset);
}

void tst_StrictJsonParser::rejectsInvalidText_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<QString>("message");

    const QString endOfInput = u"unexpected end of input"_s;
    const QString trailing = u"trailing data after the JSON value"_s;
    const QString invalidUtf8 = u"invalid UTF-8 sequence"_s;
    const QString invalidEscape = u"invalid escape sequence"_s;
    const QString nul = u"U+0000 is not allowed in strings"_s;
    const QString outOfRange = u"number out of range"_s;

    // Bytes outside any value.
    addRejection("empty input", "", 0, u"empty input"_s);
    addRejection("only white space", " \t\r\n", 4, endOfInput);
    addRejection("UTF-8 byte order mark", "\xEF\xBB\xBF{}", 0,
                 u"UTF-8 byte order mark is not allowed"_s);
    addRejection("byte order mark after white space", " \xEF\xBB\xBF{}", 1,
                 u"unexpected byte 0xEF"_s);
    addRejection("form feed is not white space", "\f[]", 0, u"unexpected byte 0x0C"_s);
    addRejection("vertical tab is not white space", "[\v]", 1, u"unexpected byte 0x0B"_s);
    addRejection("no-break space is not white space", "[\xC2\xA0]", 1, u"unexpected byte 0xC2"_s);
    addRejection("NUL byte between tokens", QByteArray("[\0]", 3), 1, u"unexpected byte 0x00"_s);
    addRejection("non-ASCII letter outside strings", "\xC3\xA9", 0, u"unexpected byte 0xC3"_s);
    addRejection("second value", "{} {}", 3, trailing);
    addRejection("two numbers", "1 2", 2, trailing);
    addRejection("comma after the value", "[],", 2, trailing);
    addRejection("letters glued to a literal", "truex", 4, trailing);
    addRejection("NUL byte after the value", QByteArray("{}\0", 3), 2, trailing);

    // Structure.
    addRejection("single-quoted string", "'a'", 0, u"unexpected character '''"_s);
    addRejection("line comment", "// note\n1", 0, u"unexpected character '/'"_s);
    addRejection("block comment", "[1/* note */]", 2, u"unexpected character '/'"_s);
    addRejection("unquoted member name", "{a:1}", 1, u"unexpected character 'a'"_s);
    addRejection("number as member name", "{1:1}", 1, u"unexpected character '1'"_s);
    addRejection("missing colon", R"({"a" 1})", 5, u"unexpected character '1'"_s);
    addRejection("missing member value", R"({"a":})", 5, u"unexpected character '}'"_s);
    addRejection("trailing comma in object", R"({"a":1,})", 7, u"unexpected character '}'"_s);
    addRejection("leading comma in object", "{,}", 1, u"unexpected character ','"_s);
    addRejection("missing comma in object", R"({"a":1 "b":2})", 7,
                 u"unexpected character '\"'"_s);
    addRejection("trailing comma in array", "[1,]", 3, u"unexpected character ']'"_s);
    addRejection("leading comma in array", "[,1]", 1, u"unexpected character ','"_s);
    addRejection("double comma in array", "[1,,2]", 3, u"unexpected character ','"_s);
    addRejection("missing comma in array", "[1 2]", 3, u"unexpected character '2'"_s);
    addRejection("colon in array", "[1:2]", 2, u"unexpected character ':'"_s);
    addRejection("array closed with a brace", "[1}", 2, u"unexpected character '}'"_s);
    addRejection("object closed with a bracket", R"({"a":1])", 6, u"unexpected character ']'"_s);
    addRejection("closing bracket alone", "]", 0, u"unexpected character ']'"_s);
    addRejection("colon alone", ":", 0, u"unexpected character ':'"_s);

    // Truncated input.
    addRejection("unterminated empty array", "[", 1, endOfInput);
    addRejection("unterminated array after comma", "[1,", 3, endOfInput);
    addRejection("unterminated object after name", R"({"a")", 4, endOfInput);
    addRejection("unterminated object after colon", R"({"a":)", 5, endOfInput);
    addRejection("unterminated object after value", R"({"a":1)", 6, endOfInput);
    addRejection("unterminated object after comma", R"({"a":1,)", 7, endOfInput);
    addRejection("unterminated string", R"("abc)", 4, endOfInput);
    addRejection("unterminated string after backslash", R"("a\)", 3, endOfInput);
    addRejection("truncated unicode escape", R"("\u00)", 5, endOfInput);
    addRejection("truncated literal", "tru", 3, endOfInput);
    addRejection("truncated literal in array", "[nul", 4, endOfInput);
    addRejection("minus at end of input", "-", 1, endOfInput);
    addRejection("decimal point at end of input", "1.", 2, endOfInput);
    addRejection("exponent marker at end of input", "1e", 2, endOfInput);
    addRejection("exponent sign at end of input", "1e-", 3, endOfInput);
    addRejection("truncated UTF-8 at end of input", "\"\xE2\x82", 3, endOfInput);
    addRejection("high surrogate escape at end of input", R"("\ud800)", 7, endOfInput);
    addRejection("truncated low surrogate escape", R"("\ud800\udc)", 11, endOfInput);

    // Literals.
    addRejection("capitalized literal", "True", 0, u"unexpected character 'T'"_s);
    addRejection("misspelled literal", "[trux]", 4, u"unexpected character 'x'"_s);
    addRejection("nil", "nil", 1, u"unexpected character 'i'"_s);
    addRejection("NaN", "NaN", 0, u"NaN is not a valid JSON number"_s);
    addRejection("Infinity", "Infinity", 0, u"Infinity is not a valid JSON number"_s);
    addRejection("-Infinity", "-Infinity", 0, u"-Infinity is not a valid JSON number"_s);
    addRejection("Infinity in array", "[1,Infinity]", 3, u"Infinity is not a valid JSON number"_s);

    // Numbers.
    addRejection("leading zero", "01", 1, u"leading zeros are not allowed in numbers"_s);
    addRejection("negative leading zero", "-01", 2, u"leading zeros are not allowed in numbers"_s);
    addRejection("double zero", "00", 1, u"leading zeros are not allowed in numbers"_s);
    addRejection("leading zeros in array", "[007]", 2,
                 u"leading zeros are not allowed in numbers"_s);
    addRejection("plus sign", "+1", 0, u"unexpected character '+'"_s);
    addRejection("leading decimal point", ".5", 0, u"unexpected character '.'"_s);
    addRejection("trailing decimal point", "[1.]", 3, u"expected a digit after the decimal point"_s);
    addRejection("decimal point before exponent", "1.e5", 2,
                 u"expected a digit after the decimal point"_s);
    addRejection("exponent without digits", "[1e]", 3, u"expected a digit in the exponent"_s);
    addRejection("exponent with only a sign", "[1e+]", 4, u"expected a digit in the exponent"_s);
    addRejection("minus without digits", "[-]", 2, u"expected a digit after '-'"_s);
    addRejection("double minus", "--1", 1, u"expected a digit after '-'"_s);
    addRejection("space after minus", "- 1", 1, u"expected a digit after '-'"_s);
    addRejection("hexadecimal number", "[0x10]", 2, u"unexpected character 'x'"_s);
    addRejection("overflow", "1e400", 0, outOfRange);
    addRejection("negative overflow", "-1e400", 0, outOfRange);
    addRejection("just above the largest double", "1.7976931348623159e308", 0, outOfRange);
    addRejection("overflow inside an array", "[1,2e308]", 3, outOfRange);
    addRejection("400-digit integer", "1" + QByteArray(400, '0'), 0, outOfRange);
    addRejection("huge exponent", "1e99999999999999999999999", 0, outOfRange);
    addRejection("overflow despite leading fraction zeros", "0.00001e314", 0, outOfRange);

    // Control characters and U+0000 in strings.
    addRejection("raw line feed in string", "\"a\nb\"", 2,
                 u"unescaped control character U+000A in string"_s);
    addRejection("raw tab in string", "\"\t\"", 1,
                 u"unescaped control character U+0009 in string"_s);
    addRejection("raw unit separator in string", "\"\x1F\"", 1,
                 u"unescaped control character U+001F in string"_s);
    addRejection("raw NUL in string", QByteArray("\"a\0\"", 4), 2, nul);
    addRejection("escaped NUL in string", R"("a\u0000")", 2, nul);
    addRejection("escaped NUL in member name", R"({"\u0000":1})", 2, nul);

    // Escapes.
    addRejection("unknown escape letter", R"("\x41")", 1, invalidEscape);
    addRejection("escaped single quote", R"("\'")", 1, invalidEscape);
    addRejection("escaped digit zero", R"("\0")", 1, invalidEscape);
    addRejection("uppercase U escape", R"("\U0041")", 1, invalidEscape);
    addRejection("unicode escape with three digits", R"("\u123")", 1, invalidEscape);
    addRejection("non-hex digit in unicode escape", R"("ab\u12G4")", 3, invalidEscape);
    addRejection("escaped raw line feed", "\"\\\n\"", 1, invalidEscape);

    // Lone surrogate escapes.
    addRejection("lone high surrogate", R"("\ud800")", 1, u"lone surrogate escape \\ud800"_s);
    addRejection("lone low surrogate", R"("\udc00")", 1, u"lone surrogate escape \\udc00"_s);
    addRejection("high surrogate followed by a letter", R"("\ud83dx")", 1,
                 u"lone surrogate escape \\ud83d"_s);
    addRejection("high surrogate followed by a BMP escape", R"("\ud800\u0041")", 1,
                 u"lone surrogate escape \\ud800"_s);
    addRejection("high surrogate followed by another escape", R"("\ud800\n")", 1,
                 u"lone surrogate escape \\ud800"_s);
    addRejection("high surrogate followed by a broken escape", R"("\ud800\u12")", 1,
                 u"lone surrogate escape \\ud800"_s);
    addRejection("two high surrogates", R"("\ud800\ud800")", 1, u"lone surrogate escape \\ud800"_s);
    addRejection("surrogate pair in reverse order", R"("\ude00\ud83d")", 1,
                 u"lone surrogate escape \\ude00"_s);
    addRejection("uppercase escape reported in lowercase", R"("\uDBFF")", 1,
                 u"lone surrogate escape \\udbff"_s);
    addRejection("lone surrogate after a valid pair", R"("\ud83d\ude00\ud83d")", 13,
                 u"lone surrogate escape \\ud83d"_s);
    addRejection("lone surrogate in member name", R"({"\udfff":1})", 2,
                 u"lone surrogate escape \\udfff"_s);
    addRejection("high surrogate escape followed by raw low surrogate bytes",
                 "\"\\ud800\xED\xB0\x80\"", 1, u"lone surrogate escape \\ud800"_s);

    // Invalid UTF-8 in strings.
    addRejection("overlong NUL C0 80", "\"\xC0\x80\"", 1, invalidUtf8);
    addRejection("overlong two-byte C1 BF", "\"\xC1\xBF\"", 1, invalidUtf8);
    addRejection("overlong three-byte E0 80 AF", "\"\xE0\x80\xAF\"", 1, invalidUtf8);
    addRejection("overlong three-byte E0 9F BF", "\"\xE0\x9F\xBF\"", 1, invalidUtf8);
    addRejection("overlong four-byte F0 80 80 AF", "\"\xF0\x80\x80\xAF\"", 1, invalidUtf8);
    addRejection("overlong four-byte F0 8F BF BF", "\"\xF0\x8F\xBF\xBF\"", 1, invalidUtf8);
    addRejection("encoded high surrogate ED A0 80", "\"\xED\xA0\x80\"", 1, invalidUtf8);
    addRejection("encoded low surrogate ED BF BF", "\"\xED\xBF\xBF\"", 1, invalidUtf8);
    addRejection("CESU-8 surrogate pair", "\"\xED\xA0\xBD\xED\xB8\x80\"", 1, invalidUtf8);
    addRejection("code point above U+10FFFF", "\"\xF4\x90\x80\x80\"", 1, invalidUtf8);
    addRejection("lead byte F5", "\"\xF5\x80\x80\x80\"", 1, invalidUtf8);
    addRejection("five-byte sequence", "\"\xF8\x88\x80\x80\x80\"", 1, invalidUtf8);
    addRejection("byte FE", "\"\xFE\"", 1, invalidUtf8);
    addRejection("byte FF", "\"\xFF\"", 1, invalidUtf8);
    addRejection("lone continuation byte", "\"\x80\"", 1, invalidUtf8);
    addRejection("truncated two-byte sequence", "\"\xC3\"", 1, invalidUtf8);
    addRejection("truncated three-byte sequence", "\"\xE2\x82\"", 1, invalidUtf8);
    addRejection("truncated four-byte sequence", "\"\xF0\x9F\x98\"", 1, invalidUtf8);
    addRejection("lead byte followed by ASCII", "\"\xC3" "A\"", 1, invalidUtf8);
    addRejection("invalid byte after valid text", "\"ab\xC3\xA9\xFF\"", 5, invalidUtf8);
    addRejection("invalid byte after an escape", "\"\\n\x80\"", 3, invalidUtf8);
    addRejection("invalid UTF-8 in member name", "{\"\xC0\x80\":1}", 2, invalidUtf8);
}

void tst_StrictJsonParser::rejectsInvalidText()
{
    verifyRejection();
}

// Shared by the rejection tests, whose tables all have the columns input, offset, message.
void tst_StrictJsonParser::verifyRejection()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, offset);
    QFETCH(QString, message);

    ParseError error;
    const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

    QVERIFY(!value);
    QCOMPARE(error.message, message);
    QCOMPARE(error.offset, offset);
}

// Names are compared after decoding; the error points at the repeated name.
void tst_StrictJsonParser::rejectsDuplicateMemberNames_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<QString>("message");

    addRejection("repeated name", R"({"model":1,"model":2})", 11,
                 u"duplicate member name \"model\""_s);
    addRejection("repeated name with values of other types", R"({"a":[],"b":0,"a":{}})", 14,
                 u"duplicate member name \"a\""_s);
    addRejection("same name spelled with an escape", R"({"a":1,"\u0061":2})", 7,
                 u"duplicate member name \"a\""_s);
    addRejection("same name as raw UTF-8 and as escape", "{\"\xC3\xA9\":1,\"\\u00e9\":2}", 8,
                 u"duplicate member name \"\u00e9\""_s);
    addRejection("same astral name as raw UTF-8 and as surrogate pair",
                 "{\"\xF0\x9F\x98\x80\":1,\"\\ud83d\\ude00\":2}", 10,
                 u"duplicate member name \""_s + fromUcs4(U'\U0001F600') + u"\""_s);
    addRejection("empty name twice", R"({"":1,"":2})", 6, u"duplicate member name \"\""_s);
    addRejection("repeated name in nested object", R"({"a":{"b":1,"b":2}})", 12,
                 u"duplicate member name \"b\""_s);
    addRejection("repeated name in object inside array", R"([{},{"x":1,"x":1}])", 11,
                 u"duplicate member name \"x\""_s);
    addRejection("reported before a later syntax error", R"({"a":1,"a":2,})", 7,
                 u"duplicate member name \"a\""_s);
    addRejection("name with quote and backslash is escaped", R"({"a\"b\\":1,"a\"b\\":2})", 12,
                 u"duplicate member name \"a\\\"b\\\\\""_s);
    addRejection("name with control character is escaped", R"({"\n":1,"\n":2})", 8,
                 u"duplicate member name \"\\u000a\""_s);

    const QByteArray longName(100, 'x');
    const QByteArray longInput = "{\"" + longName + "\":1,\"" + longName + "\":2}";
    addRejection("long name is shortened", longInput, 106,
                 u"duplicate member name \""_s + QString(64, u'x') + u"...\""_s);

    // A surrogate pair straddling the cut is dropped whole rather than split.
    const QByteArray astralName = QByteArray(63, 'x') + "\xF0\x9F\x98\x80" + QByteArray(10, 'y');
    const QByteArray astralInput = "{\"" + astralName + "\":1,\"" + astralName + "\":2}";
    addRejection("shortening does not split a surrogate pair", astralInput,
                 astralInput.lastIndexOf("\"x"),
                 u"duplicate member name \""_s + QString(63, u'x') + u"...\""_s);

    // Objects switch from a linear scan to a hash set after eight members.
    for (const int count : {7, 8, 9, 20}) {
        const QByteArray input = numberedObject(count, ",\"k0\":0");
        const QByteArray name = "duplicate of the first of " + QByteArray::number(count) + " members";
        addRejection(name.constData(), input, input.lastIndexOf("\"k0\""),
                     u"duplicate member name \"k0\""_s);
    }
    const QByteArray lastRepeated = numberedObject(20, ",\"k19\":0");
    addRejection("duplicate of the last of 20 members", lastRepeated,
                 lastRepeated.lastIndexOf("\"k19\""), u"duplicate member name \"k19\""_s);
}

void tst_StrictJsonParser::rejectsDuplicateMemberNames()
{
    verifyRejection();
}

void tst_StrictJsonParser::reportsErrorsOnlyThroughOptionalPointer()
{
    QVERIFY(!llmring::json::parse("[1,", nullptr));
    const std::optional<QJsonValue> value = llmring::json::parse("[1]", nullptr);
    QVERIFY(value);
    QCOMPARE(compactJson(*value), compactJson(QJsonArray{1.0}));

    // A reused error is cleared by a successful parse.
    ParseError error;
    QVERIFY(!llmring::json::parse("nope", &error));
    QVERIFY(!error.message.isEmpty());
    QVERIFY(llmring::json::parse("{}", &error));
    QCOMPARE(error.offset, qsizetype(0));
    QVERIFY(error.message.isEmpty());
}

// Bodies up to 10 MB go through the parser: a big array, a big string and an object
// whose many members arrive in random order must all parse completely and exactly.
void tst_StrictJsonParser::parsesLargeDocuments()
{
    constexpr qsizetype TenMegabytes = 10 * 1024 * 1024;

    QByteArray array = "[";
    const QByteArray element = "123.456e7,\"text\\n\\u00e9\xE2\x82\xAC\",true,null,{\"k\":[]},";
    qsizetype elements = 0;
    while (array.size() < TenMegabytes) {
        array += element;
        elements += 5;
    }
    array += "0]";
    ++elements;

    QByteArray bigString = "\"" + QByteArray("abc\xC3\xA9\\t").repeated(TenMegabytes / 7) + "\"";

    QList<int> order(450000);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), QRandomGenerator(20240611));
    QByteArray object = "{";
    for (const int i : std::as_const(order))
        object += "\"member" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ',';
    object.chop(1);
    object += '}';

    ParseError error;

    const std::optional<QJsonValue> arrayValue = llmring::json::parse(array, &error);
    QVERIFY2(arrayValue, qPrintable(error.message));
    QCOMPARE(arrayValue->toArray().size(), elements);

    const std::optional<QJsonValue> stringValue = llmring::json::parse(bigString, &error);
    QVERIFY2(stringValue, qPrintable(error.message));
    QCOMPARE(stringValue->toString().size(), (TenMegabytes / 7) * 5);

    const std::optional<QJsonValue> objectValue = llmring::json::parse(object, &error);
    QVERIFY2(objectValue, qPrintable(error.message));
    QCOMPARE(objectValue->toObject().size(), qsizetype(order.size()));
    QCOMPARE(objectValue->toObject().value(u"member123456").toDouble(), 123456.0);

    object.chop(1);
    object += ",\"member777\":0}";
    QVERIFY(!llmring::json::parse(object, &error));
    QCOMPARE(error.message, u"duplicate member name \"member777\""_s);
    QCOMPARE(error.offset, object.lastIndexOf("\"member777\""));
}

namespace {

QString randomString(QRandomGenerator &random)
{
    QString text;
    const int length = random.bounded(12);
    for (int i = 0; i < length; ++i) {
        char32_t codePoint = 0;
        switch (random.bounded(4)) {
        case 0:
            codePoint = char32_t(random.bounded(1, 0x80)); // ASCII, control characters included
            break;
        case 1:
            codePoint = char32_t(random.bounded(0x80, 0xD800));
            break;
        case 2:
            codePoint = char32_t(random.bounded(0xE000, 0x10000));
            break;
        default:
            codePoint = char32_t(random.bounded(0x10000, 0x110000));
            break;
        }
        text += fromUcs4(codePoint);
    }
    return text;
}

QJsonValue randomValue(QRandomGenerator &random, int depth)
{
    const int kind = random.bounded(depth >= 5 ? 5 : 7);
    switch (kind) {
    case 0:
        return QJsonValue(QJsonValue::Null);
    case 1:
        return QJsonValue(random.bounded(2) == 1);
    case 2: {
        double number = 0;
        do {
            number = std::bit_cast<double>(random.generate64());
        } while (!std::isfinite(number));
        return number;
    }
    case 3:
        return double(qint64(random.generate64()) >> random.bounded(64));
    case 4:
        return randomString(random);
    case 5: {
        QJsonArray array;
        for (int i = random.bounded(5); i > 0; --i)
            array.append(randomValue(random, depth + 1));
        return array;
    }
    default: {
        QJsonObject object;
        for (int i = random.bounded(5); i > 0; --i)
            object.insert(randomString(random), randomValue(random, depth + 1));
        return object;
    }
    }
}

// Qt's own parser keeps integers that fit a qint64 exact; the strict parser turns every
// number into a double, so Qt's result is converted the same way before comparing.
QJsonValue withDoubleNumbers(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Double:
        return value.toDouble();
    case QJsonValue::Array: {
        QJsonArray array;
        for (const QJsonValue &element : value.toArray())
            array.append(withDoubleNumbers(element));
        return array;
    }
    case QJsonValue::Object: {
        QJsonObject object;
        const QJsonObject original = value.toObject();
        for (auto it = original.begin(); it != original.end(); ++it)
            object.insert(it.key(), withDoubleNumbers(it.value()));
        return object;
    }
    case QJsonValue::Null:
    case QJsonValue::Bool:
    case QJsonValue::String:
    case QJsonValue::Undefined:
        break;
    }
    return value;
}

} // namespace

// Whatever Qt's serializer writes, the strict parser reads back to the same value.
void tst_StrictJsonParser::roundTripsGeneratedDocuments()
{
    QRandomGenerator random(8259);
    for (int i = 0; i < 2000; ++i) {
        const QJsonValue original = randomValue(random, 0);
        const QJsonDocument document = original.isObject() ? QJsonDocument(original.toObject())
                                                           : QJsonDocument(QJsonArray{original});
        const QByteArray text = document.toJson(i % 2 ? QJsonDocument::Compact
                                                      : QJsonDocument::Indented);

        ParseError error;
        const std::optional<QJsonValue> parsed = llmring::json::parse(text, &error);

        QVERIFY2(parsed, qPrintable(u"%1 at %2 in %3"_s.arg(error.message).arg(error.offset)
                                        .arg(QString::fromUtf8(text))));
        const QJsonValue expected = document.isObject() ? QJsonValue(document.object())
                                                        : QJsonValue(document.array());
        QCOMPARE(compactJson(*parsed), compactJson(expected));
        QVERIFY(*parsed == expected);
    }
}

// Random bytes and mutations of valid documents never crash the parser; every error
// lies inside the input, and whatever it accepts Qt's own parser reads the same way.
void tst_StrictJsonParser::survivesRandomAndMutatedInput()
{
    const QList<QByteArray> seeds = {
        R"({"model":"gpt-4o","tokens":[1,2.5e3,-0.0],"ok":true,"none":null})",
        R"([{"a":{"b":[[],{}]}},"\ud83d\ude00\u00e9\n\"",1E-7,false])",
        "{\"caf\xC3\xA9\":\"\xE2\x82\xAC\xF0\x9F\x98\x80\",\"k\":[0,-1,12345678901234567890]}",
        nestedArrays(63),
    };
    const QByteArray alphabet = "{}[]:,\"\\/ \t\r\n0123456789+-.eEtrufalsnu\x80\xC3\xED\xF0\xBF";
    QRandomGenerator random(42);
    const auto randomByte = [&random] { return char(random.bounded(256)); };
    const auto alphabetByte = [&] { return alphabet.at(random.bounded(alphabet.size())); };

    for (int i = 0; i < 6000; ++i) {
        QByteArray input;
        switch (i % 3) {
        case 0:
            for (int n = random.bounded(48); n > 0; --n)
                input += randomByte();
            break;
        case 1:
            for (int n = random.bounded(48); n > 0; --n)
                input += alphabetByte();
            break;
        default:
            input = seeds.at(random.bounded(seeds.size()));
            for (int n = random.bounded(1, 5); n > 0; --n) {
                const qsizetype at = random.bounded(input.size() + 1);
                switch (random.bounded(5)) {
                case 0:
                    if (at < input.size())
                        input[at] = randomByte();
                    break;
                case 1:
                    input.insert(at, alphabetByte());
                    break;
                case 2:
                    input.remove(at, 1);
                    break;
                case 3:
                    input.truncate(at);
                    break;
                default:
                    input.insert(at, input.mid(random.bounded(input.size() + 1), 8));
                    break;
                }
            }
            break;
        }

        ParseError error;
        const std::optional<QJsonValue> value = llmring::json::parse(input, &error);

        const QByteArray context = "input " + input.toHex(' ');
        if (!value) {
            QVERIFY2(!error.message.isEmpty(), context.constData());
            QVERIFY2(!error.message.endsWith(u'.'), context.constData());
            QVERIFY2(error.offset >= 0 && error.offset <= input.size(), context.constData());
            continue;
        }
        QVERIFY2(error.message.isEmpty(), context.constData());
        if (value->isArray() || value->isObject()) {
            QJsonParseError qtError;
            const QJsonDocument document = QJsonDocument::fromJson(input, &qtError);
            QVERIFY2(qtError.error == QJsonParseError::NoError, context.constData());
            const QJsonValue qtValue = document.isObject() ? QJsonValue(document.object())
                                                           : QJsonValue(document.array());
            QCOMPARE(compactJson(*value), compactJson(withDoubleNumbers(qtValue)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_StrictJsonParser)
#include "tst_strictjsonparser.moc"
