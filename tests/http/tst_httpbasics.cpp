// SPDX-License-Identifier: MIT
// The HTTP layer against the real service: status codes and error bodies for unknown
// routes, wrong methods, content types and malformed bodies, X-Request-Id, the
// X-API-Key rules, CORS, and the documentation routes.

#include "httpclient.h"
#include "rawhttpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "http/router.h"
#include "service.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

class tst_HttpBasics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void unknownRouteIsJson404();
    void wrongMethodIs405WithAllow();
    void trailingSlashServedDirectly();

private:
    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_client;
};

void tst_HttpBasics::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("httpbasics"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client = std::make_unique<HttpClient>(m_service.baseUrl());
}

void tst_HttpBasics::cleanupTestCase()
{
    m_client.reset();
    m_service.stop();
    m_database.reset();
}

void tst_HttpBasics::unknownRouteIsJson404()
{
    const HttpResponse response = m_client->get(QStringLiteral("/no/such/route"));

    QCOMPARE(response.status, 404);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.detail(), QStringLiteral("Not Found"));
    QVERIFY(!response.header("X-Request-Id").isEmpty());
}

void tst_HttpBasics::wrongMethodIs405WithAllow()
{
    const HttpResponse response = m_client->send("DELETE", QStringLiteral("/api/v1/log"), {}, apiKey("k"));

    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("Allow"), QByteArray("POST"));
    QCOMPARE(response.detail(), QStringLiteral("Method Not Allowed"));
}

void tst_HttpBasics::trailingSlashServedDirectly()
{
    const HttpResponse response = m_client->get(QStringLiteral("/api/v1/stats/"), apiKey("k"));

    QCOMPARE(response.status, 200);
    QVERIFY(response.json().toObject().contains(QStringLiteral("summary")));
}

QTEST_GUILESS_MAIN(tst_HttpBasics)
#include "tst_httpbasics.moc"
