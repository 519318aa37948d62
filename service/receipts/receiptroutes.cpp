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
#include "receiptstore.h"
#include "receipts/signatureencoding.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>

namespace llmring {

namespace {

QJsonValue stringMember(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    return value.isString() ? value : QJsonValue(QJsonValue::Null);
}

QHttpServerResponse verification(const QJsonObject &receipt, const QString &reason)
{
    QJsonObject body{
        {QStringLiteral("valid"), reason.isEmpty()},
        {QStringLiteral("key_id"), stringMember(receipt, QStringLiteral("key_id"))},
        {QStringLiteral("receipt_id"), stringMember(receipt, QStringLiteral("id"))},
    };
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return jsonResponse(body);
}

// The stored receipt as JSON text: its canonical members exactly as verified, with the
// signature added as the last member, re-encoded as unpadded base64url. The text is
// spliced rather than re-serialized, so no number or string is written differently.
QByteArray receiptText(const StoredReceipt &stored)
{
    QByteArray text = stored.canonicalMembers;
    text.chop(1); // the closing brace
    if (text.size() > 1)
        text += ',';
    return text + "\"signature\":\"" + receipts::encodeSignature(stored.signature).toLatin1() + "\"}";
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

// "rcpt_" and 16 random hex digits, from the operating system's generator.
QString newReceiptId()
{
    const quint64 value = QRandomGenerator::system()->generate64();
    return QStringLiteral("rcpt_%1").arg(value, 16, 16, QLatin1Char('0'));
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
    // The transport rules still apply (413, 415); a body the strict parser rejects is a
    // malformed receipt, duplicate members included, because its canonical form would be
    // ambiguous.
    HttpError error;
    const QByteArray body = context.request.body();
    if (!checkJsonBodyTransport(context.request, m_maxBodyBytes, &error))
        return errorResponse(error);
    json::ParseError parseError;
    const std::optional<QJsonValue> parsed = json::parse(body, &parseError);
    if (!parsed || !parsed->isObject())
        return verification(QJsonObject(), QStringLiteral("malformed receipt"));
    const QJsonObject object = parsed->toObject();

    ValidationErrors errors;
    const std::optional<Receipt> receipt = Receipt::fromJson(object, Receipt::Purpose::Signed, {}, errors);
    if (!receipt)
        return verification(object, QStringLiteral("malformed receipt"));

    const auto signature = receipts::decodeSignature(*receipt->signature, nullptr);
    if (!signature)
        return verification(object, QStringLiteral("malformed signature"));

    const receipts::VerifyingKey *key = m_keys->keyFor(receipt->keyId);
    if (!key)
        return verification(object, QStringLiteral("unknown key_id"));

    const QByteArray message = json::canonicalize(QJsonValue(receipt->members));
    if (!key->verify(message, *signature))
        return verification(object, QStringLiteral("bad signature"));
    return verification(object, QString());
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
    if (filter.start && filter.end && *filter.start >= *filter.end) {
        errors.add(QJsonArray{QStringLiteral("query"), QStringLiteral("start_date")},
                   QStringLiteral("must be before end_date"), ErrorType::ValueError);
    }
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

    if (receipt->id.isEmpty())
        receipt->id = newReceiptId();
    if (receipt->timestamp.isEmpty())
        receipt->timestamp = Timestamp::now().toRfc3339();
    receipt->keyId = m_keys->activeKeyId();
    receipt->members.insert(QStringLiteral("id"), receipt->id);
    receipt->members.insert(QStringLiteral("timestamp"), receipt->timestamp);
    receipt->members.insert(QStringLiteral("key_id"), receipt->keyId);

    const QByteArray canonical = json::canonicalize(QJsonValue(receipt->members));
    const QByteArray signature = m_keys->sign(canonical);
    const Timestamp signedAt = *Timestamp::parse(receipt->timestamp);
    const auto result = ReceiptStore(context.database()).insert(context.projectId, *receipt, canonical, signature, signedAt);
    if (result != ReceiptStore::InsertResult::Created) {
        return errorResponse(StatusCode::Conflict,
                             QStringLiteral("Receipt id %1 is already used in this project").arg(receipt->id));
    }
    return rawJsonResponse(receiptText(StoredReceipt{canonical, signature}), StatusCode::Created);
}

} // namespace llmring
