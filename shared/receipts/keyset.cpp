// SPDX-License-Identifier: MIT

#include "receipts/keyset.h"

#include "json/strictjsonparser.h"
#include "receipts/base64.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace llmring::receipts {

namespace {

constexpr QByteArrayView PemBegin = "-----BEGIN PUBLIC KEY-----";
constexpr QByteArrayView PemEnd = "-----END PUBLIC KEY-----";

// DER of an Ed25519 SubjectPublicKeyInfo before the 32 key bytes (RFC 8410 section 4):
// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING with no unused bits }.
// The length is given because the prefix ends in a zero byte.
constexpr QByteArrayView SpkiPrefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// Adds the JWK `jwk` to `keys` when its curve is Ed25519. Returns false with *error set
// when it is an Ed25519 key that cannot be used.
bool addJwk(const QJsonObject &jwk, KeySet &keys, QString *error)
{
    if (jwk.value("crv"_L1) != QJsonValue("Ed25519"_L1))
        return true;
    const QString keyId = jwk.value("kid"_L1).toString();
    if (keyId.isEmpty()) {
        setError(error, u"an Ed25519 key has no \"kid\""_s);
        return false;
    }
    QString problem;
    const std::optional<VerifyingKey> key = VerifyingKey::fromBase64(jwk.value("x"_L1).toString().toLatin1(), &problem);
    if (!key) {
        setError(error, u"key %1: %2"_s.arg(keyId, problem));
        return false;
    }
    keys.insert(keyId, *key);
    return true;
}

std::optional<QJsonObject> parseObject(QByteArrayView text, QString *error)
{
    json::ParseError parseError;
    const std::optional<QJsonValue> parsed = json::parse(text, &parseError);
    if (!parsed) {
        setError(error, u"not valid JSON: %1 at byte %2"_s.arg(parseError.message).arg(parseError.offset));
        return std::nullopt;
    }
    if (!parsed->isObject()) {
        setError(error, u"not a JSON Web Key Set: a JSON object is expected"_s);
        return std::nullopt;
    }
    return parsed->toObject();
}

std::optional<KeySet> fromKeySetObject(const QJsonObject &object, QString *error)
{
    if (!object.value("keys"_L1).isArray()) {
        setError(error, u"not a JSON Web Key Set: the \"keys\" array is missing"_s);
        return std::nullopt;
    }
    KeySet keys;
    for (const QJsonValue &entry : object.value("keys"_L1).toArray()) {
        if (!addJwk(entry.toObject(), keys, error))
            return std::nullopt;
    }
    return keys;
}

std::optional<KeySet> fromSingleJwk(const QJsonObject &jwk, QString *error)
{
    if (jwk.value("crv"_L1) != QJsonValue("Ed25519"_L1)) {
        setError(error, u"the JSON Web Key is not an Ed25519 key"_s);
        return std::nullopt;
    }
    KeySet keys;
    if (!addJwk(jwk, keys, error))
        return std::nullopt;
    return keys;
}

std::optional<VerifyingKey> fromPem(QByteArrayView text, QString *error)
{
    const qsizetype endAt = text.indexOf(PemEnd);
    if (endAt < 0) {
        setError(error, u"the PEM text has no \"-----END PUBLIC KEY-----\" line"_s);
        return std::nullopt;
    }
    // The body is base64 split into lines; the decoder accepts no white space.
    QByteArray body = text.sliced(PemBegin.size(), endAt - PemBegin.size()).toByteArray();
    body.removeIf([](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
    const std::optional<QByteArray> der = decodeBase64(body);
    if (!der) {
        setError(error, u"the PEM body is not valid base64"_s);
        return std::nullopt;
    }
    if (der->size() != SpkiPrefix.size() + VerifyingKey::Size || !der->startsWith(SpkiPrefix)) {
        setError(error, u"the PEM key is not an Ed25519 SubjectPublicKeyInfo"_s);
        return std::nullopt;
    }
    return VerifyingKey::fromBytes(QByteArrayView(*der).sliced(SpkiPrefix.size()), error);
}

} // namespace

std::optional<KeySet> KeySet::fromJwks(QByteArrayView text, QString *error)
{
    const std::optional<QJsonObject> object = parseObject(text, error);
    return object ? fromKeySetObject(*object, error) : std::nullopt;
}

std::optional<KeySet> KeySet::fromKeyFile(QByteArrayView text, QString *error)
{
    const QByteArrayView trimmed = text.trimmed();
    if (trimmed.startsWith('{')) {
        const std::optional<QJsonObject> object = parseObject(trimmed, error);
        if (!object)
            return std::nullopt;
        if (!object->contains("keys"_L1) && object->contains("kty"_L1))
            return fromSingleJwk(*object, error);
        return fromKeySetObject(*object, error);
    }

    std::optional<VerifyingKey> key;
    if (trimmed.startsWith(PemBegin)) {
        key = fromPem(trimmed, error);
    } else if (trimmed.startsWith("-----"_ba)) {
        setError(error, u"the PEM text is not a public key: \"-----BEGIN PUBLIC KEY-----\" is expected"_s);
        return std::nullopt;
    } else {
        key = VerifyingKey::fromBase64(trimmed, error);
    }
    if (!key)
        return std::nullopt;
    KeySet keys;
    keys.insert(key->keyId(), *key);
    return keys;
}

void KeySet::insert(const QString &keyId, const VerifyingKey &key)
{
    for (auto &[id, existing] : m_keys) {
        if (id == keyId) {
            existing = key;
            return;
        }
    }
    m_keys.append({keyId, key});
}

const VerifyingKey *KeySet::keyFor(const QString &keyId) const
{
    for (const auto &[id, key] : m_keys) {
        if (id == keyId)
            return &key;
    }
    return nullptr;
}

QStringList KeySet::keyIds() const
{
    QStringList ids;
    for (const auto &entry : m_keys)
        ids.append(entry.first);
    return ids;
}

} // namespace llmring::receipts
