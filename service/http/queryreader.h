// SPDX-License-Identifier: MIT
// Typed, validated access to query parameters.

#pragma once

#include "core/timestamp.h"
#include "domain/validationerrors.h"

#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace llmring {

// Reads query parameters and records a FieldError (loc ["query", name]) for each
// invalid one; callers check errors().isEmpty() once all are read. When a parameter
// is repeated, the last value counts. Out-of-range values are errors, never clamped.
class QueryReader
{
public:
    QueryReader(const QUrlQuery &query, ValidationErrors &errors);

    bool has(const QString &name) const;
    std::optional<QString> text(const QString &name);

    // The `is_active` filter of MCP lists: "true" (the default) or "false", or
    // std::nullopt for "all".
    std::optional<bool> activeFilter(const QString &name);

    // A UUID in canonical lowercase form; a malformed one is "must be a UUID".
    std::optional<QString> uuid(const QString &name);

    qint64 integer(const QString &name, qint64 defaultValue, qint64 minimum, qint64 maximum);
    QString choice(const QString &name, const QString &defaultValue, const QStringList &allowed);

    // An inclusive lower time bound: a timestamp, or a date meaning its midnight (UTC).
    std::optional<Timestamp> startBound(const QString &name);
    // An exclusive upper time bound. A timestamp bound is inclusive, so one microsecond
    // is added. A plain date includes that whole day, so the next midnight is returned.
    std::optional<Timestamp> endBound(const QString &name);

    // Adds the "start_date must be before end_date" error when both bounds are given
    // and the range they make is empty.
    void checkStartBeforeEnd(const std::optional<Timestamp> &start, const std::optional<Timestamp> &end);

    ValidationErrors &errors() { return m_errors; }

private:
    std::optional<Timestamp> timestamp(const QString &name, bool *isDateOnly);
    void addError(const QString &name, const QString &msg, QLatin1StringView type);

    QUrlQuery m_query;
    ValidationErrors &m_errors;
};

} // namespace llmring
