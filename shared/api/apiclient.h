// SPDX-License-Identifier: MIT
// The asynchronous client of the llmring HTTP API that the console uses.

#pragma once

#include "apireply.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>

namespace llmring::api {

// Filters and paging of GET /api/v1/logs.
struct LogQuery
{
    QDateTime start; // invalid: no lower bound
    QDateTime end;   // invalid: no upper bound
    QString provider;
    QString model;
    QString alias;
    QString origin;
    QString profile;
    bool oldestFirst = false;
    int limit = 50;
    int offset = 0;

    // The query items, without empty filters.
    QUrlQuery toUrlQuery() const;
};

// Filters and paging of GET /api/v1/receipts.
struct ReceiptQuery
{
    QDateTime start;
    QDateTime end;
    QString model;
    QString alias;
    int limit = 100;
    int offset = 0;

    QUrlQuery toUrlQuery() const;
};

// Sends requests to one service with one project key. Every call returns at once with
// an ApiReply that reports the outcome through its finished() signal; nothing blocks the
// calling thread. Changing the server or key affects later calls only.
class ApiClient final : public QObject
{
    Q_OBJECT

public:
    explicit ApiClient(QObject *parent = nullptr);

    // `baseUrl` is the service root, such as http://127.0.0.1:8000.
    void setServer(const QUrl &baseUrl);
    QUrl server() const { return m_server; }
    void setApiKey(const QString &key);
    QString apiKey() const { return m_apiKey; }

    // Up to 8 hex digits of the key's SHA-256, the same fingerprint the service logs,
    // so a key can be named without showing it.
    static QString keyFingerprint(const QString &key);

    // Calls without any byte received for this long end with ApiError::TimedOut.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    enum class Access { Public, Project };

    // A GET of `path` (such as "/api/v1/stats") relative to the server, with X-API-Key
    // for Project access. The reply is a child of this client.
    ApiReply *get(const QString &path, const QUrlQuery &query = {}, Access access = Access::Project,
                  bool expectJson = true);

    ApiReply *serviceInfo();
    ApiReply *health();
    // `groupBy` is "day", "week" or "month".
    ApiReply *stats(const QDateTime &start, const QDateTime &end, const QString &groupBy);
    ApiReply *logs(const LogQuery &query);
    // The same rows as CSV (format=csv).
    ApiReply *logsCsv(const LogQuery &query);
    ApiReply *receipts(const ReceiptQuery &query);
    ApiReply *receipt(const QString &receiptId);
    ApiReply *publicKeys();
    ApiReply *registry();

    // RFC 3339 in UTC with microseconds, as the API reads it.
    static QString timeParameter(const QDateTime &time);

private:
    QNetworkAccessManager m_network;
    QUrl m_server;
    QString m_apiKey;
    std::chrono::milliseconds m_timeout{30000};
};

} // namespace llmring::api
