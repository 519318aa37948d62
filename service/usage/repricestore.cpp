// SPDX-License-Identifier: MIT

#include "repricestore.h"

#include "costexpression.h"
#include "database/databaseconnection.h"

#include <QSqlQuery>

namespace llmring {

RepriceStore::RepriceStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

QList<RepriceStore::UnpricedModel> RepriceStore::unpricedModels(Timestamp since)
{
    QSqlQuery query = m_connection.prepareOnce(QStringLiteral(
        "SELECT provider, model, count(*) FROM {{schema}}.usage_logs"
        " WHERE cost_source = 'unpriced' AND logged_at >= CAST(:since AS timestamptz)"
        " GROUP BY provider, model ORDER BY provider, model"));
    query.bindValue(QStringLiteral(":since"), since.toPostgresText());
    m_connection.exec(query, QStringLiteral("find unpriced usage logs"));

    QList<UnpricedModel> models;
    while (query.next())
        models.append(UnpricedModel{query.value(0).toString(), query.value(1).toString(), query.value(2).toLongLong()});
    return models;
}

qint64 RepriceStore::reprice(const QString &provider, const QString &model, const ModelPrice &price, Timestamp since)
{
    QSqlQuery query = m_connection.prepareOnce(
        QStringLiteral("UPDATE {{schema}}.usage_logs SET cost = %1, cost_source = 'registry'"
                       " WHERE cost_source = 'unpriced' AND provider = :provider AND model = :model"
                       " AND logged_at >= CAST(:since AS timestamptz)")
            .arg(registryCostExpression(QStringLiteral("input_tokens - cached_input_tokens"),
                                        QStringLiteral("cached_input_tokens"), QStringLiteral("output_tokens"))));
    query.bindValue(QStringLiteral(":price_input"), price.input);
    query.bindValue(QStringLiteral(":price_cache_read"), price.cacheRead);
    query.bindValue(QStringLiteral(":price_output"), price.output);
    query.bindValue(QStringLiteral(":provider"), provider);
    query.bindValue(QStringLiteral(":model"), model);
    query.bindValue(QStringLiteral(":since"), since.toPostgresText());
    m_connection.exec(query, QStringLiteral("reprice usage logs"));
    return query.numRowsAffected();
}

} // namespace llmring
