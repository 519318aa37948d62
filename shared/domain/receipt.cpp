// SPDX-License-Identifier: MIT

#include "receipt.h"

#include "core/timestamp.h"
#include "fieldreader.h"

#include <QRegularExpression>

namespace llmring {

namespace {

// Long enough for any model, alias, digest or key id in use, and a bound on what a
// stored receipt's filter columns hold.
constexpr qsizetype MaxTextLength = 255;
constexpr qsizetype MaxCalculationLength = 4096;

QJsonArray childLoc(const QJsonArray &prefix, const QString &name)
{
    QJsonArray loc = prefix;
    loc.append(name);
    return loc;
}

} // namespace

bool Receipt::isValidId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.:-]{1,128}$"));
    return pattern.match(id).hasMatch();
}

std::optional<Receipt> Receipt::fromJson(const QJsonValue &value, Purpose purpose, const QJsonArray &locPrefix,
                                         ValidationErrors &errors)
{
    if (!value.isObject()) {
        errors.add(locPrefix, QStringLiteral("must be a JSON object"), ErrorType::TypeError);
        return std::nullopt;
    }

    Receipt receipt;
    receipt.members = value.toObject();
    const qsizetype errorsBefore = errors.errors().size();
    FieldReader reader(receipt.members, locPrefix, errors);
    const bool isSigned = purpose == Purpose::Signed;

    const auto readText = [&reader, isSigned](const QString &name, bool requiredWhenUnsigned, qsizetype maxLength) {
        if (isSigned || requiredWhenUnsigned)
            return reader.requiredString(name, 1, maxLength);
        return reader.optionalString(name, maxLength);
    };

    const auto id = readText(QStringLiteral("id"), false, 128);
    if (id && !isValidId(*id)) {
        errors.add(reader.locOf(QStringLiteral("id")),
                   QStringLiteral("must be 1 to 128 characters from A-Z a-z 0-9 _ . : -"), ErrorType::ValueError);
    }
    const auto timestamp = readText(QStringLiteral("timestamp"), false, 64);
    bool isDateOnly = false;
    if (timestamp && (!Timestamp::parse(*timestamp, &isDateOnly) || isDateOnly)) {
        errors.add(reader.locOf(QStringLiteral("timestamp")), QStringLiteral("must be an RFC 3339 timestamp"),
                   ErrorType::ValueError);
    }
    const auto model = readText(QStringLiteral("model"), true, MaxTextLength);
    const auto alias = readText(QStringLiteral("alias"), true, MaxTextLength);
    readText(QStringLiteral("lock_digest"), true, MaxTextLength);
    const auto keyId = readText(QStringLiteral("key_id"), false, MaxTextLength);
    const auto profile = reader.optionalString(QStringLiteral("profile"), MaxTextLength);
    reader.optionalString(QStringLiteral("registry_version"), MaxTextLength);

    // `signature` is not signed itself, so it leaves `members` once read (and an
    // unsigned receipt's signature is ignored).
    if (isSigned)
        receipt.signature = reader.requiredString(QStringLiteral("signature"), 1, 1024);

    std::optional<qint64> inputTokens;
    std::optional<qint64> outputTokens;
    std::optional<qint64> cachedInputTokens;
    QJsonObject tokens;
    if (!reader.has(QStringLiteral("tokens"))) {
        errors.add(reader.locOf(QStringLiteral("tokens")), QStringLiteral("field required"), ErrorType::Missing);
    } else if (const auto object = reader.optionalObject(QStringLiteral("tokens"))) {
        tokens = *object;
        FieldReader tokenReader(tokens, childLoc(locPrefix, QStringLiteral("tokens")), errors);
        inputTokens = tokenReader.requiredInteger(QStringLiteral("input"), 0, MaxInt32);
        outputTokens = tokenReader.requiredInteger(QStringLiteral("output"), 0, MaxInt32);
        cachedInputTokens = tokenReader.optionalInteger(QStringLiteral("cached_input"), 0, MaxInt32);
    }

    std::optional<double> costAmount;
    QJsonObject cost;
    if (!reader.has(QStringLiteral("cost"))) {
        errors.add(reader.locOf(QStringLiteral("cost")), QStringLiteral("field required"), ErrorType::Missing);
    } else if (const auto object = reader.optionalObject(QStringLiteral("cost"))) {
        cost = *object;
        FieldReader costReader(cost, childLoc(locPrefix, QStringLiteral("cost")), errors);
        if (!costReader.has(QStringLiteral("amount"))) {
            errors.add(costReader.locOf(QStringLiteral("amount")), QStringLiteral("field required"), ErrorType::Missing);
        } else {
            costAmount = costReader.optionalMoney(QStringLiteral("amount"));
        }
        costReader.requiredString(QStringLiteral("calculation"), 0, MaxCalculationLength);
    }

    receipt.members.remove(QStringLiteral("signature"));
    if (errors.errors().size() != errorsBefore)
        return std::nullopt;

    receipt.id = id.value_or(QString());
    receipt.timestamp = timestamp.value_or(QString());
    receipt.model = *model;
    receipt.alias = *alias;
    receipt.keyId = keyId.value_or(QString());
    receipt.profile = profile.value_or(QStringLiteral("default"));
    receipt.inputTokens = *inputTokens;
    receipt.outputTokens = *outputTokens;
    receipt.cachedInputTokens = cachedInputTokens.value_or(0);
    receipt.costAmount = *costAmount;

    if (!isSigned) {
        // The defaults become part of what is signed, so every verifier checks them too.
        receipt.members.insert(QStringLiteral("profile"), receipt.profile);
        tokens.insert(QStringLiteral("cached_input"), receipt.cachedInputTokens);
        receipt.members.insert(QStringLiteral("tokens"), tokens);
    }
    return receipt;
}

} // namespace llmring
