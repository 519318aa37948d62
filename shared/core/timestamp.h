// SPDX-License-Identifier: MIT
// RFC 3339 timestamps with microsecond precision, as PostgreSQL stores them.

#pragma once

#include <QString>

#include <optional>

namespace llmring {

// An instant in UTC, in microseconds since 1970-01-01T00:00:00Z. QDateTime is not
// used because it keeps only milliseconds.
struct Timestamp
{
    qint64 microsecondsSinceEpoch = 0;

    static constexpr qint64 MicrosecondsPerDay = 86'400'000'000;

    // Parses an RFC 3339 timestamp with an offset or `Z`, a naive timestamp (taken as
    // UTC), or a plain date `YYYY-MM-DD` (midnight UTC, and *isDateOnly is set to true).
    // `T`, `t` or a space separates date and time, seconds may be omitted, and digits
    // of a fraction beyond microseconds are truncated.
    static std::optional<Timestamp> parse(const QString &text, bool *isDateOnly = nullptr);

    static Timestamp now();

    // `2025-08-26T12:00:00.123456Z`: always six fractional digits.
    QString toRfc3339() const;

    // `2025-08-26 12:00:00.123456+00`, which a `timestamptz` cast reads exactly.
    QString toPostgresText() const;

    Timestamp addMicroseconds(qint64 microseconds) const { return {microsecondsSinceEpoch + microseconds}; }
    Timestamp addDays(qint64 days) const { return addMicroseconds(days * MicrosecondsPerDay); }

    friend bool operator==(Timestamp, Timestamp) = default;
    friend auto operator<=>(Timestamp, Timestamp) = default;
};

} // namespace llmring
