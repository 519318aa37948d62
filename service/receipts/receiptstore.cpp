// SPDX-License-Identifier: MIT

#include "receiptstore.h"

#include "database/databaseconnection.h"
#include "database/conditionbuilder.h"
#include "database/transaction.h"

#include <QLocale>
#include <QSqlQuery>

namespace llmring {

ReceiptStore::ReceiptStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

ReceiptStore::InsertResult ReceiptStore::insert(const QString &projectId, const Receipt &receipt,
                                                const QByteArray &canonicalMembers, const QByteArray &signature,
                                                Timestamp signedAt)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("receipts.insert"),
        QStringLiteral("INSERT INTO {{schema}}.receipts (api_key_id, receipt_id, canonical_members, signature,"
                       " signed_at, model, alias, profile, key_id, input_tokens, output_tokens, cached_input_tokens,"
                       " cost_amount)"
                       " VALUES (:project, :receipt_id, :canonical, decode(:signature, 'hex'),"
                       " CAST(:signed_at AS timestamptz), :model, :alias, :profile, :key_id, :input_tokens,"
                       " :output_tokens, :cached_input_tokens, CAST(:cost AS numeric))"
                       " ON CONFLICT (api_key_id, receipt_id) DO NOTHING RETURNING receipt_id"));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":receipt_id"), receipt.id);
    query.bindValue(QStringLiteral(":canonical"), QString::fromUtf8(canonicalMembers));
    // Hex text, because QPSQL writes bound values into the statement text.
    query.bindValue(QStringLiteral(":signature"), QString::fromLatin1(signature.toHex()));
    query.bindValue(QStringLiteral(":signed_at"), signedAt.toPostgresText());
    query.bindValue(QStringLiteral(":model"), receipt.model);
    query.bindValue(QStringLiteral(":alias"), receipt.alias);
    query.bindValue(QStringLiteral(":profile"), receipt.profile);
    query.bindValue(QStringLiteral(":key_id"), receipt.keyId);
    query.bindValue(QStringLiteral(":input_tokens"), receipt.inputTokens);
    query.bindValue(QStringLiteral(":output_tokens"), receipt.outputTokens);
    query.bindValue(QStringLiteral(":cached_input_tokens"), receipt.cachedInputTokens);
    query.bindValue(QStringLiteral(":cost"), QString::number(receipt.costAmount, 'g', QLocale::FloatingPointShortest));
    m_connection.exec(query, QStringLiteral("insert receipt"));
    const bool created = query.next();
    query.finish();
    if (created)
        return InsertResult::Created;

    const std::optional<StoredReceipt> existing = find(projectId, receipt.id);
    if (existing && existing->canonicalMembers == canonicalMembers && existing->signature == signature)
        return InsertResult::AlreadyStored;
    return InsertResult::Conflict;
}

std::optional<StoredReceipt> ReceiptStore::find(const QString &projectId, const QString &receiptId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("receipts.find"),
        QStringLiteral("SELECT canonical_members, encode(signature, 'hex') FROM {{schema}}.receipts"
                       " WHERE api_key_id = :project AND receipt_id = :receipt_id"));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":receipt_id"), receiptId);
    m_connection.exec(query, QStringLiteral("find receipt"));
    std::optional<StoredReceipt> found;
    if (query.next())
        found = StoredReceipt{query.value(0).toString().toUtf8(), QByteArray::fromHex(query.value(1).toByteArray())};
    query.finish();
    return found;
}

QList<StoredReceipt> ReceiptStore::list(const QString &projectId, const ReceiptFilter &filter, qint64 limit,
                                        qint64 offset, qint64 *total)
{
    ConditionBuilder conditions;
    conditions.add(QStringLiteral("api_key_id = :project"), QStringLiteral(":project"), projectId);
    conditions.addIfPresent(filter.start, QStringLiteral("signed_at >= CAST(:start AS timestamptz)"),
                            QStringLiteral(":start"));
    conditions.addIfPresent(filter.end, QStringLiteral("signed_at < CAST(:end AS timestamptz)"),
                            QStringLiteral(":end"));
    conditions.addIfPresent(filter.model, QStringLiteral("model = :model"), QStringLiteral(":model"));
    conditions.addIfPresent(filter.alias, QStringLiteral("alias = :alias"), QStringLiteral(":alias"));
    const QString where = conditions.where();
    const QString shape = conditions.shape();

    Transaction transaction(m_connection, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    QSqlQuery &count = m_connection.prepared(QStringLiteral("receipts.count.") + shape,
                                             QStringLiteral("SELECT count(*) FROM {{schema}}.receipts WHERE ") + where);
    conditions.bind(count);
    m_connection.exec(count, QStringLiteral("count receipts"));
    *total = count.next() ? count.value(0).toLongLong() : 0;
    count.finish();

    QSqlQuery &page = m_connection.prepared(
        QStringLiteral("receipts.list.") + shape,
        QStringLiteral("SELECT canonical_members, encode(signature, 'hex') FROM {{schema}}.receipts WHERE %1"
                       " ORDER BY signed_at DESC, receipt_id DESC LIMIT :limit OFFSET :offset")
            .arg(where));
    conditions.bind(page);
    page.bindValue(QStringLiteral(":limit"), limit);
    page.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(page, QStringLiteral("list receipts"));
    QList<StoredReceipt> receipts;
    while (page.next())
        receipts.append({page.value(0).toString().toUtf8(), QByteArray::fromHex(page.value(1).toByteArray())});
    page.finish();
    transaction.commit();
    return receipts;
}

} // namespace llmring
