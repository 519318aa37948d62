// SPDX-License-Identifier: MIT

#include "connectiontester.h"

#include <QJsonObject>
#include <QTimer>

namespace llmring::console {

namespace {

using api::ApiError;
using api::ApiReply;

const QString RootPath = QStringLiteral("/");
const QString HealthPath = QStringLiteral("/health");
const QString ProjectPath = QStringLiteral("/api/v1/logs");

bool isHtml(const ApiReply &reply)
{
    return reply.header("Content-Type").trimmed().toLower().startsWith("text/html");
}

bool containsControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

} // namespace

ConnectionTester::ConnectionTester(QObject *parent)
    : QObject(parent)
{
    m_client.setTimeout(std::chrono::seconds(10));
}

ConnectionTester::~ConnectionTester()
{
    if (m_reply)
        m_reply->disconnect(this);
}

void ConnectionTester::start(const QUrl &serverUrl, const QString &apiKey)
{
    api::discardReply(m_reply, this);
    ++m_run;
    m_running = true;
    m_apiKey = apiKey;
    m_serverVersion.clear();
    m_client.setServer(serverUrl);
    m_client.setApiKey(apiKey.trimmed());

    const QString scheme = serverUrl.scheme();
    if (!serverUrl.isValid() || serverUrl.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        Diagnosis diagnosis;
        diagnosis.outcome = Outcome::InvalidUrl;
        if (serverUrl.isEmpty()) {
            diagnosis.message = tr("The server URL is missing. Enter the service's root address, such as "
                                   "http://127.0.0.1:8000.");
        } else {
            diagnosis.message = tr("\"%1\" is not a server URL. Enter the service's root address with http:// or "
                                   "https://, such as http://127.0.0.1:8000.")
                                    .arg(serverUrl.toString(QUrl::RemoveUserInfo));
        }
        finishLater(diagnosis);
        return;
    }
    send(Step::ServiceInfo);
}

void ConnectionTester::cancel()
{
    if (!m_running)
        return;
    if (m_reply) {
        m_reply->abort(); // onReplyFinished() reports Canceled
        return;
    }
    // A result is already posted by finishLater(); report the cancellation instead.
    ++m_run;
    Diagnosis diagnosis;
    diagnosis.outcome = Outcome::Canceled;
    diagnosis.message = tr("Test canceled.");
    finishLater(diagnosis);
}

void ConnectionTester::send(Step step)
{
    ApiReply *reply = nullptr;
    switch (step) {
    case Step::ServiceInfo:
        reply = m_client.serviceInfo();
        break;
    case Step::Health:
        reply = m_client.health();
        break;
    case Step::ProjectRoute: {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
        reply = m_client.get(ProjectPath, query);
        break;
    }
    }
    m_reply = reply;
    connect(reply, &ApiReply::finished, this, [this, reply, step] { onReplyFinished(reply, step); });
}

void ConnectionTester::onReplyFinished(ApiReply *reply, Step step)
{
    m_reply = nullptr;
    if (reply->error() == ApiError::Canceled) {
        Diagnosis diagnosis;
        diagnosis.outcome = Outcome::Canceled;
        diagnosis.message = tr("Test canceled.");
        finish(diagnosis);
        return;
    }
    if (reply->error() == ApiError::Unreachable || reply->error() == ApiError::TimedOut) {
        Diagnosis diagnosis;
        diagnosis.outcome = Outcome::Unreachable;
        diagnosis.message = reply->errorMessage();
        diagnosis.serverVersion = m_serverVersion;
        finish(diagnosis);
        return;
    }

    switch (step) {
    case Step::ServiceInfo:
        checkServiceInfo(*reply);
        return;
    case Step::Health:
        checkHealth(*reply);
        return;
    case Step::ProjectRoute:
        checkProjectRoute(*reply);
        return;
    }
}

void ConnectionTester::checkServiceInfo(const ApiReply &reply)
{
    const QJsonObject info = reply.json().toObject();
    const bool isServiceInfo = reply.isSuccess() && info.value(QStringLiteral("name")).isString()
        && info.value(QStringLiteral("version")).isString();
    if (isServiceInfo) {
        m_serverVersion = info.value(QStringLiteral("version")).toString();
        send(Step::Health);
        return;
    }
    // A 404 or a page that is not JSON means another web server or a wrong path. Other
    // errors (500, 502 from a proxy, 401 from an authenticating proxy) keep their own message.
    if (reply.isSuccess() || reply.error() == ApiError::InvalidResponse || reply.status() == 404)
        finish(notLlmring(reply, RootPath));
    else
        finish(unexpected(reply, RootPath));
}

void ConnectionTester::checkHealth(const ApiReply &reply)
{
    const QString status = reply.json().toObject().value(QStringLiteral("status")).toString();
    if (reply.status() == 503 && status == QLatin1String("unhealthy")) {
        Diagnosis diagnosis;
        diagnosis.outcome = Outcome::DatabaseDown;
        diagnosis.status = reply.status();
        diagnosis.serverVersion = m_serverVersion;
        diagnosis.message = tr("The llmring server at %1 is running, but it cannot reach its database (GET /health "
                               "returned 503). Start PostgreSQL or check the server's LLMRING_DATABASE_URL.")
                                .arg(serverText());
        finish(diagnosis);
        return;
    }
    if (!reply.isSuccess() || status != QLatin1String("healthy")) {
        finish(reply.status() == 404 || reply.isSuccess() || reply.error() == ApiError::InvalidResponse
                   ? notLlmring(reply, HealthPath)
                   : unexpected(reply, HealthPath));
        return;
    }

    if (m_apiKey.trimmed().isEmpty()) {
        Diagnosis diagnosis;
        diagnosis.outcome = Outcome::KeyMissing;
        diagnosis.serverVersion = m_serverVersion;
        diagnosis.message = tr("The llmring server at %1 is reachable, but the API key is missing. Enter the "
                               "project's key: it is the project id the llmring client sends as X-API-Key.")
                                .arg(serverText());
        finish(diagnosis);
        return;
    }
    // An HTTP header cannot carry line breaks or other control characters, so such a key
    // would never reach the service intact.
    if (containsControlCharacter(m_apiKey)) {
        Diagnosis diagnosis;
        diagnosis.outcome = Outcome::KeyRejected;
        diagnosis.serverVersion = m_serverVersion;
        diagnosis.message = tr("The API key contains a line break or another control character, which an HTTP "
                               "header cannot carry. Enter the key without them.");
        finish(diagnosis);
        return;
    }
    send(Step::ProjectRoute);
}

void ConnectionTester::checkProjectRoute(const ApiReply &reply)
{
    Diagnosis diagnosis;
    diagnosis.status = reply.status();
    diagnosis.detail = reply.detail();
    diagnosis.serverVersion = m_serverVersion;

    if (reply.isSuccess() && reply.json().isArray()) {
        diagnosis.outcome = Outcome::Ok;
        diagnosis.message = tr("Connected to llmring server %1 at %2: its database is connected and it accepts the "
                               "API key.")
                                .arg(m_serverVersion, serverText());
    } else if (reply.status() == 400 || reply.status() == 401 || reply.status() == 422) {
        diagnosis.outcome = Outcome::KeyRejected;
        const QString reason = diagnosis.detail.isEmpty() ? tr("HTTP status %1").arg(reply.status()) : diagnosis.detail;
        diagnosis.message = tr("The server rejected the API key: %1. A key is at most 255 characters of printable "
                               "text without whitespace; use the project key the llmring client sends.")
                                .arg(reason);
    } else if (reply.status() == 503) {
        diagnosis.outcome = Outcome::DatabaseDown;
        diagnosis.message = tr("The llmring server at %1 cannot reach its database (%2). Start PostgreSQL or check "
                               "the server's LLMRING_DATABASE_URL.")
                                .arg(serverText(), reply.errorMessage());
    } else {
        diagnosis = unexpected(reply, ProjectPath);
    }
    finish(diagnosis);
}

ConnectionTester::Diagnosis ConnectionTester::notLlmring(const ApiReply &reply, const QString &path) const
{
    QString answer;
    if (reply.status() >= 400)
        answer = tr("HTTP status %1").arg(reply.status());
    else if (isHtml(reply))
        answer = tr("an HTML page");
    else
        answer = tr("a response that is not the llmring JSON");

    Diagnosis diagnosis;
    diagnosis.outcome = Outcome::NotLlmring;
    diagnosis.status = reply.status();
    diagnosis.detail = reply.detail();
    diagnosis.serverVersion = m_serverVersion;
    diagnosis.message = tr("%1 responds, but not as an llmring server: GET %2 returned %3. Check the server URL; it "
                           "is the service's root address, such as http://127.0.0.1:8000.")
                            .arg(serverText(), path, answer);
    return diagnosis;
}

ConnectionTester::Diagnosis ConnectionTester::unexpected(const ApiReply &reply, const QString &path) const
{
    Diagnosis diagnosis;
    diagnosis.outcome = Outcome::UnexpectedResponse;
    diagnosis.status = reply.status();
    diagnosis.detail = reply.detail();
    diagnosis.serverVersion = m_serverVersion;
    diagnosis.message = tr("GET %1 failed unexpectedly: %2 Check the server's log, and any proxy in front of it.")
                            .arg(path, reply.errorMessage());
    return diagnosis;
}

QString ConnectionTester::serverText() const
{
    return m_client.server().adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash).toString();
}

void ConnectionTester::finishLater(Diagnosis diagnosis)
{
    const quint64 run = m_run;
    QTimer::singleShot(0, this, [this, run, diagnosis] {
        if (run == m_run && m_running)
            finish(diagnosis);
    });
}

void ConnectionTester::finish(Diagnosis diagnosis)
{
    m_running = false;
    Q_EMIT finished(diagnosis);
}

} // namespace llmring::console
