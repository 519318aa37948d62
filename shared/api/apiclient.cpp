// SPDX-License-Identifier: MIT

#include "apiclient.h"

#include <QCryptographicHash>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace llmring::api {

namespace {

void addText(QUrlQuery &query, const QString &name, const QString &value)
{
    if (!value.trimmed().isEmpty())
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value.trimmed())));
}

void addTime(QUrlQuery &query, const QString &name, const QDateTime &time)
{
    if (time.isValid())
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(ApiClient::timeParameter(time))));
}

} // namespace

QUrlQuery LogQuery::toUrlQuery() const
{
    QUrlQuery query;
    addTime(query, QStringLiteral("start_date"), start);
    addTime(query, QStringLiteral("end_date"), end);
    addText(query, QStringLiteral("provider"), provider);
    addText(query, QStringLiteral("model"), model);
    addText(query, QStringLiteral("alias"), alias);
    addText(query, QStringLiteral("origin"), origin);
    addText(query, QStringLiteral("profile"), profile);
    query.addQueryItem(QStringLiteral("order"), oldestFirst ? QStringLiteral("asc") : QStringLiteral("desc"));
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    query.addQueryItem(QStringLiteral("offset"), QString::number(offset));
    return query;
}

QUrlQuery ReceiptQuery::toUrlQuery() const
{
    QUrlQuery query;
    addTime(query, QStringLiteral("start_date"), start);
    addTime(query, QStringLiteral("end_date"), end);
    addText(query, QStringLiteral("model"), model);
    addText(query, QStringLiteral("alias"), alias);
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    query.addQueryItem(QStringLiteral("offset"), QString::number(offset));
    return query;
}

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
{
    // Each console call is an independent read; a server redirecting to another host
    // is followed only when that stays as safe (no https to http).
    m_network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

void ApiClient::setServer(const QUrl &baseUrl)
{
    m_server = baseUrl;
}

void ApiClient::setApiKey(const QString &key)
{
    m_apiKey = key;
}

QString ApiClient::keyFingerprint(const QString &key)
{
    return QString::fromLatin1(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
}

QString ApiClient::timeParameter(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"));
}

ApiReply *ApiClient::get(const QString &path, const QUrlQuery &query, Access access, bool expectJson)
{
    QUrl url = m_server;
    QString basePath = url.path();
    if (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path, QUrl::TolerantMode);
    url.setQuery(query);

    QNetworkRequest request(url);
    request.setTransferTimeout(static_cast<int>(m_timeout.count()));
    request.setRawHeader("Accept", expectJson ? "application/json" : "text/csv");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("llmring-console/" LLMRING_VERSION));
    if (access == Access::Project)
        request.setRawHeader("X-API-Key", m_apiKey.toUtf8());

    return new ApiReply(m_network.get(request), expectJson, this);
}

ApiReply *ApiClient::serviceInfo()
{
    return get(QStringLiteral("/"), {}, Access::Public);
}

ApiReply *ApiClient::health()
{
    return get(QStringLiteral("/health"), {}, Access::Public);
}

ApiReply *ApiClient::stats(const QDateTime &start, const QDateTime &end, const QString &groupBy)
{
    QUrlQuery query;
    addTime(query, QStringLiteral("start_date"), start);
    addTime(query, QStringLiteral("end_date"), end);
    query.addQueryItem(QStringLiteral("group_by"), groupBy);
    return get(QStringLiteral("/api/v1/stats"), query);
}

ApiReply *ApiClient::logs(const LogQuery &query)
{
    return get(QStringLiteral("/api/v1/logs"), query.toUrlQuery());
}

ApiReply *ApiClient::logsCsv(const LogQuery &query)
{
    QUrlQuery urlQuery = query.toUrlQuery();
    urlQuery.addQueryItem(QStringLiteral("format"), QStringLiteral("csv"));
    return get(QStringLiteral("/api/v1/logs"), urlQuery, Access::Project, false);
}

ApiReply *ApiClient::receipts(const ReceiptQuery &query)
{
    return get(QStringLiteral("/api/v1/receipts"), query.toUrlQuery());
}

ApiReply *ApiClient::receipt(const QString &receiptId)
{
    // NOTE: the receipt ids "." and ".." (valid on the service) cannot be fetched here.
    // QUrl decodes %2E back to a dot and the request path drops dot segments, so such a
    // call reaches the receipt list instead.
    return get(QStringLiteral("/api/v1/receipts/") + QString::fromLatin1(QUrl::toPercentEncoding(receiptId)));
}

ApiReply *ApiClient::publicKeys()
{
    return get(QStringLiteral("/receipts/public-keys.json"), {}, Access::Public);
}

ApiReply *ApiClient::registry()
{
    return get(QStringLiteral("/registry.json"), {}, Access::Public);
}

} // namespace llmring::api
