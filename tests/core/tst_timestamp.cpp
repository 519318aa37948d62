// SPDX-License-Identifier: MIT
// llmring::Timestamp: parsing of RFC 3339 timestamps, naive timestamps and plain dates,
// rejection of malformed text, and formatting as RFC 3339 and as PostgreSQL input.

#include "core/timestamp.h"

#include <QDateTime>
#include <QTest>

using llmring::Timestamp;

namespace {

constexpr qint64 MicrosecondsPerMillisecond = 1000;

// Microseconds since the epoch of a UTC instant written as `yyyy-MM-ddTHH:mm:ss.ffffffZ`,
// computed with QDateTime for the whole milliseconds, so the expected values do not
// come from the parser under test.
qint64 epochMicroseconds(const QString &rfc3339)
{
    const QDateTime wholeSeconds = QDateTime::fromString(rfc3339.left(19), QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    const QDateTime utc(wholeSeconds.date(), wholeSeconds.time(), Qt::UTC);
    return utc.toMSecsSinceEpoch() * MicrosecondsPerMillisecond + rfc3339.mid(20, 6).toLongLong();
}

} // namespace

class tst_Timestamp final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void formatPostgres_data();
    void formatPostgres();
    void formatPostgresBeforeYearOne();
    void roundTrip_data();
    void roundTrip();
    void addAndCompare();
    void nowIsCurrentTime();
};

void tst_Timestamp::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("dateOnly");

    QTest::newRow("Z suffix") << "2025-08-26T12:00:00Z" << "2025-08-26T12:00:00.000000Z" << false;
    QTest::newRow("lowercase z") << "2025-08-26T12:00:00z" << "2025-08-26T12:00:00.000000Z" << false;
    QTest::newRow("offset +02:00") << "2025-08-26T12:00:00+02:00" << "2025-08-26T10:00:00.000000Z" << false;
    QTest::newRow("offset -05:30") << "2025-08-26T12:00:00-05:30" << "2025-08-26T17:30:00.000000Z" << false;
    QTest::newRow("offset -00:00") << "2025-08-26T12:00:00-00:00" << "2025-08-26T12:00:00.000000Z" << false;
    QTest::newRow("offset +23:59") << "2025-08-26T12:00:00+23:59" << "2025-08-25T12:01:00.000000Z" << false;
    QTest::newRow("offset crosses month") << "2025-03-01T01:00:00+02:00" << "2025-02-28T23:00:00.000000Z"
                                          << false;
    QTest::newRow("offset crosses year") << "2024-12-31T22:30:00-02:00" << "2025-01-01T00:30:00.000000Z"
                                         << false;
    // A '+' that a form decoder turned into a space.
    QTest::newRow("offset plus as space") << "2025-08-26T12:00:00 02:00" << "2025-08-26T10:00:00.000000Z"
                                          << false;
    QTest::newRow("naive is UTC") << "2025-08-26T12:34:56" << "2025-08-26T12:34:56.000000Z" << false;
    QTest::newRow("date only") << "2025-08-26" << "2025-08-26T00:00:00.000000Z" << true;
    QTest::newRow("date only leap day") << "2024-02-29" << "2024-02-29T00:00:00.000000Z" << true;
    QTest::newRow("lowercase t") << "2025-08-26t12:00:00Z" << "2025-08-26T12:00:00.000000Z" << false;
    QTest::newRow("space separator") << "2025-08-26 12:00:00Z" << "2025-08-26T12:00:00.000000Z" << false;
    QTest::newRow("no seconds") << "2025-08-26T12:34" << "2025-08-26T12:34:00.000000Z" << false;
    QTest::newRow("no seconds with offset") << "2025-08-26T12:34+01:00" << "2025-08-26T11:34:00.000000Z" << false;
    QTest::newRow("fraction 1 digit") << "2025-08-26T12:00:00.1Z" << "2025-08-26T12:00:00.100000Z" << false;
    QTest::newRow("fraction 2 digits") << "2025-08-26T12:00:00.12Z" << "2025-08-26T12:00:00.120000Z" << false;
    QTest::newRow("fraction 3 digits") << "2025-08-26T12:00:00.123Z" << "2025-08-26T12:00:00.123000Z" << false;
    QTest::newRow("fraction 4 digits") << "2025-08-26T12:00:00.1234Z" << "2025-08-26T12:00:00.123400Z" << false;
    QTest::newRow("fraction 5 digits") << "2025-08-26T12:00:00.12345Z" << "2025-08-26T12:00:00.123450Z" << false;
    QTest::newRow("fraction 6 digits") << "2025-08-26T12:00:00.123456Z" << "2025-08-26T12:00:00.123456Z"
                                       << false;
    QTest::newRow("fraction 7 digits truncated") << "2025-08-26T12:00:00.1234567Z"
                                                 << "2025-08-26T12:00:00.123456Z" << false;
    QTest::newRow("fraction 8 digits truncated") << "2025-08-26T12:00:00.12345678Z"
                                                 << "2025-08-26T12:00:00.123456Z" << false;
    QTest::newRow("fraction 9 digits truncated") << "2025-08-26T12:00:00.999999999Z"
                                                 << "2025-08-26T12:00:00.999999Z" << false;
    QTest::newRow("fraction naive") << "2025-08-26T12:00:00.000001" << "2025-08-26T12:00:00.000001Z" << false;
    QTest::newRow("fraction with offset") << "2025-08-26T00:00:00.5+00:30" << "2025-08-25T23:30:00.500000Z"
                                          << false;
    QTest::newRow("last microsecond of day") << "2025-03-10T23:59:59.999999Z" << "2025-03-10T23:59:59.999999Z"
                                             << false;
    QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << "1970-01-01T00:00:00.000000Z" << false;
    QTest::newRow("before epoch") << "1969-12-31T23:59:59.999999Z" << "1969-12-31T23:59:59.999999Z" << false;
    QTest::newRow("before epoch offset") << "1969-12-31T23:30:00-01:00" << "1970-01-01T00:30:00.000000Z"
                                         << false;
    QTest::newRow("date only 1900") << "1900-01-01" << "1900-01-01T00:00:00.000000Z" << true;
    QTest::newRow("year 1") << "0001-01-01T00:00:00Z" << "0001-01-01T00:00:00.000000Z" << false;
    QTest::newRow("year 9999") << "9999-12-31T23:59:59.999999Z" << "9999-12-31T23:59:59.999999Z" << false;
}

void tst_Timestamp::parseValid()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QFETCH(bool, dateOnly);
    bool isDateOnly = !dateOnly;

    const auto parsed = Timestamp::parse(text, &isDateOnly);

    QVERIFY(parsed.has_value());
    QCOMPARE(parsed->toRfc3339(), expected);
    QCOMPARE(parsed->microsecondsSinceEpoch, epochMicroseconds(expected));
    QCOMPARE(isDateOnly, dateOnly);
}

void tst_Timestamp::parseInvalid_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << "";
    QTest::newRow("February 30") << "2025-02-30";
    QTest::newRow("February 29 outside leap year") << "2025-02-29T00:00:00Z";
    QTest::newRow("month 13") << "2025-13-01";
    QTest::newRow("month 0") << "2025-00-10";
    QTest::newRow("day 0") << "2025-01-00";
    QTest::newRow("day 32") << "2025-01-32";
    QTest::newRow("year 0") << "0000-01-01";
    QTest::newRow("one-digit month") << "2025-1-01";
    QTest::newRow("one-digit day") << "2025-01-1";
    QTest::newRow("five-digit year") << "20250-01-01";
    QTest::newRow("slashes") << "2025/01/01";
    QTest::newRow("hour 24") << "2025-01-01T24:00:00Z";
    QTest::newRow("minute 60") << "2025-01-01T12:60:00Z";
    QTest::newRow("second 60") << "2025-01-01T12:00:60Z";
    QTest::newRow("one-digit hour") << "2025-01-01T1:00:00Z";
    QTest::newRow("hour only") << "2025-01-01T12Z";
    QTest::newRow("separator only") << "2025-01-01T";
    QTest::newRow("unknown separator") << "2025-01-01X12:00:00Z";
    QTest::newRow("trailing garbage after Z") << "2025-01-01T12:00:00Zabc";
    QTest::newRow("trailing garbage after date") << "2025-01-01abc";
    QTest::newRow("trailing space") << "2025-01-01T12:00:00Z ";
    QTest::newRow("leading space") << " 2025-01-01T12:00:00Z";
    QTest::newRow("empty fraction") << "2025-01-01T12:00:00.Z";
    QTest::newRow("fraction without seconds") << "2025-01-01T12:00.5Z";
    QTest::newRow("offset +24:00") << "2025-01-01T12:00:00+24:00";
    QTest::newRow("offset minute 60") << "2025-01-01T12:00:00+01:60";
    QTest::newRow("offset without colon") << "2025-01-01T12:00:00+0200";
    QTest::newRow("offset hours only") << "2025-01-01T12:00:00+02";
    QTest::newRow("Z and offset") << "2025-01-01T12:00:00Z+01:00";
    QTest::newRow("words") << "yesterday";
    QTest::newRow("non-ASCII digits") << QStringLiteral("\u0662\u0660\u0662\u0665-01-01");
}

void tst_Timestamp::parseInvalid()
{
    QFETCH(QString, text);

    const auto parsed = Timestamp::parse(text);

    QVERIFY2(!parsed.has_value(), qPrintable(parsed ? parsed->toRfc3339() : QString()));
}

void tst_Timestamp::formatPostgres_data()
{
    QTest::addColumn<QString>("rfc3339");
    QTest::addColumn<QString>("postgres");

    QTest::newRow("with fraction") << "2025-08-26T12:00:00.123456Z" << "2025-08-26 12:00:00.123456+00";
    QTest::newRow("whole second") << "2025-03-10T00:00:00.000000Z" << "2025-03-10 00:00:00.000000+00";
    QTest::newRow("one microsecond") << "2025-03-10T00:00:00.000001Z" << "2025-03-10 00:00:00.000001+00";
    QTest::newRow("before epoch") << "1969-12-31T23:59:59.999999Z" << "1969-12-31 23:59:59.999999+00";
}

void tst_Timestamp::formatPostgres()
{
    QFETCH(QString, rfc3339);
    QFETCH(QString, postgres);
    const Timestamp timestamp{epochMicroseconds(rfc3339)};

    const QString formatted = timestamp.toPostgresText();

    QCOMPARE(formatted, postgres);
}

void tst_Timestamp::formatPostgresBeforeYearOne()
{
    // One minute before 0001-01-01T00:00:00Z is the last minute of 1 BC, which
    // PostgreSQL writes as year 0001 with a "BC" suffix.
    const auto parsed = Timestamp::parse(QStringLiteral("0001-01-01T00:00:00+00:01"));
    QVERIFY(parsed.has_value());

    const QString formatted = parsed->toPostgresText();

    QCOMPARE(formatted, QStringLiteral("0001-12-31 23:59:00.000000+00 BC"));
}

void tst_Timestamp::roundTrip_data()
{
    QTest::addColumn<qint64>("microseconds");

    QTest::newRow("epoch") << qint64(0);
    QTest::newRow("one microsecond after epoch") << qint64(1);
    QTest::newRow("one microsecond before epoch") << qint64(-1);
    QTest::newRow("one day before epoch") << -Timestamp::MicrosecondsPerDay;
    QTest::newRow("1900 with fraction") << epochMicroseconds(QStringLiteral("1900-06-15T08:09:10.000011Z"));
    QTest::newRow("2025 last microsecond") << epochMicroseconds(QStringLiteral("2025-12-31T23:59:59.999999Z"));
    QTest::newRow("2038 beyond 32-bit seconds") << epochMicroseconds(QStringLiteral("2038-01-19T03:14:08.500000Z"));
}

void tst_Timestamp::roundTrip()
{
    QFETCH(qint64, microseconds);
    const Timestamp original{microseconds};

    const QString text = original.toRfc3339();
    const auto parsed = Timestamp::parse(text);

    QVERIFY2(parsed.has_value(), qPrintable(text));
    QCOMPARE(parsed->microsecondsSinceEpoch, microseconds);
    QCOMPARE(text.size(), qsizetype(27));
    QVERIFY2(text.endsWith(u'Z'), qPrintable(text));
}

void tst_Timestamp::addAndCompare()
{
    const Timestamp start = *Timestamp::parse(QStringLiteral("2025-02-28T23:59:59.999999Z"));

    const Timestamp nextMicrosecond = start.addMicroseconds(1);
    const Timestamp nextDay = start.addDays(1);
    const Timestamp previousDay = start.addDays(-1);

    QCOMPARE(nextMicrosecond.toRfc3339(), QStringLiteral("2025-03-01T00:00:00.000000Z"));
    QCOMPARE(nextDay.toRfc3339(), QStringLiteral("2025-03-01T23:59:59.999999Z"));
    QCOMPARE(previousDay.toRfc3339(), QStringLiteral("2025-02-27T23:59:59.999999Z"));
    QVERIFY(start < nextMicrosecond);
    QVERIFY(previousDay < start);
    QVERIFY(start == Timestamp{start.microsecondsSinceEpoch});
}

void tst_Timestamp::nowIsCurrentTime()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch() * MicrosecondsPerMillisecond;

    const Timestamp now = Timestamp::now();

    // The clock read in milliseconds truncates, so `after` covers its whole millisecond.
    const qint64 after = (QDateTime::currentMSecsSinceEpoch() + 1) * MicrosecondsPerMillisecond;
    QVERIFY(now.microsecondsSinceEpoch >= before);
    QVERIFY(now.microsecondsSinceEpoch <= after);
}

QTEST_APPLESS_MAIN(tst_Timestamp)
#include "tst_timestamp.moc"
