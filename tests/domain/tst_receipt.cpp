// SPDX-License-Identifier: MIT
// Receipt validation: required members and their types for signed and unsigned
// receipts, the defaults written on issue, and unknown members kept for the signature.

#include "domain/receipt.h"
#include "json/strictjsonparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using llmring::Receipt;
using llmring::ValidationErrors;

namespace {

const QByteArray SignedReceipt = R"({"id":"rcpt_5b0f0c2a9d4e4f7c","timestamp":"2025-08-26T12:00:00Z",
    "model":"openai:gpt-4o","alias":"summarizer","profile":"default","lock_digest":"sha256:3f1c",
    "key_id":"k_1a2b3c4d5e6f7a8b","tokens":{"input":1200,"output":350,"cached_input":200},
    "cost":{"amount":0.00625,"calculation":"1000*2.5/1e6 + 200*1.25/1e6 + 350*10/1e6"},
    "signature":"ed25519:abc"})";

QJsonObject parsed(const QByteArray &text)
{
    llmring::json::ParseError error;
    return llmring::json::parse(text, &error).value_or(QJsonValue()).toObject();
}

QJsonObject withMember(QJsonObject object, const QString &name, const QJsonValue &value)
{
    if (value.isUndefined())
        object.remove(name);
    else
        object.insert(name, value);
    return object;
}

QString firstError(const ValidationErrors &errors)
{
    if (errors.isEmpty())
        return QString();
    const auto &error = errors.errors().first();
    return QString::fromUtf8(QJsonDocument(error.loc).toJson(QJsonDocument::Compact)) + u' ' + error.msg;
}

} // namespace

class tst_Receipt final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signedReceiptRead();
    void unknownMembersKept();
    void invalidSignedReceipt_data();
    void invalidSignedReceipt();
    void unsignedReceiptGetsDefaults();
    void unsignedReceiptIgnoresSignature();
    void signedReceiptKeepsMembersAsGiven();
};

void tst_Receipt::signedReceiptRead()
{
    ValidationErrors errors;

    const auto receipt = Receipt::fromJson(parsed(SignedReceipt), Receipt::Purpose::Signed, {}, errors);

    QVERIFY2(receipt, qPrintable(firstError(errors)));
    QCOMPARE(receipt->id, QStringLiteral("rcpt_5b0f0c2a9d4e4f7c"));
    QCOMPARE(receipt->timestamp, QStringLiteral("2025-08-26T12:00:00Z"));
    QCOMPARE(receipt->model, QStringLiteral("openai:gpt-4o"));
    QCOMPARE(receipt->alias, QStringLiteral("summarizer"));
    QCOMPARE(receipt->keyId, QStringLiteral("k_1a2b3c4d5e6f7a8b"));
    QCOMPARE(receipt->inputTokens, 1200);
    QCOMPARE(receipt->outputTokens, 350);
    QCOMPARE(receipt->cachedInputTokens, 200);
    QCOMPARE(receipt->costAmount, 0.00625);
    QCOMPARE(receipt->signature, std::optional<QString>(QStringLiteral("ed25519:abc")));
    QVERIFY(!receipt->members.contains(QStringLiteral("signature")));
}

void tst_Receipt::unknownMembersKept()
{
    QJsonObject object = parsed(SignedReceipt);
    object.insert(QStringLiteral("client_extension"), QJsonObject{{QStringLiteral("nested"), true}});
    ValidationErrors errors;

    const auto receipt = Receipt::fromJson(object, Receipt::Purpose::Signed, {}, errors);

    QVERIFY(receipt);
    QCOMPARE(receipt->members.value(QStringLiteral("client_extension")),
             QJsonValue(QJsonObject{{QStringLiteral("nested"), true}}));
}

void tst_Receipt::invalidSignedReceipt_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expectedError");

    const QJsonValue absent(QJsonValue::Undefined);
    QTest::newRow("id missing") << "id" << absent << R"(["body","id"] field required)";
    QTest::newRow("id with a space") << "id" << QJsonValue("rcpt 1")
                                     << R"(["body","id"] must be 1 to 128 characters from A-Z a-z 0-9 _ . : -)";
    QTest::newRow("id of 129 characters") << "id" << QJsonValue(QString(129, u'a'))
                                          << R"(["body","id"] must be at most 128 characters)";
    QTest::newRow("timestamp a date") << "timestamp" << QJsonValue("2025-08-26")
                                      << R"(["body","timestamp"] must be an RFC 3339 timestamp)";
    QTest::newRow("timestamp a number") << "timestamp" << QJsonValue(1) << R"(["body","timestamp"] must be a string)";
    QTest::newRow("model missing") << "model" << absent << R"(["body","model"] field required)";
    QTest::newRow("alias null") << "alias" << QJsonValue(QJsonValue::Null) << R"(["body","alias"] field required)";
    QTest::newRow("lock_digest a number") << "lock_digest" << QJsonValue(3)
                                          << R"(["body","lock_digest"] must be a string)";
    QTest::newRow("key_id missing") << "key_id" << absent << R"(["body","key_id"] field required)";
    QTest::newRow("signature missing") << "signature" << absent << R"(["body","signature"] field required)";
    QTest::newRow("tokens missing") << "tokens" << absent << R"(["body","tokens"] field required)";
    QTest::newRow("tokens an array") << "tokens" << QJsonValue(QJsonArray{}) << R"(["body","tokens"] must be an object)";
    QTest::newRow("tokens.input negative") << "tokens" << QJsonValue(QJsonObject{{"input", -1}, {"output", 1}})
                                           << R"(["body","tokens","input"] must be >= 0)";
    QTest::newRow("tokens.output fraction") << "tokens" << QJsonValue(QJsonObject{{"input", 1}, {"output", 1.5}})
                                            << R"(["body","tokens","output"] must be an integer)";
    QTest::newRow("cost.amount missing") << "cost" << QJsonValue(QJsonObject{{"calculation", "x"}})
                                         << R"(["body","cost","amount"] field required)";
    QTest::newRow("cost.amount negative") << "cost" << QJsonValue(QJsonObject{{"amount", -1}, {"calculation", "x"}})
                                          << R"(["body","cost","amount"] must be >= 0)";
    QTest::newRow("cost.calculation missing") << "cost" << QJsonValue(QJsonObject{{"amount", 1}})
                                              << R"(["body","cost","calculation"] field required)";
}

void tst_Receipt::invalidSignedReceipt()
{
    QFETCH(QString, member);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expectedError);
    ValidationErrors errors;

    const auto receipt = Receipt::fromJson(withMember(parsed(SignedReceipt), member, value), Receipt::Purpose::Signed,
                                           QJsonArray{QStringLiteral("body")}, errors);

    QVERIFY(!receipt);
    QCOMPARE(firstError(errors), expectedError);
}

void tst_Receipt::unsignedReceiptGetsDefaults()
{
    const QJsonObject object = parsed(R"({"model":"m","alias":"a","lock_digest":"d",
        "tokens":{"input":1,"output":2},"cost":{"amount":0,"calculation":"0"}})");
    ValidationErrors errors;

    const auto receipt = Receipt::fromJson(object, Receipt::Purpose::Unsigned, {}, errors);

    QVERIFY2(receipt, qPrintable(firstError(errors)));
    QCOMPARE(receipt->members.value(QStringLiteral("profile")), QJsonValue(QStringLiteral("default")));
    QCOMPARE(receipt->members.value(QStringLiteral("tokens")).toObject().value(QStringLiteral("cached_input")),
             QJsonValue(0));
    QVERIFY(receipt->id.isEmpty());
    QVERIFY(receipt->timestamp.isEmpty());
    QVERIFY(!receipt->signature);
}

void tst_Receipt::unsignedReceiptIgnoresSignature()
{
    ValidationErrors errors;

    const auto receipt = Receipt::fromJson(parsed(SignedReceipt), Receipt::Purpose::Unsigned, {}, errors);

    QVERIFY(receipt);
    QVERIFY(!receipt->signature);
    QVERIFY(!receipt->members.contains(QStringLiteral("signature")));
}

void tst_Receipt::signedReceiptKeepsMembersAsGiven()
{
    const QJsonObject object = withMember(parsed(SignedReceipt), QStringLiteral("profile"), QJsonValue::Undefined);
    ValidationErrors errors;

    const auto receipt = Receipt::fromJson(object, Receipt::Purpose::Signed, {}, errors);

    QVERIFY(receipt);
    QCOMPARE(receipt->profile, QStringLiteral("default"));
    QVERIFY(!receipt->members.contains(QStringLiteral("profile")));
    QCOMPARE(receipt->members.value(QStringLiteral("tokens")).toObject().size(), 3);
}

QTEST_APPLESS_MAIN(tst_Receipt)
#include "tst_receipt.moc"
