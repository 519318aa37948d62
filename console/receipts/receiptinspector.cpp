// SPDX-License-Identifier: MIT

#include "receiptinspector.h"

#include "domain/receipt.h"
#include "json/strictjsonparser.h"


namespace llmring::console {

namespace {

constexpr int HttpNotFound = 404;

KeyLookup lookupIn(const receipts::KeySet &keys)
{
    return [&keys](const QString &keyId) { return keys.keyFor(keyId); };
}

} // namespace

ReceiptInspector::ReceiptInspector(api::ApiClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

ReceiptInspector::~ReceiptInspector()
{
    api::discardReply(m_reply, this);
}

void ReceiptInspector::setKeyFile(const QString &path, const receipts::KeySet &keys)
{
    m_keyFilePath = path;
    m_keyFileKeys = keys;
}

void ReceiptInspector::useServerKeys()
{
    m_keyFilePath.clear();
    m_keyFileKeys.reset();
}

void ReceiptInspector::inspectStored(const QString &receiptId)
{
    api::discardReply(m_reply, this);
    ++m_generation;
    track(m_client.receipt(receiptId), [this](api::ApiReply *reply) {
        if (!reply->isSuccess()) {
            Q_EMIT failed(reply->errorMessage());
            return;
        }
        // The raw body, not a re-serialized copy, so exactly what the server returned is
        // verified.
        const QByteArray text = reply->body();
        withKeys([this, text](const KeyLookup *keys) { Q_EMIT inspected(inspectReceipt(text, keys)); });
    });
}

void ReceiptInspector::inspectText(const QByteArray &text)
{
    api::discardReply(m_reply, this);
    ++m_generation;
    withKeys([this, text](const KeyLookup *keys) {
        const ReceiptInspection inspection = inspectReceipt(text, keys);
        Q_EMIT inspected(inspection);
        compareWithStored(inspection);
    });
    setBusy(!m_reply.isNull());
}

void ReceiptInspector::cancel()
{
    api::discardReply(m_reply, this);
    ++m_generation;
    setBusy(false);
}

void ReceiptInspector::clearKeyCache()
{
    m_serverKeys.reset();
    m_serverKeysUrl.clear();
}

void ReceiptInspector::withKeys(const KeysReady &ready)
{
    if (m_keyFileKeys) {
        const KeyLookup lookup = lookupIn(*m_keyFileKeys);
        ready(&lookup);
        return;
    }
    // The cache belongs to one server: a changed connection must not verify with the
    // keys of the previous one.
    if (m_serverKeys && m_serverKeysUrl == m_client.server()) {
        const KeyLookup lookup = lookupIn(*m_serverKeys);
        ready(&lookup);
        return;
    }
    const QUrl server = m_client.server();
    track(m_client.publicKeys(), [this, ready, server](api::ApiReply *reply) {
        if (!reply->isSuccess()) {
            Q_EMIT failed(tr("Cannot fetch the server's receipt keys: %1").arg(reply->errorMessage()));
            ready(nullptr);
            return;
        }
        QString error;
        std::optional<receipts::KeySet> keys = receipts::KeySet::fromJwks(reply->body(), &error);
        if (!keys) {
            Q_EMIT failed(tr("The server's receipt keys (/receipts/public-keys.json) are unusable: %1").arg(error));
            ready(nullptr);
            return;
        }
        m_serverKeys = std::move(keys);
        m_serverKeysUrl = server;
        const KeyLookup lookup = lookupIn(*m_serverKeys);
        ready(&lookup);
    });
}

void ReceiptInspector::compareWithStored(const ReceiptInspection &fileInspection)
{
    ReceiptComparison comparison;
    comparison.receiptId = fileInspection.receiptId;
    if (!fileInspection.isObject || !Receipt::isValidId(fileInspection.receiptId)) {
        Q_EMIT comparisonFinished(comparison);
        return;
    }
    const QJsonObject fileReceipt = fileInspection.object;
    track(m_client.receipt(fileInspection.receiptId), [this, comparison, fileReceipt](api::ApiReply *reply) mutable {
        if (reply->status() == HttpNotFound) {
            comparison.status = ReceiptComparison::Status::NotStored;
        } else if (!reply->isSuccess()) {
            comparison.status = ReceiptComparison::Status::Failed;
            comparison.error = reply->errorMessage();
        } else if (const std::optional<QJsonValue> stored = json::parse(reply->body(), nullptr);
                   stored && stored->isObject()) {
            comparison.status = ReceiptComparison::Status::Compared;
            comparison.differences = compareMembers(fileReceipt, stored->toObject());
        } else {
            comparison.status = ReceiptComparison::Status::Failed;
            comparison.error = tr("The server's copy of receipt %1 is not a JSON object.").arg(comparison.receiptId);
        }
        Q_EMIT comparisonFinished(comparison);
    });
}

void ReceiptInspector::track(api::ApiReply *reply, const std::function<void(api::ApiReply *)> &handler)
{
    m_reply = reply;
    const quint64 generation = m_generation;
    connect(reply, &api::ApiReply::finished, this, [this, reply, generation, handler] {
        if (generation != m_generation || reply != m_reply)
            return;
        m_reply.clear();
        handler(reply);
        // The handler may have sent the next request of the same inspection.
        setBusy(!m_reply.isNull());
    });
    setBusy(true);
}

void ReceiptInspector::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

} // namespace llmring::console
