// SPDX-License-Identifier: MIT

#include "usagereport.h"

#include <QJsonArray>

#include <algorithm>

namespace llmring::console {

namespace {

// The shares of a `by_model` or `by_origin` object, in the order of its keys.
std::optional<QList<UsageShare>> sharesFromJson(const QJsonValue &value)
{
    if (!value.isObject())
        return std::nullopt;
    QList<UsageShare> shares;
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!it.value().isObject())
            return std::nullopt;
        const QJsonObject totals = it.value().toObject();
        shares.append(UsageShare{
            it.key(),
            totals.value(QStringLiteral("requests")).toInteger(),
            totals.value(QStringLiteral("cost")).toDouble(),
            totals.value(QStringLiteral("input_tokens")).toInteger(),
            totals.value(QStringLiteral("output_tokens")).toInteger(),
        });
    }
    return shares;
}

} // namespace

QString groupingParameter(UsageGrouping grouping)
{
    switch (grouping) {
    case UsageGrouping::Day:
        return QStringLiteral("day");
    case UsageGrouping::Week:
        return QStringLiteral("week");
    case UsageGrouping::Month:
        return QStringLiteral("month");
    }
    return QStringLiteral("day");
}

QDate periodStart(const QDate &day, UsageGrouping grouping)
{
    switch (grouping) {
    case UsageGrouping::Day:
        return day;
    case UsageGrouping::Week:
        return day.addDays(1 - day.dayOfWeek());
    case UsageGrouping::Month:
        return QDate(day.year(), day.month(), 1);
    }
    return day;
}

QDate nextPeriodStart(const QDate &start, UsageGrouping grouping)
{
    switch (grouping) {
    case UsageGrouping::Day:
        return start.addDays(1);
    case UsageGrouping::Week:
        return start.addDays(7);
    case UsageGrouping::Month:
        return start.addMonths(1);
    }
    return start.addDays(1);
}

std::optional<UsageReport> UsageReport::fromJson(const QJsonObject &json, QString *error)
{
    const auto fail = [error](const QString &member) {
        if (error)
            *error = member;
        return std::nullopt;
    };

    const QJsonValue summaryValue = json.value(QStringLiteral("summary"));
    if (!summaryValue.isObject())
        return fail(QStringLiteral("summary"));
    const QJsonObject summary = summaryValue.toObject();

    UsageReport report;
    report.summary.requests = summary.value(QStringLiteral("total_requests")).toInteger();
    report.summary.cost = summary.value(QStringLiteral("total_cost")).toDouble();
    report.summary.tokens = summary.value(QStringLiteral("total_tokens")).toInteger();
    report.summary.uniqueModels = summary.value(QStringLiteral("unique_models")).toInteger();
    report.summary.uniqueOrigins = summary.value(QStringLiteral("unique_origins")).toInteger();

    // The API names this list by_day for every grouping.
    const QJsonValue periods = json.value(QStringLiteral("by_day"));
    if (!periods.isArray())
        return fail(QStringLiteral("by_day"));
    for (const QJsonValue &value : periods.toArray()) {
        const QJsonObject period = value.toObject();
        const QDate start = QDate::fromString(period.value(QStringLiteral("date")).toString(), Qt::ISODate);
        if (!start.isValid())
            return fail(QStringLiteral("by_day.date"));
        report.periods.append(UsagePeriod{
            start,
            period.value(QStringLiteral("requests")).toInteger(),
            period.value(QStringLiteral("cost")).toDouble(),
            period.value(QStringLiteral("tokens")).toInteger(),
            period.value(QStringLiteral("top_model")).toString(),
        });
    }
    std::sort(report.periods.begin(), report.periods.end(),
              [](const UsagePeriod &left, const UsagePeriod &right) { return left.start < right.start; });

    std::optional<QList<UsageShare>> byModel = sharesFromJson(json.value(QStringLiteral("by_model")));
    if (!byModel)
        return fail(QStringLiteral("by_model"));
    report.byModel = std::move(*byModel);

    std::optional<QList<UsageShare>> byOrigin = sharesFromJson(json.value(QStringLiteral("by_origin")));
    if (!byOrigin)
        return fail(QStringLiteral("by_origin"));
    report.byOrigin = std::move(*byOrigin);

    return report;
}

} // namespace llmring::console
