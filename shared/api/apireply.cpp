// SPDX-License-Identifier: MIT

#include "apireply.h"

#include "json/strictjsonparser.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QStringList>

namespace llmring::api {

namespace {

// "loc: msg" for each item of a 422 detail, the location joined with dots.
QString validationDetail(const QJsonArray &items)
{
    QStringList parts;
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        QStringList location;
        for (const QJsonValue &segment : object.value(QStringLiteral("loc")).toArray())
            location.append(segment.isDouble() ? QString::number(segment.toInteger()) : segment.toString());
        const QString message = object.value(QStringLiteral("msg")).toString();
        parts.append(location.isEmpty() ? message : location.join(u'.') + QStringLiteral(": ") + message);
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace

ApiReply::ApiReply(QNetworkReply *reply, bool expectJson, QObject *parent)
    : QObject(parent)
    , m_reply(reply)
    , m_expectJson(expectJson)
    , m_url(reply->url())
{
    connect(reply, &QNetworkReply::downloadProgress, this, &ApiReply::progress);
    connect(reply, &QNetworkReply::finished, this, &ApiReply::onFinished);
}

ApiReply::~ApiReply()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

QByteArray ApiReply::header(const QByteArray &name) const
{
    for (const auto &[headerName, value] : m_headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void ApiReply::abort()
{
    if (m_finished || !m_reply)
        return;
    m_aborted = true;
    m_reply->abort();
}

void discardReply(QPointer<ApiReply> &reply, const QObject *receiver)
{
    if (!reply)
        return;
    ApiReply *call = reply;
    reply.clear();
    call->disconnect(receiver);
    call->abort();
}

void ApiReply::onFinished()
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();

    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_headers = reply->rawHeaderPairs();
    // An aborted or timed-out reply is closed, and reading it only makes QIODevice warn.
    if (reply->isOpen())
        m_body = reply->readAll();
    m_networkError = reply->errorString();
    if (const std::optional<QJsonValue> parsed = json::parse(m_body, nullptr))
        m_json = *parsed;

    const QJsonValue detail = m_json.toObject().value(QStringLiteral("detail"));
    if (detail.isString())
        m_detail = detail.toString();
    else if (detail.isArray())
        m_detail = validationDetail(detail.toArray());

    if (m_aborted) {
        m_error = ApiError::Canceled;
    } else if (m_status >= 400) {
        m_error = ApiError::HttpStatus;
    } else if (m_status == 0) {
        const QNetworkReply::NetworkError error = reply->error();
        // A transfer timeout ends the reply as canceled although abort() was not called.
        m_error = error == QNetworkReply::TimeoutError || error == QNetworkReply::OperationCanceledError
            ? ApiError::TimedOut
            : ApiError::Unreachable;
    } else if (m_expectJson && m_json.isUndefined()) {
        m_error = ApiError::InvalidResponse;
    }

    m_finished = true;
    Q_EMIT finished();
    deleteLater();
}

QString ApiReply::errorMessage() const
{
    const QString server = m_url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString();
    switch (m_error) {
    case ApiError::None:
        return {};
    case ApiError::Unreachable:
        return tr("Cannot reach %1 (%2). Check the server URL and that llmring-server is running.")
            .arg(server, m_networkError);
    case ApiError::TimedOut:
        return tr("%1 did not answer in time. The server or the network may be overloaded; try again.").arg(server);
    case ApiError::Canceled:
        return tr("Canceled.");
    case ApiError::HttpStatus:
        if (m_status == 401)
            return tr("The server needs the project's API key: %1").arg(m_detail);
        if (m_detail.isEmpty())
            return tr("The server answered with HTTP status %1.").arg(m_status);
        return tr("The server answered with HTTP status %1: %2").arg(m_status).arg(m_detail);
    case ApiError::InvalidResponse:
        return tr("%1 did not answer as an llmring server does (the response is not JSON). Check the server URL.")
            .arg(server);
    }
    return {};
}

} // namespace llmring::api
