// SPDX-License-Identifier: MIT
// A blocking HTTP client for tests, over QNetworkAccessManager.

#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>

namespace llmring::test {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct HttpResponse
{
    int status = 0; // 0 when no response arrived (connection failed or timed out)
    QByteArray body;
    HeaderList headers;
    QString networkError;

    QByteArray header(const QByteArray &name) const; // case-insensitive; empty if absent
    QJsonValue json() const;                         // QJsonValue::Undefined if not JSON
    QString detail() const;                          // the string `detail` of an error body
};

// Sends one request and waits for the response in a local event loop (at most
// `timeoutMs`), so tests read top to bottom. Use RawHttpClient for bytes that
// QNetworkAccessManager would not send.
class HttpClient
{
public:
    explicit HttpClient(const QUrl &baseUrl);

    HttpResponse get(const QString &pathAndQuery, const HeaderList &headers = {});
    // Sends `body` with Content-Type: application/json unless `headers` names one.
    HttpResponse post(const QString &pathAndQuery, const QByteArray &body, const HeaderList &headers = {});
    HttpResponse send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                      const HeaderList &headers = {});

    void setTimeout(int timeoutMs) { m_timeoutMs = timeoutMs; }

private:
    QUrl m_baseUrl;
    QNetworkAccessManager m_network;
    int m_timeoutMs = 15000;
};

// {"X-API-Key": key}
HeaderList apiKey(const QByteArray &key);

} // namespace llmring::test
