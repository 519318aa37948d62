// SPDX-License-Identifier: MIT
// One asynchronous call to the llmring HTTP API and its outcome.

#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkReply;

namespace llmring::api {

// The reason a call failed, so the console can tell the user what to do next.
enum class ApiError {
    None,
    Unreachable,     // no connection: refused, unknown host, network down, TLS failure
    TimedOut,        // no complete response within the client's timeout
    Canceled,        // abort() was called
    HttpStatus,      // the server responded with 4xx or 5xx; see status() and detail()
    InvalidResponse, // a 2xx response whose body is not the JSON the API returns
};

// The outcome of one request. It emits finished() once and deletes itself afterwards
// (deleteLater), so a receiver reads it in the slot connected to finished() and keeps
// nothing but the values it copied.
class ApiReply final : public QObject
{
    Q_OBJECT

public:
    // Takes ownership of `reply`. With `expectJson`, a 2xx body that is not JSON is an
    // InvalidResponse.
    ApiReply(QNetworkReply *reply, bool expectJson, QObject *parent = nullptr);
    ~ApiReply() override;

    bool isFinished() const { return m_finished; }
    bool isSuccess() const { return m_finished && m_error == ApiError::None; }
    ApiError error() const { return m_error; }

    // The HTTP status, or 0 when no response arrived.
    int status() const { return m_status; }
    QByteArray body() const { return m_body; }
    // The body parsed as JSON; undefined when it is not JSON.
    QJsonValue json() const { return m_json; }
    // A response header, matched case-insensitively; empty when absent.
    QByteArray header(const QByteArray &name) const;
    QUrl url() const { return m_url; }

    // The server's `detail`: its text, or for a 422 each item as "loc: msg" joined with
    // "; ". Empty when the body has none.
    QString detail() const { return m_detail; }

    // One sentence for the user: what failed and, where it helps, what to try next.
    QString errorMessage() const;

    // Cancels the call. A call in flight emits finished() with ApiError::Canceled before
    // abort() returns; after finished() it does nothing.
    void abort();

Q_SIGNALS:
    // Bytes of the body received so far and the total (-1 when unknown).
    void progress(qint64 received, qint64 total);
    void finished();

private:
    void onFinished();

    QPointer<QNetworkReply> m_reply;
    bool m_expectJson;
    bool m_finished = false;
    bool m_aborted = false;
    ApiError m_error = ApiError::None;
    int m_status = 0;
    QString m_networkError;
    QUrl m_url;
    QByteArray m_body;
    QJsonValue m_json{QJsonValue::Undefined}; // a default QJsonValue is null, which is JSON
    QString m_detail;
    QList<QPair<QByteArray, QByteArray>> m_headers;
};

// Stops `receiver` from hearing from the call in `reply`, cancels the call and clears
// the pointer; does nothing without a call. The reply still finishes, as canceled.
void discardReply(QPointer<ApiReply> &reply, const QObject *receiver);

} // namespace llmring::api
