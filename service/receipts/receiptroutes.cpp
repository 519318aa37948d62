// SPDX-License-Identifier: MIT

#include "receiptroutes.h"

#include "domain/receipt.h"
#include "http/jsonresponse.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "json/canonicaljson.h"
#include "json/strictjsonparser.h"
#include "receiptkeys.h"
#include "receipts/signatureencoding.h"

#include <QJsonObject>

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

} // namespace llmring
