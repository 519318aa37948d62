// SPDX-License-Identifier: MIT

#include "timestamp.h"

#include <QDate>
#include <QDateTime>

#include <chrono>

namespace llmring {

namespace {

// Reads exactly `count` ASCII digits at `pos`.
std::optional<int> readDigits(const QString &text, qsizetype pos, int count)
{
    if (pos + count > text.size())
        return std::nullopt;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text.at(pos + i);
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value;
}

constexpr qint64 MicrosecondsPerSecond = 1'000'000;

} // namespace

std::optional<Timestamp> Timestamp::parse(const QString &text, bool *isDateOnly)
{
    const auto year = readDigits(text, 0, 4);
    const auto month = readDigits(text, 5, 2);
    const auto day = readDigits(text, 8, 2);
    if (!year || !month || !day || text.at(4) != u'-' || text.at(7) != u'-')
        return std::nullopt;
    const QDate date(*year, *month, *day);
    if (!date.isValid() || *year < 1)
        return std::nullopt;

    const qint64 dayStart = QDate(1970, 1, 1).daysTo(date) * MicrosecondsPerDay;
    if (text.size() == 10) {
        if (isDateOnly)
            *isDateOnly = true;
        return Timestamp{dayStart};
    }

    qsizetype pos = 10;
    const QChar separator = text.at(pos);
    if (separator != u'T' && separator != u't' && separator != u' ')
        return std::nullopt;
    ++pos;

    const auto hour = readDigits(text, pos, 2);
    const auto minute = readDigits(text, pos + 3, 2);
    if (!hour || !minute || text.at(pos + 2) != u':' || *hour > 23 || *minute > 59)
        return std::nullopt;
    pos += 5;

    int second = 0;
    qint64 fraction = 0;
    if (pos < text.size() && text.at(pos) == u':') {
        const auto parsedSecond = readDigits(text, pos + 1, 2);
        if (!parsedSecond || *parsedSecond > 59)
            return std::nullopt;
        second = *parsedSecond;
        pos += 3;
        if (pos < text.size() && text.at(pos) == u'.') {
            ++pos;
            int digits = 0;
            qint64 scale = 100'000;
            while (pos < text.size() && text.at(pos) >= u'0' && text.at(pos) <= u'9') {
                if (digits < 6) {
                    fraction += (text.at(pos).unicode() - u'0') * scale;
                    scale /= 10;
                }
                ++digits;
                ++pos;
            }
            if (digits == 0 || digits > 9)
                return std::nullopt;
        }
    }

    qint64 offsetMinutes = 0;
    if (pos < text.size()) {
        const QChar zone = text.at(pos);
        if (zone == u'Z' || zone == u'z') {
            ++pos;
        } else if (zone == u'+' || zone == u'-' || zone == u' ') {
            // A space stands for '+' when a client did not percent-encode the offset
            // and a form decoder turned the plus into a space.
            const auto offsetHour = readDigits(text, pos + 1, 2);
            const auto offsetMinute = readDigits(text, pos + 4, 2);
            if (!offsetHour || !offsetMinute || text.at(pos + 3) != u':' || *offsetHour > 23
                || *offsetMinute > 59) {
                return std::nullopt;
            }
            offsetMinutes = *offsetHour * 60 + *offsetMinute;
            if (zone == u'-')
                offsetMinutes = -offsetMinutes;
            pos += 6;
        } else {
            return std::nullopt;
        }
    }
    if (pos != text.size())
        return std::nullopt;

    if (isDateOnly)
        *isDateOnly = false;
    const qint64 secondsOfDay = *hour * 3600 + *minute * 60 + second - offsetMinutes * 60;
    return Timestamp{dayStart + secondsOfDay * MicrosecondsPerSecond + fraction};
}

Timestamp Timestamp::now()
{
    const auto sinceEpoch = std::chrono::system_clock::now().time_since_epoch();
    return Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(sinceEpoch).count()};
}

namespace {

struct Parts
{
    QDate date;
    QString time;     // HH:mm:ss
    QString fraction; // six digits
};

Parts split(qint64 microseconds)
{
    qint64 seconds = microseconds / MicrosecondsPerSecond;
    qint64 fraction = microseconds % MicrosecondsPerSecond;
    if (fraction < 0) {
        fraction += MicrosecondsPerSecond;
        --seconds;
    }
    const QDateTime dateTime = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    return Parts{dateTime.date(), dateTime.toString(QStringLiteral("HH:mm:ss")),
                 QStringLiteral("%1").arg(fraction, 6, 10, QLatin1Char('0'))};
}

} // namespace

QString Timestamp::toRfc3339() const
{
    const Parts parts = split(microsecondsSinceEpoch);
    return QStringLiteral("%1T%2.%3Z").arg(parts.date.toString(Qt::ISODate), parts.time, parts.fraction);
}

QString Timestamp::toPostgresText() const
{
    // A bound such as 0001-01-01T00:00:00+00:01 lies before year 1 in UTC. QDate has no
    // year 0 (year -1 is 1 BC), and PostgreSQL writes such years with a "BC" suffix.
    const Parts parts = split(microsecondsSinceEpoch);
    const int year = parts.date.year();
    const QString date = QStringLiteral("%1-%2-%3")
                             .arg(qAbs(year), 4, 10, QLatin1Char('0'))
                             .arg(parts.date.month(), 2, 10, QLatin1Char('0'))
                             .arg(parts.date.day(), 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 %2.%3+00%4").arg(date, parts.time, parts.fraction,
                                                year < 0 ? QStringLiteral(" BC") : QString());
}

} // namespace llmring
