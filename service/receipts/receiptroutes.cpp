// SPDX-License-Identifier: MIT

#include "receiptroutes.h"

#include "domain/receipt.h"
#include "http/jsonresponse.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "json/canonicaljson.h"
#include "json/strictjsonparser.h"
#include "http/queryreader.h"
#include "receiptkeys.h"
#include "receiptsigner.h"
#include "receipts/receiptverifier.h"
#include "receiptstore.h"
#include "receipts/signatureencoding.h"

#include <QJsonArray>
#include <QJsonObject>

namespace llmring {

namespace {

QByteArray receiptText(const StoredReceipt &stored)
{
    return signedReceiptText(stored.canonicalMembers, stored.signature);
}

QHttpServerResponse rawJsonResponse(const QByteArray &json, StatusCode status = StatusCode::Ok)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"), json, status);
}

QHttpServerResponse storedResponse(const QString &receiptId, StatusCode status)
{
    return jsonResponse(QJsonObject{{QStringLiteral("receipt_id"), receiptId}, {QStringLiteral("status"), QStringLiteral("verified")}},
                        status);
}

} // namespace

ReceiptRoutes::ReceiptRoutes(std::shared_ptr<const ReceiptKeys> keys, qint64 maxBodyBytes)
    : m_keys(std::move(keys))
    , m_maxBodyBytes(maxBodyBytes)
{
}

void ReceiptRoutes::registerOn(Router &router) const
{
    router.add(Method::Get, QStringLiteral("/receipts/public-key.pem"), Access::Public,
               [this](RequestContext &context) { return publicKeyPem(context); });
    router.add(Method::Get, QStringLiteral("/receipts/public-keys.json"), Access::Public,
               [this](RequestContext &context) { return publicKeys(context); });
    router.add(Method::Post, QStringLiteral("/receipts/verify"), Access::Public,
               [this](RequestContext &context) { return verify(context); });
    router.add(Method::Post, QStringLiteral("/api/v1/receipts"), Access::Project,
               [this](RequestContext &context) { return storeReceipt(context); });
    router.add(Method::Get, QStringLiteral("/api/v1/receipts"), Access::Project,
               [this](RequestContext &context) { return listReceipts(context); });
    router.add(Method::Get, QStringLiteral("/api/v1/receipts/{receipt_id}"), Access::Project,
               [this](RequestContext &context) { return getReceipt(context); });
    router.add(Method::Post, QStringLiteral("/api/v1/receipts/issue"), Access::Project,
               [this](RequestContext &context) { return issueReceipt(context); });
}

QHttpServerResponse ReceiptRoutes::publicKeyPem(RequestContext &) const
{
    if (!m_keys->hasActiveKey())
        return errorResponse(StatusCode::NotFound, QStringLiteral("Receipt signing key not configured"));
    return QHttpServerResponse(QByteArrayLiteral("application/x-pem-file"), m_keys->activeKey()->toPem());
}

QHttpServerResponse ReceiptRoutes::publicKeys(RequestContext &) const
{
    return jsonResponse(m_keys->toJwks());
}

QHttpServerResponse ReceiptRoutes::verify(RequestContext &context) const
{
    // The transport rules still apply (413, 415). A body the strict parser rejects is a
    // malformed receipt, duplicate members included, because its canonical form would
    // be ambiguous.
    HttpError error;
    if (!checkJsonBodyTransport(context.request, m_maxBodyBytes, &error))
        return errorResponse(error);
    const ReceiptVerification result = verifyReceipt(
        context.request.body(), [this](const QString &keyId) { return m_keys->keyFor(keyId); });
    return jsonResponse(result.toJson());
}

QHttpServerResponse ReceiptRoutes::storeReceipt(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    if (!body->isObject() || !body->toObject().contains(QStringLiteral("receipt"))) {
        return errorResponse(HttpError::validation(QJsonArray{QStringLiteral("body"), QStringLiteral("receipt")},
                                                   QStringLiteral("field required"), ErrorType::Missing));
    }

    ValidationErrors errors;
    const std::optional<Receipt> receipt =
        Receipt::fromJson(body->toObject().value(QStringLiteral("receipt")), Receipt::Purpose::Signed,
                          QJsonArray{QStringLiteral("body"), QStringLiteral("receipt")}, errors);
    if (!receipt)
        return errorResponse(HttpError::validation(errors));

    const auto signature = receipts::decodeSignature(*receipt->signature, nullptr);
    const receipts::VerifyingKey *key = m_keys->keyFor(receipt->keyId);
    const QByteArray canonical = json::canonicalize(QJsonValue(receipt->members));
    if (!signature || !key || !key->verify(canonical, *signature))
        return errorResponse(StatusCode::BadRequest, QStringLiteral("Invalid receipt signature"));

    const Timestamp signedAt = *Timestamp::parse(receipt->timestamp);
    switch (ReceiptStore(context.database()).insert(context.projectId, *receipt, canonical, *signature, signedAt)) {
    case ReceiptStore::InsertResult::Created:
        return storedResponse(receipt->id, StatusCode::Created);
    case ReceiptStore::InsertResult::AlreadyStored:
        return storedResponse(receipt->id, StatusCode::Ok);
    case ReceiptStore::InsertResult::Conflict:
        break;
    }
    return errorResponse(StatusCode::Conflict,
                         QStringLiteral("Receipt %1 is already stored with other content").arg(receipt->id));
}

QHttpServerResponse ReceiptRoutes::listReceipts(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const qint64 limit = query.integer(QStringLiteral("limit"), 100, 1, 1000);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    ReceiptFilter filter;
    filter.start = query.startBound(QStringLiteral("start_date"));
    filter.end = query.endBound(QStringLiteral("end_date"));
    filter.model = query.text(QStringLiteral("model"));
    filter.alias = query.text(QStringLiteral("alias"));
    query.checkStartBeforeEnd(filter.start, filter.end);
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    qint64 total = 0;
    const QList<StoredReceipt> receipts = ReceiptStore(context.database()).list(context.projectId, filter, limit, offset, &total);
    QByteArrayList items;
    for (const StoredReceipt &stored : receipts)
        items.append(receiptText(stored));
    const QByteArray json = "{\"receipts\":[" + items.join(',') + "],\"total\":" + QByteArray::number(total)
        + ",\"limit\":" + QByteArray::number(limit) + ",\"offset\":" + QByteArray::number(offset) + '}';
    return rawJsonResponse(json);
}

QHttpServerResponse ReceiptRoutes::getReceipt(RequestContext &context) const
{
    const QString receiptId = context.pathParameters.value(0);
    // An id that no receipt can have is simply not found, like one of another project.
    const std::optional<StoredReceipt> stored =
        Receipt::isValidId(receiptId) ? ReceiptStore(context.database()).find(context.projectId, receiptId)
                                      : std::nullopt;
    if (!stored)
        return errorResponse(StatusCode::NotFound, QStringLiteral("Receipt not found"));
    return rawJsonResponse(receiptText(*stored));
}

QHttpServerResponse ReceiptRoutes::issueReceipt(RequestContext &context) const
{
    if (!m_keys->canSign())
        return errorResponse(StatusCode::ServiceUnavailable, QStringLiteral("Receipt signing key not configured"));

    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    std::optional<Receipt> receipt =
        Receipt::fromJson(*body, Receipt::Purpose::Unsigned, QJsonArray{QStringLiteral("body")}, errors);
    if (!receipt)
        return errorResponse(HttpError::validation(errors));

    const SignedReceipt signedReceipt = signReceipt(*receipt, *m_keys);
    const QByteArray &canonical = signedReceipt.canonicalMembers;
    const QByteArray &signature = signedReceipt.signature;
    const Timestamp signedAt = *Timestamp::parse(receipt->timestamp);
    const auto result = ReceiptStore(context.database()).insert(context.projectId, *receipt, canonical, signature, signedAt);
    if (result != ReceiptStore::InsertResult::Created) {
        return errorResponse(StatusCode::Conflict,
                             QStringLiteral("Receipt id %1 is already used in this project").arg(receipt->id));
    }
    return rawJsonResponse(receiptText(StoredReceipt{canonical, signature}), StatusCode::Created);
}

} // namespace llmring
