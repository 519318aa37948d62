// SPDX-License-Identifier: MIT

#include "receipts/receiptverifier.h"

#include "domain/receipt.h"
#include "json/canonicaljson.h"
#include "json/strictjsonparser.h"
#include "receipts/signatureencoding.h"

namespace llmring {

namespace {

QJsonValue stringMember(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    return value.isString() ? value : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject ReceiptVerification::toJson() const
{
    QJsonObject object{
        {QStringLiteral("valid"), valid},
        {QStringLiteral("key_id"), keyId},
        {QStringLiteral("receipt_id"), receiptId},
    };
    if (!valid)
        object.insert(QStringLiteral("reason"), reason);
    return object;
}

ReceiptVerification verifyReceipt(QByteArrayView receiptText, const KeyLookup &keyFor)
{
    ReceiptVerification result{false, QJsonValue(QJsonValue::Null), QJsonValue(QJsonValue::Null), QString()};
    json::ParseError parseError;
    const std::optional<QJsonValue> parsed = json::parse(receiptText, &parseError);
    if (!parsed || !parsed->isObject()) {
        result.reason = QStringLiteral("malformed receipt");
        return result;
    }
    const QJsonObject object = parsed->toObject();
    result.keyId = stringMember(object, QStringLiteral("key_id"));
    result.receiptId = stringMember(object, QStringLiteral("id"));

    ValidationErrors errors;
    const std::optional<Receipt> receipt = Receipt::fromJson(object, Receipt::Purpose::Signed, {}, errors);
    if (!receipt) {
        result.reason = QStringLiteral("malformed receipt");
        return result;
    }
    const auto signature = receipts::decodeSignature(*receipt->signature, nullptr);
    if (!signature) {
        result.reason = QStringLiteral("malformed signature");
        return result;
    }
    const receipts::VerifyingKey *key = keyFor(receipt->keyId);
    if (!key) {
        result.reason = QStringLiteral("unknown key_id");
        return result;
    }
    if (!key->verify(json::canonicalize(QJsonValue(receipt->members)), *signature)) {
        result.reason = QStringLiteral("bad signature");
        return result;
    }
    result.valid = true;
    return result;
}

} // namespace llmring
