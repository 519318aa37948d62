// SPDX-License-Identifier: MIT

#include "usagestore.h"

#include "database/databaseconnection.h"
#include "database/databaseerror.h"
#include "database/transaction.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace llmring {

namespace {

QVariant nullableText(const std::optional<QString> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<QString>());
}

QVariant nullableInteger(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

std::optional<QString> optionalText(const QSqlQuery &query, int column)
{
    return query.isNull(column) ? std::nullopt : std::optional<QString>(query.value(column).toString());
}

const QString TimestampColumn = QStringLiteral(
    "to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");

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
                                            const QString &cost, const QString &costSource)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("usage.insert"),
        QStringLiteral(
            "INSERT INTO {{schema}}.usage_logs (api_key_id, provider, model, alias, profile, origin, id_at_origin,"
            " input_tokens, output_tokens, cached_input_tokens, cost, cost_source, latency_ms, metadata)"
            " VALUES (:project, :provider, :model, :alias, :profile, :origin, :id_at_origin, :input_tokens,"
            " :output_tokens, :cached_input_tokens, CAST(:cost AS numeric), :cost_source, :latency_ms,"
            " CAST(:metadata AS jsonb))"
            " ON CONFLICT (api_key_id, md5(origin), md5(id_at_origin))"
            " WHERE origin IS NOT NULL AND id_at_origin IS NOT NULL DO NOTHING"
            " RETURNING %1")
            .arg(StoredLogColumns));
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
    query.bindValue(QStringLiteral(":cost"), cost);
    query.bindValue(QStringLiteral(":cost_source"), costSource);
    query.bindValue(QStringLiteral(":latency_ms"), nullableInteger(request.latencyMs));
    query.bindValue(QStringLiteral(":metadata"),
                    QString::fromUtf8(QJsonDocument(request.metadata).toJson(QJsonDocument::Compact)));
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
    // One snapshot for both queries, so the summary and the periods agree. Custom
    // plans, because the best plan depends on how many rows the project has, and a
    // cached generic plan was measured twice as slow on a million rows.
    Transaction transaction(m_connection, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                                                         " SET LOCAL plan_cache_mode = force_custom_plan"));
    UsageStats stats;

    QSqlQuery &totals = m_connection.prepared(
        QStringLiteral("usage.stats.totals"),
        QStringLiteral("SELECT GROUPING(model), GROUPING(origin), GROUPING(alias), model, origin, alias,"
                       " count(*), COALESCE(sum(cost), 0)::text,"
                       " COALESCE(sum(input_tokens::bigint), 0), COALESCE(sum(output_tokens::bigint), 0),"
                       " count(DISTINCT model), count(DISTINCT origin)"
                       " FROM {{schema}}.usage_logs WHERE %1"
                       " GROUP BY GROUPING SETS ((), (model), (origin), (alias))"
                       " ORDER BY 4, 5, 6")
            .arg(RangeCondition));
    bindRange(totals, projectId, start, end);
    m_connection.exec(totals, QStringLiteral("usage totals"));
    while (totals.next()) {
        const bool byModel = totals.value(0).toInt() == 0;
        const bool byOrigin = totals.value(1).toInt() == 0;
        const bool byAlias = totals.value(2).toInt() == 0;
        const UsageTotals figures{totals.value(6).toLongLong(), totals.value(7).toString(),
                                  totals.value(8).toLongLong(), totals.value(9).toLongLong()};
        if (byModel) {
            stats.byModel.append({totals.value(3).toString(), figures});
        } else if (byOrigin) {
            if (!totals.isNull(4))
                stats.byOrigin.append({totals.value(4).toString(), figures});
        } else if (byAlias) {
            if (!totals.isNull(5))
                stats.byAlias.append({totals.value(5).toString(), figures});
        } else {
            stats.summary = UsageSummary{figures, totals.value(10).toLongLong(), totals.value(11).toLongLong()};
        }
    }
    totals.finish();

    QSqlQuery &periods = m_connection.prepared(
        QStringLiteral("usage.stats.periods"),
        QStringLiteral("WITH per_model AS ("
                       " SELECT date_trunc(CAST(:unit AS text), logged_at AT TIME ZONE 'UTC') AS period, model,"
                       " count(*) AS requests, sum(cost) AS cost,"
                       " sum(input_tokens::bigint + output_tokens) AS tokens"
                       " FROM {{schema}}.usage_logs WHERE %1 GROUP BY 1, 2)"
                       " SELECT to_char(period, 'YYYY-MM-DD'), sum(requests)::bigint, sum(cost)::text,"
                       " sum(tokens)::bigint,"
                       " (array_agg(model ORDER BY requests DESC, model COLLATE \"C\" ASC))[1]"
                       " FROM per_model GROUP BY period ORDER BY period DESC")
            .arg(RangeCondition));
    periods.bindValue(QStringLiteral(":unit"), periodUnit(period));
    bindRange(periods, projectId, start, end);
    m_connection.exec(periods, QStringLiteral("usage per period"));
    while (periods.next()) {
        stats.periods.append(PeriodUsage{periods.value(0).toString(), periods.value(1).toLongLong(),
                                         periods.value(2).toString(), periods.value(3).toLongLong(),
                                         periods.value(4).toString()});
    }
    periods.finish();

    transaction.commit();
    return stats;
}

QList<UsageLogRow> UsageStore::list(const QString &projectId, const UsageLogFilter &filter, bool ascending,
                                    qint64 limit, qint64 offset, qint64 *total)
{
    // The WHERE clause is assembled from fixed fragments, one per filter present, and
    // every value is bound. Each shape is prepared once and cached under its own key.
    QStringList conditions{QStringLiteral("api_key_id = :project")};
    QString shape;
    const auto addCondition = [&](bool present, const QString &condition, QChar code) {
        if (!present)
            return;
        conditions.append(condition);
        shape.append(code);
    };
    addCondition(filter.start.has_value(), QStringLiteral("logged_at >= CAST(:start AS timestamptz)"), u's');
    addCondition(filter.end.has_value(), QStringLiteral("logged_at < CAST(:end AS timestamptz)"), u'e');
    addCondition(filter.provider.has_value(), QStringLiteral("provider = :provider"), u'p');
    addCondition(filter.model.has_value(), QStringLiteral("model = :model"), u'm');
    addCondition(filter.alias.has_value(), QStringLiteral("alias = :alias"), u'a');
    addCondition(filter.origin.has_value(), QStringLiteral("origin = :origin"), u'o');
    addCondition(filter.profile.has_value(), QStringLiteral("profile = :profile"), u'f');
    const QString where = conditions.join(QStringLiteral(" AND "));

    const auto bindFilter = [&](QSqlQuery &query) {
        query.bindValue(QStringLiteral(":project"), projectId);
        if (filter.start)
            query.bindValue(QStringLiteral(":start"), filter.start->toPostgresText());
        if (filter.end)
            query.bindValue(QStringLiteral(":end"), filter.end->toPostgresText());
        if (filter.provider)
            query.bindValue(QStringLiteral(":provider"), *filter.provider);
        if (filter.model)
            query.bindValue(QStringLiteral(":model"), *filter.model);
        if (filter.alias)
            query.bindValue(QStringLiteral(":alias"), *filter.alias);
        if (filter.origin)
            query.bindValue(QStringLiteral(":origin"), *filter.origin);
        if (filter.profile)
            query.bindValue(QStringLiteral(":profile"), *filter.profile);
    };

    // The count and the page come from one snapshot, so X-Total-Count matches the rows.
    Transaction transaction(m_connection, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));

    QSqlQuery &count = m_connection.prepared(QStringLiteral("usage.count.") + shape,
                                             QStringLiteral("SELECT count(*) FROM {{schema}}.usage_logs WHERE ") + where);
    bindFilter(count);
    m_connection.exec(count, QStringLiteral("count usage logs"));
    *total = count.next() ? count.value(0).toLongLong() : 0;
    count.finish();

    const QString direction = ascending ? QStringLiteral("ASC") : QStringLiteral("DESC");
    QSqlQuery &page = m_connection.prepared(
        QStringLiteral("usage.list.%1.%2").arg(shape, direction),
        QStringLiteral("SELECT id::text, %1, provider, model, alias, profile, origin, id_at_origin, input_tokens,"
                       " output_tokens, cached_input_tokens, cost::text, latency_ms, metadata::text,"
                       " conversation_id::text"
                       " FROM {{schema}}.usage_logs WHERE %2"
                       " ORDER BY logged_at %3, id %3 LIMIT :limit OFFSET :offset")
            .arg(TimestampColumn, where, direction));
    bindFilter(page);
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
