// SPDX-License-Identifier: MIT

#include "usageroutes.h"

#include "domain/usagelogrequest.h"
#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "registry/registryclient.h"
#include "usagejson.h"
#include "usagestore.h"

#include <QJsonArray>

namespace llmring {

namespace {

constexpr qint64 DefaultStatsDays = 30;

bool wantsCsv(const RequestContext &context, const QString &format)
{
    if (format == QLatin1String("csv"))
        return true;
    if (format == QLatin1String("json"))
        return false;
    return context.request.value("Accept").toLower().contains("text/csv");
}

} // namespace

UsageRoutes::UsageRoutes(qint64 maxBodyBytes, const RegistryClient &registry)
    : m_maxBodyBytes(maxBodyBytes)
    , m_registry(registry)
{
}

void UsageRoutes::registerOn(Router &router) const
{
    router.add(Method::Post, QStringLiteral("/api/v1/log"), Access::Project,
               [this](RequestContext &context) { return logUsage(context); });
    router.add(Method::Get, QStringLiteral("/api/v1/stats"), Access::Project,
               [this](RequestContext &context) { return stats(context); });
    router.add(Method::Get, QStringLiteral("/api/v1/logs"), Access::Project,
               [this](RequestContext &context) { return listLogs(context); });
}

QHttpServerResponse UsageRoutes::logUsage(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);

    ValidationErrors errors;
    const auto request = UsageLogRequest::fromJson(*body, errors);
    if (!request)
        return errorResponse(HttpError::validation(errors));

    // Reading the snapshot never waits for a registry fetch; while none has loaded,
    // the log is stored unpriced.
    const LogCost cost = LogCost::forRequest(*request, m_registry.current());
    const UsageStore::InsertResult result = UsageStore(context.database()).insert(context.projectId, *request, cost);
    return jsonResponse(storedLogToJson(result.log), result.created ? StatusCode::Created : StatusCode::Ok);
}

QHttpServerResponse UsageRoutes::stats(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const auto start = query.startBound(QStringLiteral("start_date"));
    const auto end = query.endBound(QStringLiteral("end_date"));
    const QString groupBy = query.choice(QStringLiteral("group_by"), QStringLiteral("day"),
                                         {QStringLiteral("day"), QStringLiteral("week"), QStringLiteral("month")});
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    // Defaults: up to now, and 30 days before the end.
    UsageStore store(context.database());
    const Timestamp rangeEnd = end ? *end : store.currentTime().addMicroseconds(1);
    const Timestamp rangeStart = start.value_or(rangeEnd.addDays(-DefaultStatsDays));
    if (rangeStart >= rangeEnd) {
        const QString message = end ? QStringLiteral("must be before end_date")
                                    : QStringLiteral("must be before end_date, which defaults to now");
        return errorResponse(HttpError::validation(QJsonArray{QStringLiteral("query"), QStringLiteral("start_date")},
                                                   message, ErrorType::ValueError));
    }

    const StatsPeriod period = groupBy == QLatin1String("week")    ? StatsPeriod::Week
                             : groupBy == QLatin1String("month") ? StatsPeriod::Month
                                                                 : StatsPeriod::Day;
    const UsageStats stats = store.stats(context.projectId, rangeStart, rangeEnd, period);
    return jsonResponse(usageStatsToJson(stats));
}

QHttpServerResponse UsageRoutes::listLogs(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const qint64 limit = query.integer(QStringLiteral("limit"), 50, 1, 500);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    const QString order = query.choice(QStringLiteral("order"), QStringLiteral("desc"),
                                       {QStringLiteral("asc"), QStringLiteral("desc")});
    const QString format = query.choice(QStringLiteral("format"), QString(),
                                        {QStringLiteral("json"), QStringLiteral("csv")});
    UsageLogFilter filter;
    filter.start = query.startBound(QStringLiteral("start_date"));
    filter.end = query.endBound(QStringLiteral("end_date"));
    filter.provider = query.text(QStringLiteral("provider"));
    filter.model = query.text(QStringLiteral("model"));
    filter.alias = query.text(QStringLiteral("alias"));
    filter.origin = query.text(QStringLiteral("origin"));
    filter.profile = query.text(QStringLiteral("profile"));
    query.checkStartBeforeEnd(filter.start, filter.end);
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    qint64 total = 0;
    const QList<UsageLogRow> rows = UsageStore(context.database())
                                        .list(context.projectId, filter, order == QLatin1String("asc"), limit,
                                              offset, &total);

    QHttpServerResponse response = [&] {
        if (wantsCsv(context, format))
            return QHttpServerResponse(QByteArrayLiteral("text/csv; charset=utf-8"), usageLogRowsToCsv(rows));
        QJsonArray array;
        for (const UsageLogRow &row : rows)
            array.append(usageLogRowToJson(row));
        return jsonResponse(array);
    }();
    response.setHeader("X-Total-Count", QByteArray::number(total));
    return response;
}

} // namespace llmring
