// SPDX-License-Identifier: MIT
// The response of GET /api/v1/stats, read into plain values.

#pragma once

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace llmring::console {

// The `group_by` of a stats request: the length of one period.
enum class UsageGrouping { Day, Week, Month };

// "day", "week" or "month", as the API spells the grouping.
QString groupingParameter(UsageGrouping grouping);

// The first day of the period that contains `day`: the day itself, the Monday of its
// week, or the first day of its month. This matches the service, which groups UTC days
// with PostgreSQL's date_trunc, whose weeks start on Monday.
QDate periodStart(const QDate &day, UsageGrouping grouping);

// The first day of the period after the one that starts on `start`.
QDate nextPeriodStart(const QDate &start, UsageGrouping grouping);

struct UsageSummary
{
    qint64 requests = 0;
    double cost = 0;
    qint64 tokens = 0;
    qint64 uniqueModels = 0;
    qint64 uniqueOrigins = 0;
};

// One period of `by_day`: a day, or the first day of an ISO week or a month.
struct UsagePeriod
{
    QDate start;
    qint64 requests = 0;
    double cost = 0;
    qint64 tokens = 0;
    QString topModel;
};

// One entry of `by_model` or `by_origin`. Origins carry no token counts, so theirs are 0.
struct UsageShare
{
    QString name;
    qint64 requests = 0;
    double cost = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

struct UsageReport
{
    UsageSummary summary;
    // Oldest first, although the API lists the newest first, so charts read left to right.
    QList<UsagePeriod> periods;
    QList<UsageShare> byModel;
    QList<UsageShare> byOrigin;

    // The report in `json`, or std::nullopt with *error naming the member that is
    // missing or has the wrong type.
    static std::optional<UsageReport> fromJson(const QJsonObject &json, QString *error);
};

} // namespace llmring::console
