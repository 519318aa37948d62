// SPDX-License-Identifier: MIT
// Concurrent clients posting usage logs, for tests that disturb the service under load.

#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;

namespace llmring::test {

// One POST /api/v1/log and what came back.
struct LogAttempt
{
    int client = 0;
    QString idAtOrigin;
    qint64 sentAtMs = 0; // since LogLoadGenerator::start()
    qint64 finishedAtMs = -1;
    int status = 0; // 0 when no HTTP response arrived
    QByteArray body;
    // Set only when no HTTP response arrived (refused, closed, timed out).
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString errorString;

    bool isFinished() const { return finishedAtMs >= 0; }
    // The `log_id` of a 201 body; empty for any other body.
    QString logId() const;
    // One line for failure messages.
    QString describe() const;
};

// Runs `clients` clients, each with its own QNetworkAccessManager (so its own
// keep-alive connection), that post usage logs one after another with distinct
// `id_at_origin` values until stop() is called or a bound is reached.
// Every client runs on the thread that owns the generator, which must process
// events (QTest::qWait, QTRY_*) while the load runs.
class LogLoadGenerator final : public QObject
{
public:
    struct Options
    {
        int clients = 4;
        // Bounds on the load: a client stops after this many requests, and no client
        // sends after `maxDuration`.
        int maxRequestsPerClient = 1000;
        std::chrono::milliseconds maxDuration{30'000};
        // Pause between a response and the client's next request.
        std::chrono::milliseconds pause{5};
        // A request without a complete response after this long is aborted and recorded
        // with QNetworkReply::OperationCanceledError.
        std::chrono::milliseconds requestTimeout{10'000};
        // A client stops after its first ConnectionRefusedError.
        bool stopClientOnRefusal = false;
    };

    // `origin` goes into every body, beside the ids `<origin>-c<client>-<n>`.
    LogLoadGenerator(const QUrl &baseUrl, const QByteArray &apiKey, const QString &origin, const Options &options,
                     QObject *parent = nullptr);
    ~LogLoadGenerator() override;

    void start();
    // Clients send no new requests; those in flight still finish.
    void stop();
    // True once every client has finished its last request.
    bool isFinished() const;
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    const QList<LogAttempt> &attempts() const { return m_attempts; }
    int countStatus(int status) const;

private:
    struct Client
    {
        QNetworkAccessManager *network = nullptr;
        int sent = 0;
        bool busy = false;
        bool done = false;
    };

    void sendNext(int client);
    void onFinished(int client, qsizetype attemptIndex, QNetworkReply *reply);

    QUrl m_logUrl;
    QByteArray m_apiKey;
    QString m_origin;
    Options m_options;
    QList<Client> m_clients;
    QList<LogAttempt> m_attempts;
    QElapsedTimer m_clock;
    bool m_stopping = false;
};

} // namespace llmring::test
