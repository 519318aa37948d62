// SPDX-License-Identifier: MIT

#include "usagestore.h"

#include "costexpression.h"

#include "database/conditionbuilder.h"
#include "database/databaseconnection.h"
#include "database/databaseerror.h"
#include "database/sqlvalues.h"
#include "database/transaction.h"

#include <QHash>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QStringList>

namespace llmring {

namespace {

const QString TimestampColumn = timestampColumn(QStringLiteral("logged_at"));

// The text columns of a listed row, in order.
const QString UsageTextColumns = QStringList{textColumn(QStringLiteral("provider")), textColumn(QStringLiteral("model")),
                                             textColumn(QStringLiteral("alias")), textColumn(QStringLiteral("profile")),
                                             textColumn(QStringLiteral("origin")),
                                             textColumn(QStringLiteral("id_at_origin"))}
                                     .join(QStringLiteral(", "));

const QString StoredLogColumns = QStringLiteral("id::text, %1, cost::text, cost_source").arg(TimestampColumn);

StoredLog readStoredLog(const QSqlQuery &query)
{
    return StoredLog{query.value(0).toString(), query.value(1).toString(), query.value(2).toString(),
                     query.value(3).toString()};
}

const QString RangeCondition = QStringLiteral(
    "api_key_id = :project AND logged_at >= CAST(:start AS timestamptz) AND logged_at < CAST(:end AS timestamptz)");

void bindRange(QSqlQuery &query, const QString &projectId, Timestamp start, Timestamp end)
{
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":start"), start.toPostgresText());
    query.bindValue(QStringLiteral(":end"), end.toPostgresText());
}

QString periodUnit(StatsPeriod period)
{
    switch (period) {
    case StatsPeriod::Day:
        return QStringLiteral("day");
    case StatsPeriod::Week:
        return QStringLiteral("week");
    case StatsPeriod::Month:
        return QStringLiteral("month");
    }
    return QStringLiteral("day");
}

} // namespace

UsageStore::UsageStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

UsageStore::InsertResult UsageStore::insert(const QString &projectId, const UsageLogRequest &request,
                                            const LogCost &cost, const std::optional<QString> &conversationId)
{
    // A client's cost is stored as given; otherwise :cost is null and the registry
    // price applies, and an unpriced log binds a cost of 0.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("usage.insert"),
        QStringLiteral(
            "INSERT INTO {{schema}}.usage_logs (api_key_id, provider, model, alias, profile, origin, id_at_origin,"
            " input_tokens, output_tokens, cached_input_tokens, cost, cost_source, latency_ms, metadata,"
            " conversation_id)"
            " VALUES (:project, :provider, :model, :alias, :profile, :origin, :id_at_origin, :input_tokens,"
            " :output_tokens, :cached_input_tokens, COALESCE(CAST(:cost AS numeric), %2), :cost_source,"
            " :latency_ms, CAST(:metadata AS jsonb), CAST(:conversation_id AS uuid))"
            " ON CONFLICT (api_key_id, md5(origin), md5(id_at_origin))"
            " WHERE origin IS NOT NULL AND id_at_origin IS NOT NULL DO NOTHING"
            " RETURNING %1")
            .arg(StoredLogColumns,
                 registryCostExpression(QStringLiteral(":uncached_tokens"), QStringLiteral(":cached_tokens"),
                                        QStringLiteral(":priced_output_tokens"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":provider"), request.provider);
    query.bindValue(QStringLiteral(":model"), request.model);
    query.bindValue(QStringLiteral(":alias"), nullableText(request.alias));
    query.bindValue(QStringLiteral(":profile"), request.profile);
    query.bindValue(QStringLiteral(":origin"), nullableText(request.origin));
    query.bindValue(QStringLiteral(":id_at_origin"), nullableText(request.idAtOrigin));
    query.bindValue(QStringLiteral(":input_tokens"), request.inputTokens);
    query.bindValue(QStringLiteral(":output_tokens"), request.outputTokens);
    query.bindValue(QStringLiteral(":cached_input_tokens"), request.cachedInputTokens);
    const bool registryPriced = cost.source == LogCost::Source::Registry;
    const QVariant noText(QMetaType::fromType<QString>());
    query.bindValue(QStringLiteral(":cost"), cost.source == LogCost::Source::Client ? QVariant(cost.clientCost)
                                             : registryPriced                      ? noText
                                                                                   : QVariant(QStringLiteral("0")));
    query.bindValue(QStringLiteral(":uncached_tokens"), request.inputTokens - request.cachedInputTokens);
    query.bindValue(QStringLiteral(":cached_tokens"), request.cachedInputTokens);
    query.bindValue(QStringLiteral(":priced_output_tokens"), request.outputTokens);
    query.bindValue(QStringLiteral(":price_input"), registryPriced ? QVariant(cost.price.input) : noText);
    query.bindValue(QStringLiteral(":price_cache_read"), registryPriced ? QVariant(cost.price.cacheRead) : noText);
    query.bindValue(QStringLiteral(":price_output"), registryPriced ? QVariant(cost.price.output) : noText);
    query.bindValue(QStringLiteral(":cost_source"), cost.sourceName());
    query.bindValue(QStringLiteral(":latency_ms"), nullableInteger(request.latencyMs));
    query.bindValue(QStringLiteral(":metadata"),
                    QString::fromUtf8(QJsonDocument(request.metadata).toJson(QJsonDocument::Compact)));
    query.bindValue(QStringLiteral(":conversation_id"), nullableText(conversationId));
    m_connection.exec(query, QStringLiteral("insert usage log"));

    if (query.next()) {
        InsertResult result{readStoredLog(query), true};
        query.finish();
        return result;
    }
    query.finish();

    // The insert did nothing, so the (origin, id_at_origin) pair is already stored;
    // rows are never deleted, so the first log is still there.
    const auto existing = findByOrigin(projectId, *request.origin, *request.idAtOrigin);
    if (!existing) {
        throw DatabaseError(DatabaseError::Kind::QueryFailed, QStringLiteral("insert usage log"), QString(),
                            QStringLiteral("conflicting usage log not found"));
    }
    return InsertResult{*existing, false};
}

std::optional<StoredLog> UsageStore::findByOrigin(const QString &projectId, const QString &origin,
                                                  const QString &idAtOrigin)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("usage.findByOrigin"),
        QStringLiteral("SELECT %1 FROM {{schema}}.usage_logs"
                       " WHERE api_key_id = :project AND md5(origin) = md5(CAST(:origin AS text))"
                       " AND md5(id_at_origin) = md5(CAST(:id_at_origin AS text))"
                       " AND origin IS NOT NULL AND id_at_origin IS NOT NULL")
            .arg(StoredLogColumns));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":origin"), origin);
    query.bindValue(QStringLiteral(":id_at_origin"), idAtOrigin);
    m_connection.exec(query, QStringLiteral("find usage log by origin"));
    std::optional<StoredLog> found;
    if (query.next())
        found = readStoredLog(query);
    query.finish();
    return found;
}

Timestamp UsageStore::currentTime()
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("usage.now"), QStringLiteral("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"));
    m_connection.exec(query, QStringLiteral("read the database clock"));
    const Timestamp now{query.next() ? query.value(0).toLongLong() : 0};
    query.finish();
    return now;
}

UsageStats UsageStore::stats(const QString &projectId, Timestamp start, Timestamp end, StatsPeriod period)
{
    // One snapshot and one scan: the rows are grouped once by (period, model, origin,
    // alias), a few thousand groups even for a million rows, and every figure comes from
    // those groups. Plans are custom because the best one depends on how many rows the
    // project has. JIT is off because its compilation costs more than it saves here. The
    // time zone is UTC so that date_trunc cuts periods at UTC midnight.
    Transaction transaction(m_connection, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                                                         " SET LOCAL plan_cache_mode = force_custom_plan;"
                                                         " SET LOCAL jit = off;"
                                                         " SET LOCAL work_mem = '64MB';"
                                                         " SET LOCAL TimeZone = 'UTC'"));
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("usage.stats"),
        QStringLiteral("WITH detail AS ("
                       " SELECT date_trunc(CAST(:unit AS text), logged_at) AS period, model, origin, alias,"
                       " count(*) AS requests, sum(cost) AS cost, sum(input_tokens::bigint) AS input_tokens,"
                       " sum(output_tokens::bigint) AS output_tokens"
                       " FROM {{schema}}.usage_logs WHERE %1 GROUP BY 1, 2, 3, 4)"
                       " SELECT GROUPING(period), GROUPING(model), GROUPING(origin), GROUPING(alias),"
                       " to_char(period, 'YYYY-MM-DD'), %2, %3, %4,"
                       " COALESCE(sum(requests), 0)::bigint, COALESCE(sum(cost), 0)::text,"
                       " COALESCE(sum(input_tokens), 0)::bigint, COALESCE(sum(output_tokens), 0)::bigint,"
                       " count(DISTINCT model), count(DISTINCT origin)"
                       " FROM detail"
                       " GROUP BY GROUPING SETS ((), (model), (origin), (alias), (period), (period, model))"
                       " ORDER BY 5 DESC, model, origin, alias")
            .arg(RangeCondition, textColumn(QStringLiteral("model")), textColumn(QStringLiteral("origin")),
                 textColumn(QStringLiteral("alias"))));
    query.bindValue(QStringLiteral(":unit"), periodUnit(period));
    bindRange(query, projectId, start, end);
    m_connection.exec(query, QStringLiteral("usage stats"));

    UsageStats stats;
    // The top model of each period: most requests, ties to the smaller name in UTF-8
    // byte order (PostgreSQL's "C" collation).
    struct TopModel
    {
        QString name;
        QByteArray utf8; // compared in byte order
        qint64 requests = 0;
    };
    QHash<QString, TopModel> topModels;
    while (query.next()) {
        const bool byPeriod = query.value(0).toInt() == 0;
        const bool byModel = query.value(1).toInt() == 0;
        const bool byOrigin = query.value(2).toInt() == 0;
        const bool byAlias = query.value(3).toInt() == 0;
        const UsageTotals figures{query.value(8).toLongLong(), query.value(9).toString(), query.value(10).toLongLong(),
                                  query.value(11).toLongLong()};
        if (byPeriod && byModel) {
            const QString model = query.value(5).toString();
            const QByteArray utf8 = model.toUtf8();
            TopModel &top = topModels[query.value(4).toString()];
            if (top.utf8.isNull() || figures.requests > top.requests
                || (figures.requests == top.requests && utf8 < top.utf8)) {
                top = TopModel{model, utf8, figures.requests};
            }
        } else if (byPeriod) {
            stats.periods.append(PeriodUsage{query.value(4).toString(), figures.requests, figures.cost,
                                             figures.inputTokens + figures.outputTokens, QString()});
        } else if (byModel) {
            stats.byModel.append({query.value(5).toString(), figures});
        } else if (byOrigin) {
            if (!query.isNull(6))
                stats.byOrigin.append({query.value(6).toString(), figures});
        } else if (byAlias) {
            if (!query.isNull(7))
                stats.byAlias.append({query.value(7).toString(), figures});
        } else {
            stats.summary = UsageSummary{figures, query.value(12).toLongLong(), query.value(13).toLongLong()};
        }
    }
    query.finish();
    transaction.commit();

    for (PeriodUsage &usage : stats.periods)
        usage.topModel = topModels.value(usage.periodStart).name;
    return stats;
}

QList<UsageLogRow> UsageStore::list(const QString &projectId, const UsageLogFilter &filter, bool ascending,
                                    qint64 limit, qint64 offset, qint64 *total)
{
    ConditionBuilder conditions;
    conditions.add(QStringLiteral("api_key_id = :project"), QStringLiteral(":project"), projectId);
    conditions.addIfPresent(filter.start, QStringLiteral("logged_at >= CAST(:start AS timestamptz)"),
                            QStringLiteral(":start"));
    conditions.addIfPresent(filter.end, QStringLiteral("logged_at < CAST(:end AS timestamptz)"),
                            QStringLiteral(":end"));
    conditions.addIfPresent(filter.provider, QStringLiteral("provider = :provider"), QStringLiteral(":provider"));
    conditions.addIfPresent(filter.model, QStringLiteral("model = :model"), QStringLiteral(":model"));
    conditions.addIfPresent(filter.alias, QStringLiteral("alias = :alias"), QStringLiteral(":alias"));
    conditions.addIfPresent(filter.origin, QStringLiteral("origin = :origin"), QStringLiteral(":origin"));
    conditions.addIfPresent(filter.profile, QStringLiteral("profile = :profile"), QStringLiteral(":profile"));
    const QString where = conditions.where();
    const QString shape = conditions.shape();

    // The count and the page come from one snapshot, so X-Total-Count matches the rows.
    Transaction transaction(m_connection, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));

    QSqlQuery &count = m_connection.prepared(QStringLiteral("usage.count.") + shape,
                                             QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs WHERE ") + where);
    conditions.bind(count);
    m_connection.exec(count, QStringLiteral("count usage logs"));
    *total = count.next() ? count.value(0).toLongLong() : 0;
    count.finish();

    const QString direction = ascending ? QStringLiteral("ASC") : QStringLiteral("DESC");
    QSqlQuery &page = m_connection.prepared(
        QStringLiteral("usage.list.%1.%2").arg(shape, direction),
        QStringLiteral("SELECT id::text, %1, %4, input_tokens,"
                       " output_tokens, cached_input_tokens, cost::text, latency_ms, metadata::text,"
                       " conversation_id::text"
                       " FROM {{schema}}.usage_logs WHERE %2"
                       " ORDER BY logged_at %3, id %3 LIMIT :limit OFFSET :offset")
            .arg(TimestampColumn, where, direction, UsageTextColumns));
    conditions.bind(page);
    page.bindValue(QStringLiteral(":limit"), limit);
    page.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(page, QStringLiteral("list usage logs"));

    QList<UsageLogRow> rows;
    while (page.next()) {
        UsageLogRow row;
        row.id = page.value(0).toString();
        row.loggedAt = page.value(1).toString();
        row.provider = page.value(2).toString();
        row.model = page.value(3).toString();
        row.alias = optionalText(page, 4);
        row.profile = page.value(5).toString();
        row.origin = optionalText(page, 6);
        row.idAtOrigin = optionalText(page, 7);
        row.inputTokens = page.value(8).toLongLong();
        row.outputTokens = page.value(9).toLongLong();
        row.cachedInputTokens = page.value(10).toLongLong();
        row.cost = page.value(11).toString();
        row.latencyMs = page.isNull(12) ? std::nullopt : std::optional<qint64>(page.value(12).toLongLong());
        row.metadataJson = page.value(13).toString();
        row.conversationId = optionalText(page, 14);
        rows.append(row);
    }
    page.finish();
    transaction.commit();
    return rows;
}

} // namespace llmring
