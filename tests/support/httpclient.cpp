// SPDX-License-Identifier: MIT

#include "httpclient.h"

#include "json/strictjsonparser.h"

#include <QBuffer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QTimer>

namespace llmring::test {

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonValue HttpResponse::json() const
{
    // The strict parser, because QJsonDocument::fromJson drops a U+FEFF that starts a
    // string, and because a response must be strict JSON too.
    json::ParseOptions options;
    options.maxDepth = 128;
    return json::parse(body, nullptr, options).value_or(QJsonValue(QJsonValue::Undefined));
}

QString HttpResponse::detail() const
{
    return json().toObject().value(QStringLiteral("detail")).toString();
}

HeaderList apiKey(const QByteArray &key)
{
    return {{QByteArrayLiteral("X-API-Key"), key}};
}

HttpClient::HttpClient(const QUrl &baseUrl)
    : m_baseUrl(baseUrl)
{
}

HttpResponse HttpClient::get(const QString &pathAndQuery, const HeaderList &headers)
{
    return send(QByteArrayLiteral("GET"), pathAndQuery, {}, headers);
}

HttpResponse HttpClient::post(const QString &pathAndQuery, const QByteArray &body, const HeaderList &headers)
{
    return send(QByteArrayLiteral("POST"), pathAndQuery, body, headers);
}

HttpResponse HttpClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                              const HeaderList &headers)
{
    QNetworkRequest request(QUrl(m_baseUrl.toString() + pathAndQuery, QUrl::TolerantMode));
    bool hasContentType = false;
    for (const auto &[name, value] : headers) {
        request.setRawHeader(name, value);
        hasContentType = hasContentType || name.compare("Content-Type", Qt::CaseInsensitive) == 0;
    }
    if (!body.isEmpty() && !hasContentType)
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    QBuffer *payload = new QBuffer;
    payload->setData(body);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, payload);
    payload->setParent(reply);

    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(m_timeoutMs);
    if (!reply->isFinished())
        loop.exec();

    HttpResponse response;
    if (!reply->isFinished()) {
        reply->abort();
        response.networkError = QStringLiteral("timed out after %1 ms").arg(m_timeoutMs);
    } else {
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        response.body = reply->readAll();
        response.headers = reply->rawHeaderPairs();
        if (reply->error() != QNetworkReply::NoError && response.status == 0)
            response.networkError = reply->errorString();
    }
    reply->deleteLater();
    return response;
}

} // namespace llmring::test
