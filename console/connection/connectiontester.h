// SPDX-License-Identifier: MIT
// Checks a server URL and API key before the console uses them, and reports what is wrong.

#pragma once

#include "api/apiclient.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <chrono>

namespace llmring::console {

// Runs three requests in turn, asynchronously, and stops at the first that fails:
// GET / (is this an llmring server?), GET /health (is its database connected?) and
// GET /api/v1/logs?limit=1 with the key (does the service accept the key?). It emits
// finished() once per start(), also after cancel().
//
// NOTE: a host that embeds the service without its meta routes has no GET / or
// GET /health, so it is diagnosed as NotLlmring although its API may work.
class ConnectionTester final : public QObject
{
    Q_OBJECT

public:
    enum class Outcome {
        Ok,
        InvalidUrl,         // not an http or https URL with a host
        Unreachable,        // connection refused, unknown host, no response in time, connection lost
        NotLlmring,         // something responds, but GET / or GET /health is not the llmring JSON
        DatabaseDown,       // GET /health is 503 {"status": "unhealthy"}, or the API returns 503
        KeyMissing,         // the key is empty
        KeyRejected,        // the service rejects the key with 400, 401 or 422
        UnexpectedResponse, // any other status or body
        Canceled,           // cancel() was called
    };
    Q_ENUM(Outcome)

    struct Diagnosis
    {
        Outcome outcome = Outcome::Ok;
        // One or two sentences for the user: what failed and what to do.
        QString message;
        // The HTTP status of the request that decided the outcome; 0 without a response.
        int status = 0;
        // The service's `detail` of that response, verbatim; empty when it sent none.
        QString detail;
        // The `version` from GET /, once that request succeeded.
        QString serverVersion;
    };

    explicit ConnectionTester(QObject *parent = nullptr);
    ~ConnectionTester() override;

    // Each request fails with Unreachable after this long without a byte received.
    void setTimeout(std::chrono::milliseconds timeout) { m_client.setTimeout(timeout); }

    // Starts testing `serverUrl` (the service root) with `apiKey`, canceling a test in
    // progress without a finished() for it.
    void start(const QUrl &serverUrl, const QString &apiKey);
    // Stops the running test; finished() follows with Outcome::Canceled.
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void finished(const llmring::console::ConnectionTester::Diagnosis &diagnosis);

private:
    enum class Step { ServiceInfo, Health, ProjectRoute };

    void send(Step step);
    void onReplyFinished(api::ApiReply *reply, Step step);
    void checkServiceInfo(const api::ApiReply &reply);
    void checkHealth(const api::ApiReply &reply);
    void checkProjectRoute(const api::ApiReply &reply);
    // Ends the test with `diagnosis` from the event loop, so start() never emits.
    void finishLater(Diagnosis diagnosis);
    void finish(Diagnosis diagnosis);

    Diagnosis notLlmring(const api::ApiReply &reply, const QString &path) const;
    Diagnosis unexpected(const api::ApiReply &reply, const QString &path) const;
    QString serverText() const;

    api::ApiClient m_client;
    QPointer<api::ApiReply> m_reply;
    QString m_apiKey;
    QString m_serverVersion;
    bool m_running = false;
    // Counts start() calls, so a result posted for an earlier test is dropped.
    quint64 m_run = 0;
};

} // namespace llmring::console

Q_DECLARE_METATYPE(llmring::console::ConnectionTester::Diagnosis)
