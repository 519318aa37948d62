// SPDX-License-Identifier: MIT

#include "receiptcommands.h"

#include "domain/receipt.h"
#include "json/canonicaljson.h"
#include "json/strictjsonparser.h"
#include "receipts/receiptkeys.h"
#include "receipts/receiptsigner.h"
#include "receipts/receiptverifier.h"
#include "receipts/signingkey.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace llmring {

namespace {

enum ExitCode { Success = 0, Failure = 1, UsageError = 2 };

constexpr int ServerTimeoutMs = 15000;

std::optional<QByteArray> readInput(const QString &file, QTextStream &err)
{
    QFile input;
    const bool opened = file == QLatin1String("-") ? input.open(stdin, QIODevice::ReadOnly)
                                                   : (input.setFileName(file), input.open(QIODevice::ReadOnly));
    if (!opened) {
        err << "llmring-server: cannot read " << file << ": " << input.errorString() << Qt::endl;
        return std::nullopt;
    }
    return input.readAll();
}

// Keys by key id. A list, because VerifyingKey has no default constructor.
using KeyTable = QList<std::pair<QString, receipts::VerifyingKey>>;

const receipts::VerifyingKey *findKey(const KeyTable &keys, const QString &keyId)
{
    for (const auto &[id, key] : keys) {
        if (id == keyId)
            return &key;
    }
    return nullptr;
}

// Reads a JSON Web Key Set: every Ed25519 key under its `kid`.
std::optional<KeyTable> keysFromJwks(const QByteArray &text, const QString &source, QTextStream &err)
{
    json::ParseError parseError;
    const auto parsed = json::parse(text, &parseError);
    if (!parsed || !parsed->toObject().value(QStringLiteral("keys")).isArray()) {
        err << "llmring-server: " << source << " is not a JSON Web Key Set with a \"keys\" array" << Qt::endl;
        return std::nullopt;
    }
    KeyTable keys;
    for (const QJsonValue &entry : parsed->toObject().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject jwk = entry.toObject();
        if (jwk.value(QStringLiteral("crv")) != QJsonValue(QStringLiteral("Ed25519")))
            continue;
        QString problem;
        const auto key = receipts::VerifyingKey::fromBase64(jwk.value(QStringLiteral("x")).toString().toLatin1(), &problem);
        if (!key) {
            err << "llmring-server: key " << jwk.value(QStringLiteral("kid")).toString() << " in " << source << ": "
                << problem << Qt::endl;
            return std::nullopt;
        }
        keys.append({jwk.value(QStringLiteral("kid")).toString(), *key});
    }
    return keys;
}

std::optional<QByteArray> fetchKeySet(const QString &serverUrl, QTextStream &err)
{
    QString base = serverUrl;
    while (base.endsWith(u'/'))
        base.chop(1);
    const QUrl url(base + QStringLiteral("/receipts/public-keys.json"));
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QEventLoop loop;
    QTimer::singleShot(ServerTimeoutMs, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (!reply->isFinished()) {
        reply->abort();
        err << "llmring-server: " << url.toString() << " did not answer within " << ServerTimeoutMs / 1000 << " s"
            << Qt::endl;
        return std::nullopt;
    }
    if (reply->error() != QNetworkReply::NoError) {
        err << "llmring-server: cannot fetch " << url.toString() << ": " << reply->errorString() << Qt::endl;
        return std::nullopt;
    }
    return reply->readAll();
}

std::optional<KeyTable> verificationKeys(const VerificationKeySource &source, const QProcessEnvironment &environment,
                                         QTextStream &err)
{
    if (!source.publicKey.isEmpty()) {
        QString problem;
        const auto key = receipts::VerifyingKey::fromBase64(source.publicKey.trimmed().toLatin1(), &problem);
        if (!key) {
            err << "llmring-server: --public-key is invalid: " << problem << Qt::endl;
            return std::nullopt;
        }
        return KeyTable{{source.keyId.isEmpty() ? key->keyId() : source.keyId, *key}};
    }
    if (!source.jwksFile.isEmpty()) {
        const auto text = readInput(source.jwksFile, err);
        return text ? keysFromJwks(*text, source.jwksFile, err) : std::nullopt;
    }
    if (!source.serverUrl.isEmpty()) {
        const auto text = fetchKeySet(source.serverUrl, err);
        return text ? keysFromJwks(*text, source.serverUrl, err) : std::nullopt;
    }
    QString error;
    const auto keys = ReceiptKeys::fromEnvironment(environment, &error);
    if (!keys) {
        err << "llmring-server: " << error << Qt::endl;
        return std::nullopt;
    }
    return keysFromJwks(QJsonDocument(keys->toJwks()).toJson(), QStringLiteral("the LLMRING_RECEIPTS_* keys"), err);
}

int canonicalize(const QByteArray &text, QTextStream &out, QTextStream &err)
{
    json::ParseError error;
    const auto parsed = json::parse(text, &error);
    if (!parsed || !parsed->isObject()) {
        err << "llmring-server: the receipt is not a JSON object"
            << (parsed ? QString() : QStringLiteral(": %1 at byte %2").arg(error.message).arg(error.offset)) << Qt::endl;
        return Failure;
    }
    // The signed message: every member but `signature`.
    out << QString::fromUtf8(json::canonicalizeWithout(parsed->toObject(), u"signature")) << Qt::endl;
    return Success;
}

int sign(const QByteArray &text, const QProcessEnvironment &environment, QTextStream &out, QTextStream &err)
{
    QString error;
    const auto keys = ReceiptKeys::fromEnvironment(environment, &error);
    if (!keys) {
        err << "llmring-server: " << error << Qt::endl;
        return UsageError;
    }
    if (!keys->canSign()) {
        err << "llmring-server: no signing key: set LLMRING_RECEIPTS_PRIVATE_KEY_B64 (see llmring-server keygen)"
            << Qt::endl;
        return UsageError;
    }
    json::ParseError parseError;
    const auto parsed = json::parse(text, &parseError);
    if (!parsed) {
        err << "llmring-server: the receipt is not valid JSON: " << parseError.message << " at byte "
            << parseError.offset << Qt::endl;
        return Failure;
    }
    ValidationErrors errors;
    std::optional<Receipt> receipt = Receipt::fromJson(*parsed, Receipt::Purpose::Unsigned, {}, errors);
    if (!receipt) {
        for (const FieldError &problem : errors.errors()) {
            QStringList path;
            for (const QJsonValue &part : problem.loc)
                path.append(part.isString() ? part.toString() : QString::number(part.toInteger()));
            err << "llmring-server: receipt member " << path.join(u'.') << ": " << problem.msg << Qt::endl;
        }
        return Failure;
    }
    const SignedReceipt signedReceipt = signReceipt(*receipt, *keys);
    out << QString::fromUtf8(signedReceiptText(signedReceipt.canonicalMembers, signedReceipt.signature)) << Qt::endl;
    return Success;
}

int verify(const QByteArray &text, const VerificationKeySource &source, const QProcessEnvironment &environment,
           QTextStream &out, QTextStream &err)
{
    const auto keys = verificationKeys(source, environment, err);
    if (!keys)
        return UsageError;
    const ReceiptVerification result =
        verifyReceipt(text, [&keys](const QString &keyId) { return findKey(*keys, keyId); });
    const QString receiptId = result.receiptId.isString() ? result.receiptId.toString() : QStringLiteral("(no id)");
    const QString keyId = result.keyId.isString() ? result.keyId.toString() : QStringLiteral("(no key_id)");
    if (result.valid) {
        out << "valid: receipt " << receiptId << " is signed by key " << keyId << Qt::endl;
        return Success;
    }
    out << "invalid: " << result.reason << " (receipt " << receiptId << ", key_id " << keyId << ")" << Qt::endl;
    return Failure;
}

} // namespace

int runKeygen(QTextStream &out, QTextStream &err)
{
    const auto key = receipts::SigningKey::generate();
    if (!key) {
        err << "llmring-server: libsodium could not be initialized" << Qt::endl;
        return Failure;
    }
    QByteArray seed = key->seed();
    const receipts::VerifyingKey publicKey = key->publicKey();
    const auto encode = [](const QByteArray &bytes) {
        return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    out << "LLMRING_RECEIPTS_PRIVATE_KEY_B64=" << encode(seed) << '\n'
        << "LLMRING_RECEIPTS_PUBLIC_KEY_B64=" << encode(publicKey.bytes()) << '\n'
        << "LLMRING_RECEIPTS_KEY_ID=" << publicKey.keyId() << Qt::endl;
    seed.fill('\0');
    return Success;
}

int runReceiptCommand(const QString &subcommand, const QString &file, const VerificationKeySource &keySource,
                      const QProcessEnvironment &environment, QTextStream &out, QTextStream &err)
{
    const auto text = readInput(file, err);
    if (!text)
        return Failure;
    if (subcommand == QLatin1String("canonicalize"))
        return canonicalize(*text, out, err);
    if (subcommand == QLatin1String("sign"))
        return sign(*text, environment, out, err);
    return verify(*text, keySource, environment, out, err);
}

} // namespace llmring
