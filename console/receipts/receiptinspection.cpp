// SPDX-License-Identifier: MIT

#include "receiptinspection.h"

#include "domain/receipt.h"
#include "json/canonicaljson.h"
#include "json/strictjsonparser.h"
#include "receipts/signatureencoding.h"

#include <QJsonArray>
#include <QMap>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace llmring::console {

namespace {

const QString SignatureMember = u"signature"_s;

// verifyReceipt()'s reasons, which the verdict is derived from.
const QString MalformedReceipt = u"malformed receipt"_s;
const QString MalformedSignature = u"malformed signature"_s;
const QString UnknownKeyId = u"unknown key_id"_s;

void appendLeaves(const QJsonValue &value, const QString &path, QList<ReceiptMember> &members)
{
    if (value.isObject() && !value.toObject().isEmpty()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            appendLeaves(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), members);
        return;
    }
    if (value.isArray() && !value.toArray().isEmpty()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            appendLeaves(array.at(i), path + u'[' + QString::number(i) + u']', members);
        return;
    }
    members.append({path, value});
}

// The validation problems of a receipt object, such as "tokens.output: field required".
QString validationProblems(const ValidationErrors &errors)
{
    QStringList problems;
    for (const FieldError &error : errors.errors()) {
        QStringList path;
        for (const QJsonValue &part : error.loc)
            path.append(part.isString() ? part.toString() : QString::number(part.toInteger()));
        problems.append(path.isEmpty() ? error.msg : path.join(u'.') + u": "_s + error.msg);
    }
    return problems.join(u"; "_s);
}

// The detail behind verifyReceipt()'s two "malformed" reasons: the receipt's validation
// problems, or why its signature cannot be decoded.
QString malformedProblem(const QJsonObject &object, const QString &reason)
{
    if (reason == MalformedSignature) {
        QString error;
        receipts::decodeSignature(object.value(SignatureMember).toString(), &error);
        return error;
    }
    ValidationErrors errors;
    Receipt::fromJson(object, Receipt::Purpose::Signed, {}, errors);
    return validationProblems(errors);
}

bool sameSignature(const QJsonValue &fileValue, const QJsonValue &storedValue)
{
    const auto fileSignature = receipts::decodeSignature(fileValue.toString(), nullptr);
    const auto storedSignature = receipts::decodeSignature(storedValue.toString(), nullptr);
    if (fileSignature && storedSignature)
        return *fileSignature == *storedSignature;
    return fileValue == storedValue;
}

} // namespace

ReceiptInspection inspectReceipt(QByteArrayView text, const KeyLookup *keys)
{
    ReceiptInspection inspection;
    json::ParseError parseError;
    const std::optional<QJsonValue> parsed = json::parse(text, &parseError);
    if (!parsed || !parsed->isObject()) {
        inspection.verdict = ReceiptVerdict::Malformed;
        inspection.reason = MalformedReceipt;
        inspection.problem = parsed ? u"the text is not a JSON object"_s
                                    : u"%1 at byte %2"_s.arg(parseError.message).arg(parseError.offset);
        return inspection;
    }

    inspection.isObject = true;
    inspection.object = parsed->toObject();
    inspection.members = flattenMembers(inspection.object);
    inspection.canonicalForm = json::canonicalizeWithout(inspection.object, SignatureMember);
    inspection.receiptId = inspection.object.value("id"_L1).toString();
    inspection.keyId = inspection.object.value("key_id"_L1).toString();

    const KeyLookup noKeys = [](const QString &) -> const receipts::VerifyingKey * { return nullptr; };
    const ReceiptVerification verification = verifyReceipt(text, keys ? *keys : noKeys);
    inspection.reason = verification.reason;
    if (verification.valid) {
        inspection.verdict = ReceiptVerdict::Valid;
    } else if (verification.reason == MalformedReceipt || verification.reason == MalformedSignature) {
        inspection.verdict = ReceiptVerdict::Malformed;
        inspection.problem = malformedProblem(inspection.object, verification.reason);
    } else if (verification.reason == UnknownKeyId) {
        if (keys)
            inspection.verdict = ReceiptVerdict::UnknownKey;
        else
            inspection.reason.clear();
    } else {
        inspection.verdict = ReceiptVerdict::Invalid;
    }
    return inspection;
}

QList<ReceiptMember> flattenMembers(const QJsonObject &object)
{
    QList<ReceiptMember> members;
    for (auto it = object.begin(); it != object.end(); ++it)
        appendLeaves(it.value(), it.key(), members);
    return members;
}

QList<MemberDifference> compareMembers(const QJsonObject &fileReceipt, const QJsonObject &storedReceipt)
{
    QMap<QString, QJsonValue> fileValues;
    for (const ReceiptMember &member : flattenMembers(fileReceipt))
        fileValues.insert(member.path, member.value);
    QMap<QString, QJsonValue> storedValues;
    for (const ReceiptMember &member : flattenMembers(storedReceipt))
        storedValues.insert(member.path, member.value);

    QList<MemberDifference> differences;
    for (auto it = fileValues.cbegin(); it != fileValues.cend(); ++it) {
        const auto stored = storedValues.constFind(it.key());
        if (stored == storedValues.cend()) {
            differences.append({it.key(), MemberDifference::Kind::Added, it.value(), QJsonValue(QJsonValue::Undefined)});
            continue;
        }
        const bool equal = it.key() == SignatureMember
            ? sameSignature(it.value(), stored.value())
            : json::canonicalize(it.value()) == json::canonicalize(stored.value());
        if (!equal)
            differences.append({it.key(), MemberDifference::Kind::Changed, it.value(), stored.value()});
    }
    for (auto it = storedValues.cbegin(); it != storedValues.cend(); ++it) {
        if (!fileValues.contains(it.key()))
            differences.append({it.key(), MemberDifference::Kind::Removed, QJsonValue(QJsonValue::Undefined), it.value()});
    }
    std::sort(differences.begin(), differences.end(),
              [](const MemberDifference &a, const MemberDifference &b) { return a.path < b.path; });
    return differences;
}

QString displayValue(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(json::canonicalize(value));
}

} // namespace llmring::console
