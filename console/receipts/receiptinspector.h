// SPDX-License-Identifier: MIT
// Inspects receipts from the server or from files: fetches what is needed over the API
// and verifies locally with the shared receipt code.

#pragma once

#include "receiptinspection.h"

#include "api/apiclient.h"
#include "receipts/keyset.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace llmring::console {

// The outcome of comparing a receipt file with the copy the server stores under the same id.
struct ReceiptComparison
{
    enum class Status {
        NotCompared, // the file has no usable id, or is not a JSON object
        NotStored,   // the server has no receipt with that id (404)
        Compared,    // `differences` lists every member that differs (none when identical)
        Failed,      // the request for the stored copy failed, and `error` gives the reason
    };

    Status status = Status::NotCompared;
    QString receiptId;
    QList<MemberDifference> differences;
    QString error;
};

// Runs one inspection at a time, and starting another cancels the one in flight. Receipts
// are verified against the server's published keys (GET /receipts/public-keys.json,
// fetched once per server and kept until clearKeyCache()) unless a key file was set.
class ReceiptInspector final : public QObject
{
    Q_OBJECT

public:
    explicit ReceiptInspector(api::ApiClient &client, QObject *parent = nullptr);
    ~ReceiptInspector() override;

    // Verifies against `keys`, read from the file `path`, instead of the server's keys.
    void setKeyFile(const QString &path, const receipts::KeySet &keys);
    // Verifies against the server's published keys again.
    void useServerKeys();
    bool usesKeyFile() const { return m_keyFileKeys.has_value(); }
    QString keyFilePath() const { return m_keyFilePath; }

    // Fetches the stored receipt (GET /api/v1/receipts/{id}) and verifies exactly the
    // members and signature the server returned.
    void inspectStored(const QString &receiptId);
    // Verifies `text`, then compares it with the server's copy of the same id, which
    // comparisonFinished() reports.
    void inspectText(const QByteArray &text);

    void cancel();
    // Drops the cached server keys, so the next inspection fetches them again.
    void clearKeyCache();
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void inspected(const llmring::console::ReceiptInspection &inspection);
    void comparisonFinished(const llmring::console::ReceiptComparison &comparison);
    // Emitted when a request of the inspection failed, with a message for the user.
    void failed(const QString &message);
    void busyChanged(bool busy);

private:
    using KeysReady = std::function<void(const KeyLookup *keys)>;

    // Calls `ready` with the keys to verify against, or with nullptr after failed() when
    // the server's keys cannot be fetched.
    void withKeys(const KeysReady &ready);
    void compareWithStored(const ReceiptInspection &fileInspection);
    // Makes `reply` the inspection's current request. `handler` runs when it finishes,
    // unless another inspection started meanwhile.
    void track(api::ApiReply *reply, const std::function<void(api::ApiReply *)> &handler);
    void setBusy(bool busy);

    api::ApiClient &m_client;
    QPointer<api::ApiReply> m_reply;
    bool m_busy = false;
    // Increased by every new inspection, so a late reply of an older one is ignored.
    quint64 m_generation = 0;

    std::optional<receipts::KeySet> m_serverKeys;
    QUrl m_serverKeysUrl;
    std::optional<receipts::KeySet> m_keyFileKeys;
    QString m_keyFilePath;
};

} // namespace llmring::console
