// SPDX-License-Identifier: MIT

#include "usagejson.h"

#include "database/sqlvalues.h"
#include "json/optionaljson.h"

#include <QJsonDocument>

namespace llmring {

namespace {

QJsonObject totalsToJson(const UsageTotals &totals, bool withTokens)
{
    QJsonObject object{
        {QStringLiteral("requests"), totals.requests},
        {QStringLiteral("cost"), moneyFromDecimalText(totals.cost)},
    };
    if (withTokens) {
        object.insert(QStringLiteral("input_tokens"), totals.inputTokens);
        object.insert(QStringLiteral("output_tokens"), totals.outputTokens);
    }
    return object;
}

QJsonObject groupToJson(const QList<std::pair<QString, UsageTotals>> &groups, bool withTokens)
{
    QJsonObject object;
    for (const auto &[key, totals] : groups)
        object.insert(key, totalsToJson(totals, withTokens));
    return object;
}

QByteArray csvField(const QString &value)
{
    QByteArray bytes = value.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r')) {
        bytes.replace('"', "\"\"");
        bytes = '"' + bytes + '"';
    }
    return bytes;
}

// Writes "1500000000.0000000000" as "1500000000". Spreadsheets and scripts read plain
// decimals, while shortest double formatting would write 1.5e+09.
QString plainDecimal(const QString &decimal)
{
    QString text = decimal;
    if (text.contains(u'.')) {
        while (text.endsWith(u'0'))
            text.chop(1);
        if (text.endsWith(u'.'))
            text.chop(1);
    }
    return text;
}

// PostgreSQL writes jsonb numbers in full (1e300 as 301 digits), so stored metadata is
// re-serialized the way the JSON listing writes it, which keeps CSV rows small.
QString compactJson(const QString &json)
{
    return QString::fromUtf8(QJsonDocument(jsonFromColumnText(json).toObject()).toJson(QJsonDocument::Compact));
}

} // namespace

double moneyFromDecimalText(const QString &decimal)
{
    return decimal.toDouble();
}

QJsonObject storedLogToJson(const StoredLog &log)
{
    return QJsonObject{
        {QStringLiteral("log_id"), log.id},
        {QStringLiteral("cost"), moneyFromDecimalText(log.cost)},
        {QStringLiteral("timestamp"), log.loggedAt},
        {QStringLiteral("cost_source"), log.costSource},
    };
}

QJsonObject usageStatsToJson(const UsageStats &stats)
{
    const UsageTotals &totals = stats.summary.totals;
    const QJsonObject summary{
        {QStringLiteral("total_requests"), totals.requests},
        {QStringLiteral("total_cost"), moneyFromDecimalText(totals.cost)},
        {QStringLiteral("total_tokens"), totals.inputTokens + totals.outputTokens},
        {QStringLiteral("unique_models"), stats.summary.uniqueModels},
        {QStringLiteral("unique_origins"), stats.summary.uniqueOrigins},
    };

    QJsonArray periods;
    for (const PeriodUsage &period : stats.periods) {
        periods.append(QJsonObject{
            {QStringLiteral("date"), period.periodStart},
            {QStringLiteral("requests"), period.requests},
            {QStringLiteral("cost"), moneyFromDecimalText(period.cost)},
            {QStringLiteral("tokens"), period.tokens},
            {QStringLiteral("top_model"), period.topModel},
        });
    }

    return QJsonObject{
        {QStringLiteral("summary"), summary},
        {QStringLiteral("by_day"), periods},
        {QStringLiteral("by_model"), groupToJson(stats.byModel, true)},
        {QStringLiteral("by_origin"), groupToJson(stats.byOrigin, false)},
        {QStringLiteral("by_alias"), groupToJson(stats.byAlias, true)},
    };
}

QJsonObject usageLogRowToJson(const UsageLogRow &row)
{
    return QJsonObject{
        {QStringLiteral("id"), row.id},
        {QStringLiteral("logged_at"), row.loggedAt},
        {QStringLiteral("provider"), row.provider},
        {QStringLiteral("model"), row.model},
        {QStringLiteral("alias"), json::optionalJson(row.alias)},
        {QStringLiteral("profile"), row.profile},
        {QStringLiteral("origin"), json::optionalJson(row.origin)},
        {QStringLiteral("id_at_origin"), json::optionalJson(row.idAtOrigin)},
        {QStringLiteral("input_tokens"), row.inputTokens},
        {QStringLiteral("output_tokens"), row.outputTokens},
        {QStringLiteral("cached_input_tokens"), row.cachedInputTokens},
        {QStringLiteral("cost"), moneyFromDecimalText(row.cost)},
        {QStringLiteral("latency_ms"), row.latencyMs ? QJsonValue(*row.latencyMs) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("metadata"), jsonFromColumnText(row.metadataJson).toObject()},
        {QStringLiteral("conversation_id"), json::optionalJson(row.conversationId)},
    };
}

QByteArray usageLogRowsToCsv(const QList<UsageLogRow> &rows)
{
    QByteArray csv = "id,logged_at,provider,model,alias,profile,origin,id_at_origin,input_tokens,output_tokens,"
                     "cached_input_tokens,cost,latency_ms,metadata,conversation_id\r\n";
    for (const UsageLogRow &row : rows) {
        const QStringList fields{
            row.id,
            row.loggedAt,
            row.provider,
            row.model,
            row.alias.value_or(QString()),
            row.profile,
            row.origin.value_or(QString()),
            row.idAtOrigin.value_or(QString()),
            QString::number(row.inputTokens),
            QString::number(row.outputTokens),
            QString::number(row.cachedInputTokens),
            plainDecimal(row.cost),
            row.latencyMs ? QString::number(*row.latencyMs) : QString(),
            compactJson(row.metadataJson),
            row.conversationId.value_or(QString()),
        };
        QByteArrayList encoded;
        for (const QString &field : fields)
            encoded.append(csvField(field));
        csv += encoded.join(',') + "\r\n";
    }
    return csv;
}

} // namespace llmring
