// SPDX-License-Identifier: MIT

#include "logloadgenerator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>

namespace llmring::test {

QString LogAttempt::logId() const
{
    if (status != 201)
        return {};
    return QJsonDocument::fromJson(body).object().value(QStringLiteral("log_id")).toString();
}

QString LogAttempt::describe() const
{
    return QStringLiteral("client %1, %2, sent at %3 ms, finished at %4 ms: status %5, network error %6 (%7), body %8")
        .arg(client)
        .arg(idAtOrigin)
        .arg(sentAtMs)
        .arg(finishedAtMs)
        .arg(status)
        .arg(int(networkError))
        .arg(errorString, QString::fromUtf8(body));
}

LogLoadGenerator::LogLoadGenerator(const QUrl &baseUrl, const QByteArray &apiKey, const QString &origin,
                                   const Options &options, QObject *parent)
    : QObject(parent)
    , m_logUrl(baseUrl.resolved(QUrl(QStringLiteral("/api/v1/log"))))
    , m_apiKey(apiKey)
    , m_origin(origin)
    , m_options(options)
{
    for (int i = 0; i < m_options.clients; ++i) {
        Client client;
        client.network = new QNetworkAccessManager(this);
        m_clients.append(client);
    }
}

LogLoadGenerator::~LogLoadGenerator()
{
    // Replies still in flight are aborted with their managers, and must not be recorded.
    m_stopping = true;
    for (Client &client : m_clients) {
        client.network->disconnect(this);
        delete client.network;
        client.network = nullptr;
    }
}

void LogLoadGenerator::start()
{
    m_clock.start();
    for (int i = 0; i < m_clients.size(); ++i)
        sendNext(i);
}

void LogLoadGenerator::stop()
{
    m_stopping = true;
    for (Client &client : m_clients) {
        if (!client.busy)
            client.done = true;
    }
}

bool LogLoadGenerator::isFinished() const
{
    return std::all_of(m_clients.cbegin(), m_clients.cend(), [](const Client &client) { return client.done; });
}

int LogLoadGenerator::countStatus(int status) const
{
    return int(std::count_if(m_attempts.cbegin(), m_attempts.cend(),
                             [status](const LogAttempt &attempt) { return attempt.status == status; }));
}

void LogLoadGenerator::sendNext(int clientIndex)
{
    Client &client = m_clients[clientIndex];
    if (m_stopping || client.sent >= m_options.maxRequestsPerClient
        || m_clock.elapsed() >= m_options.maxDuration.count()) {
        client.done = true;
        return;
    }

    LogAttempt attempt;
    attempt.client = clientIndex;
    attempt.idAtOrigin = QStringLiteral("%1-c%2-%3").arg(m_origin).arg(clientIndex).arg(client.sent);
    const QJsonObject body{
        {QStringLiteral("provider"), QStringLiteral("openai")},
        {QStringLiteral("model"), QStringLiteral("gpt-4o")},
        {QStringLiteral("input_tokens"), 10},
        {QStringLiteral("output_tokens"), 5},
        {QStringLiteral("cost"), 0.001},
        {QStringLiteral("origin"), m_origin},
        {QStringLiteral("id_at_origin"), attempt.idAtOrigin},
    };

    QNetworkRequest request(m_logUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("X-API-Key"), m_apiKey);
    request.setTransferTimeout(int(m_options.requestTimeout.count()));

    attempt.sentAtMs = m_clock.elapsed();
    const qsizetype attemptIndex = m_attempts.size();
    m_attempts.append(attempt);
    ++client.sent;
    client.busy = true;

    QNetworkReply *reply = client.network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this,
            [this, clientIndex, attemptIndex, reply] { onFinished(clientIndex, attemptIndex, reply); });
}

void LogLoadGenerator::onFinished(int clientIndex, qsizetype attemptIndex, QNetworkReply *reply)
{
    LogAttempt &attempt = m_attempts[attemptIndex];
    attempt.finishedAtMs = m_clock.elapsed();
    attempt.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    attempt.body = reply->readAll();
    // QNetworkReply reports HTTP error statuses as errors too (503 as
    // ServiceUnavailableError), so only failures without a response are kept.
    if (attempt.status == 0) {
        attempt.networkError = reply->error();
        attempt.errorString = reply->errorString();
    }
    reply->deleteLater();

    Client &client = m_clients[clientIndex];
    client.busy = false;
    if (m_options.stopClientOnRefusal && attempt.networkError == QNetworkReply::ConnectionRefusedError) {
        client.done = true;
        return;
    }
    QTimer::singleShot(m_options.pause, this, [this, clientIndex] { sendNext(clientIndex); });
}

} // namespace llmring::test
