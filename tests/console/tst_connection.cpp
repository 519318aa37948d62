// SPDX-License-Identifier: MIT
// Saved connections and the connection test. Each diagnosis comes from a real service
// (with a working or an unreachable database) or from a small canned HTTP server in the
// test. The dialog runs the same test and saves what the user entered.

#include "cannedhttpserver.h"
#include "testdatabase.h"
#include "testservice.h"

#include "connection/connectiondialog.h"
#include "connection/connectionsettings.h"
#include "connection/connectiontester.h"

#include "server/standaloneserver.h"
#include "service.h"

#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

using Outcome = ConnectionTester::Outcome;
using Diagnosis = ConnectionTester::Diagnosis;

namespace {

constexpr int TestTimeoutMs = 15000;

const QByteArray ServiceInfoBody = QByteArrayLiteral(
    R"({"name":"LLMRing Server","version":"0.1.0","docs":"/docs","registry":"/registry"})");

// Runs the tester on `server` with `key` and returns its one diagnosis.
Diagnosis diagnose(const QUrl &server, const QString &key, int timeoutMs = 0)
{
    ConnectionTester tester;
    if (timeoutMs > 0)
        tester.setTimeout(std::chrono::milliseconds(timeoutMs));
    QSignalSpy finished(&tester, &ConnectionTester::finished);
    tester.start(server, key);
    if (!finished.wait(TestTimeoutMs) && finished.isEmpty())
        return Diagnosis{Outcome::UnexpectedResponse, QStringLiteral("no finished() within the test timeout"), 0, {}, {}};
    return finished.constFirst().constFirst().value<Diagnosis>();
}

} // namespace

Q_DECLARE_METATYPE(llmring::test::CannedResponse)

class tst_Connection final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void settingsRoundTrip();
    void settingsRenameAndRemove();

    void testerAcceptsValidKey();
    void testerRejectsKey_data();
    void testerRejectsKey();
    void testerKeyMissing_data();
    void testerKeyMissing();
    void testerControlCharacterInKey();
    void testerUnreachableClosedPort();
    void testerInvalidUrl_data();
    void testerInvalidUrl();
    void testerNotLlmring_data();
    void testerNotLlmring();
    void testerDatabaseDown();
    void testerServerStopsMidway();
    void testerTimesOut();
    void testerCancel();
    void testerRestartDropsEarlierRun();

    void dialogTestsAndSaves();
    void dialogRejectsDuplicateName();
    void dialogKeyEchoToggle();

private:
    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
};

void tst_Connection::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("consoleconnection"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
}

void tst_Connection::cleanupTestCase()
{
    m_service.stop();
    m_database.reset();
}

void tst_Connection::settingsRoundTrip()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    const QString file = folder.filePath(QStringLiteral("console.ini"));
    const Connection local{QStringLiteral("Local"), QUrl(QStringLiteral("http://127.0.0.1:8000")),
                           QStringLiteral("project-local")};
    const Connection production{QStringLiteral("Production"), QUrl(QStringLiteral("https://llmring.example.org/base")),
                                QStringLiteral("project-prod:é")};

    {
        ConnectionSettings settings(file);
        QVERIFY(settings.connections().isEmpty());
        QVERIFY(!settings.current());
        QSignalSpy currentChanged(&settings, &ConnectionSettings::currentChanged);

        settings.save(local);
        settings.save(production);
        QCOMPARE(settings.currentName(), QStringLiteral("Local")); // the first one saved
        settings.setCurrent(QStringLiteral("Production"));
        settings.setCurrent(QStringLiteral("Unknown"));

        QCOMPARE(currentChanged.size(), 2);
        QCOMPARE(settings.currentName(), QStringLiteral("Production"));
    }

    // The file contains API keys, so only its owner may read it.
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther;
    QCOMPARE(QFileInfo(file).permissions() & others, QFileDevice::Permissions());
    QVERIFY(QFileInfo(file).permissions().testFlag(QFileDevice::ReadOwner));

    ConnectionSettings reread(file);
    QCOMPARE(reread.connections(), QList<Connection>({local, production}));
    QCOMPARE(reread.currentName(), QStringLiteral("Production"));
    QCOMPARE(reread.current(), std::optional<Connection>(production));
}

void tst_Connection::settingsRenameAndRemove()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    const QString file = folder.filePath(QStringLiteral("console.ini"));
    const Connection first{QStringLiteral("First"), QUrl(QStringLiteral("http://127.0.0.1:8001")), QStringLiteral("a")};
    const Connection second{QStringLiteral("Second"), QUrl(QStringLiteral("http://127.0.0.1:8002")), QStringLiteral("b")};
    const Connection renamed{QStringLiteral("Renamed"), QUrl(QStringLiteral("http://127.0.0.1:8003")), QStringLiteral("c")};

    ConnectionSettings settings(file);
    settings.save(first);
    settings.save(second);
    settings.setCurrent(QStringLiteral("Second"));
    QSignalSpy changed(&settings, &ConnectionSettings::connectionsChanged);

    QVERIFY(!settings.update(QStringLiteral("Unknown"), renamed));
    QVERIFY(!settings.update(QStringLiteral("Second"), Connection{QStringLiteral("First"), {}, {}}));
    QVERIFY(settings.update(QStringLiteral("Second"), renamed));
    QCOMPARE(settings.connections(), QList<Connection>({first, renamed}));
    QCOMPARE(settings.currentName(), QStringLiteral("Renamed"));

    QVERIFY(!settings.remove(QStringLiteral("Second")));
    QVERIFY(settings.remove(QStringLiteral("Renamed")));
    QCOMPARE(settings.currentName(), QStringLiteral("First"));
    QVERIFY(settings.remove(QStringLiteral("First")));
    QVERIFY(!settings.current());
    QCOMPARE(changed.size(), 3);

    ConnectionSettings reread(file);
    QVERIFY(reread.connections().isEmpty());
    QCOMPARE(reread.currentName(), QString());
}

void tst_Connection::testerAcceptsValidKey()
{
    const Diagnosis diagnosis = diagnose(m_service.baseUrl(), QStringLiteral("connection-valid-key"));

    QCOMPARE(diagnosis.outcome, Outcome::Ok);
    QCOMPARE(diagnosis.status, 200);
    QCOMPARE(diagnosis.serverVersion, QStringLiteral(LLMRING_VERSION));
    QCOMPARE(diagnosis.message, QStringLiteral("Connected to llmring server %1 at %2: its database is connected and it "
                                               "accepts the API key.")
                                    .arg(QStringLiteral(LLMRING_VERSION), m_service.baseUrl().toString()));
}

void tst_Connection::testerRejectsKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail");

    QTest::newRow("300 characters") << QString(300, u'k') << 400 << QStringLiteral("X-API-Key too long");
    QTest::newRow("inner space") << QStringLiteral("abc def") << 400
                                 << QStringLiteral("X-API-Key must not contain whitespace");
    QTest::newRow("no-break space") << QStringLiteral("abc\u00a0def") << 400
                                    << QStringLiteral("X-API-Key must not contain whitespace");
}

void tst_Connection::testerRejectsKey()
{
    QFETCH(QString, key);
    QFETCH(int, status);
    QFETCH(QString, detail);

    const Diagnosis diagnosis = diagnose(m_service.baseUrl(), key);

    QCOMPARE(diagnosis.outcome, Outcome::KeyRejected);
    QCOMPARE(diagnosis.status, status);
    QCOMPARE(diagnosis.detail, detail);
    QCOMPARE(diagnosis.message, QStringLiteral("The server rejected the API key: %1. A key is at most 255 characters of "
                                               "printable text without whitespace; use the project key the llmring "
                                               "client sends.")
                                    .arg(detail));
    QVERIFY(!diagnosis.message.contains(key));
}

void tst_Connection::testerKeyMissing_data()
{
    QTest::addColumn<QString>("key");

    QTest::newRow("empty") << QString();
    QTest::newRow("only spaces") << QStringLiteral("   ");
}

void tst_Connection::testerKeyMissing()
{
    QFETCH(QString, key);

    const Diagnosis diagnosis = diagnose(m_service.baseUrl(), key);

    QCOMPARE(diagnosis.outcome, Outcome::KeyMissing);
    QCOMPARE(diagnosis.serverVersion, QStringLiteral(LLMRING_VERSION));
    QCOMPARE(diagnosis.message, QStringLiteral("The llmring server at %1 is reachable, but the API key is missing. "
                                               "Enter the project's key: it is the project id the llmring client sends "
                                               "as X-API-Key.")
                                    .arg(m_service.baseUrl().toString()));
}

void tst_Connection::testerControlCharacterInKey()
{
    const Diagnosis diagnosis = diagnose(m_service.baseUrl(), QStringLiteral("project\nkey"));

    QCOMPARE(diagnosis.outcome, Outcome::KeyRejected);
    QCOMPARE(diagnosis.status, 0);
    QCOMPARE(diagnosis.message, QStringLiteral("The API key contains a line break or another control character, which "
                                               "an HTTP header cannot carry. Enter the key without them."));
}

void tst_Connection::testerUnreachableClosedPort()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    const QUrl server(QStringLiteral("http://127.0.0.1:%1").arg(port));

    const Diagnosis diagnosis = diagnose(server, QStringLiteral("any-key"));

    QCOMPARE(diagnosis.outcome, Outcome::Unreachable);
    QCOMPARE(diagnosis.status, 0);
    QCOMPARE(diagnosis.message, QStringLiteral("Cannot reach %1 (Connection refused). Check the server URL and that "
                                               "llmring-server is running.")
                                    .arg(server.toString()));
}

void tst_Connection::testerInvalidUrl_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("message");

    const QString notServerUrl = QStringLiteral("\"%1\" is not a server URL. Enter the service's root address with "
                                                "http:// or https://, such as http://127.0.0.1:8000.");
    QTest::newRow("empty") << QUrl()
                           << QStringLiteral("The server URL is missing. Enter the service's root address, such as "
                                             "http://127.0.0.1:8000.");
    QTest::newRow("ftp scheme") << QUrl(QStringLiteral("ftp://127.0.0.1:8000"))
                                << notServerUrl.arg(QStringLiteral("ftp://127.0.0.1:8000"));
    QTest::newRow("no host") << QUrl(QStringLiteral("http://")) << notServerUrl.arg(QStringLiteral("http://"));
    QTest::newRow("relative") << QUrl(QStringLiteral("llmring")) << notServerUrl.arg(QStringLiteral("llmring"));
}

void tst_Connection::testerInvalidUrl()
{
    QFETCH(QUrl, url);
    QFETCH(QString, message);

    ConnectionTester tester;
    QSignalSpy finished(&tester, &ConnectionTester::finished);
    tester.start(url, QStringLiteral("any-key"));
    QCOMPARE(finished.size(), 0); // start() never emits before it returns
    QVERIFY(tester.isRunning());

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, TestTimeoutMs);
    const Diagnosis diagnosis = finished.constFirst().constFirst().value<Diagnosis>();
    QCOMPARE(diagnosis.outcome, Outcome::InvalidUrl);
    QCOMPARE(diagnosis.message, message);
    QVERIFY(!tester.isRunning());
}

void tst_Connection::testerNotLlmring_data()
{
    QTest::addColumn<CannedResponse>("root");
    QTest::addColumn<CannedResponse>("health");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("answer");

    const CannedResponse html{200, "text/html; charset=utf-8", "<!doctype html><title>Router</title>"};
    const CannedResponse info{200, "application/json", ServiceInfoBody};
    const CannedResponse missing{404, "application/json", R"({"detail":"Not Found"})"};
    const CannedResponse otherJson{200, "application/json", R"({"ok":true})"};

    QTest::newRow("HTML page at /") << html << html << QStringLiteral("/") << QStringLiteral("an HTML page");
    QTest::newRow("404 at /") << missing << missing << QStringLiteral("/") << QStringLiteral("HTTP status 404");
    QTest::newRow("other JSON at /") << otherJson << otherJson << QStringLiteral("/")
                                     << QStringLiteral("a response that is not the llmring JSON");
    QTest::newRow("404 at /health") << info << missing << QStringLiteral("/health") << QStringLiteral("HTTP status 404");
    QTest::newRow("HTML at /health") << info << html << QStringLiteral("/health") << QStringLiteral("an HTML page");
}

void tst_Connection::testerNotLlmring()
{
    QFETCH(CannedResponse, root);
    QFETCH(CannedResponse, health);
    QFETCH(QString, path);
    QFETCH(QString, answer);
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setResponse(QStringLiteral("/"), root);
    server.setResponse(QStringLiteral("/health"), health);

    const Diagnosis diagnosis = diagnose(server.baseUrl(), QStringLiteral("any-key"));

    QCOMPARE(diagnosis.outcome, Outcome::NotLlmring);
    QCOMPARE(diagnosis.message, QStringLiteral("%1 responds, but not as an llmring server: GET %2 returned %3. Check the "
                                               "server URL; it is the service's root address, such as "
                                               "http://127.0.0.1:8000.")
                                    .arg(server.baseUrl().toString(), path, answer));
}

void tst_Connection::testerDatabaseDown()
{
    // The service starts without migrating, so nothing touches the database until
    // GET /health, whose check fails against the closed port.
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    ServiceOptions options;
    options.settings = m_database->settings();
    options.settings.database.port = port;
    options.runMigrations = false;
    QString error;
    const std::unique_ptr<Service> service = Service::create(options, &error);
    QVERIFY2(service, qPrintable(error));
    StandaloneServer server(*service);
    QVERIFY2(server.start(&error), qPrintable(error));
    const QUrl baseUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));

    const Diagnosis diagnosis = diagnose(baseUrl, QStringLiteral("any-key"));

    QCOMPARE(diagnosis.outcome, Outcome::DatabaseDown);
    QCOMPARE(diagnosis.status, 503);
    QCOMPARE(diagnosis.message, QStringLiteral("The llmring server at %1 is running, but it cannot reach its database "
                                               "(GET /health returned 503). Start PostgreSQL or check the server's "
                                               "LLMRING_DATABASE_URL.")
                                    .arg(baseUrl.toString()));
    server.stop();
}

void tst_Connection::testerServerStopsMidway()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setResponse(QStringLiteral("/"), {200, "application/json", ServiceInfoBody});
    server.setStopOn(QStringLiteral("/health"));
    const QUrl baseUrl = server.baseUrl(); // the port reads 0 once the server stops

    const Diagnosis diagnosis = diagnose(baseUrl, QStringLiteral("any-key"));

    QCOMPARE(diagnosis.outcome, Outcome::Unreachable);
    QCOMPARE(diagnosis.serverVersion, QStringLiteral("0.1.0"));
    // The connection closes without a response, or the retry finds the port closed.
    QVERIFY2(diagnosis.message.startsWith(QStringLiteral("Cannot reach %1 (").arg(baseUrl.toString())),
             qPrintable(diagnosis.message));
}

void tst_Connection::testerTimesOut()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setSilent(true);

    const Diagnosis diagnosis = diagnose(server.baseUrl(), QStringLiteral("any-key"), 500);

    QCOMPARE(diagnosis.outcome, Outcome::Unreachable);
    QCOMPARE(diagnosis.message, QStringLiteral("%1 did not answer in time. The server or the network may be "
                                               "overloaded; try again.")
                                    .arg(server.baseUrl().toString()));
}

void tst_Connection::testerCancel()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setSilent(true);
    ConnectionTester tester;
    QSignalSpy finished(&tester, &ConnectionTester::finished);

    tester.start(server.baseUrl(), QStringLiteral("any-key"));
    tester.cancel();

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, TestTimeoutMs);
    const Diagnosis diagnosis = finished.constFirst().constFirst().value<Diagnosis>();
    QCOMPARE(diagnosis.outcome, Outcome::Canceled);
    QCOMPARE(diagnosis.message, QStringLiteral("Test canceled."));
    QVERIFY(!tester.isRunning());
    QTest::qWait(100);
    QCOMPARE(finished.size(), 1);
}

void tst_Connection::testerRestartDropsEarlierRun()
{
    CannedHttpServer silent;
    QVERIFY(silent.listen());
    silent.setSilent(true);
    ConnectionTester tester;
    QSignalSpy finished(&tester, &ConnectionTester::finished);

    tester.start(silent.baseUrl(), QStringLiteral("any-key"));
    tester.start(QUrl(QStringLiteral("ftp://invalid")), QStringLiteral("any-key"));
    tester.start(m_service.baseUrl(), QStringLiteral("connection-restart-key"));

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, TestTimeoutMs);
    QCOMPARE(finished.constFirst().constFirst().value<Diagnosis>().outcome, Outcome::Ok);
    QTest::qWait(100);
    QCOMPARE(finished.size(), 1);
}

void tst_Connection::dialogTestsAndSaves()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    ConnectionSettings settings(folder.filePath(QStringLiteral("console.ini")));
    ConnectionDialog dialog(settings);
    auto *nameEdit = dialog.findChild<QLineEdit *>(QStringLiteral("nameEdit"));
    auto *serverEdit = dialog.findChild<QLineEdit *>(QStringLiteral("serverEdit"));
    auto *keyEdit = dialog.findChild<QLineEdit *>(QStringLiteral("keyEdit"));
    auto *testButton = dialog.findChild<QPushButton *>(QStringLiteral("testButton"));
    QVERIFY(nameEdit && serverEdit && keyEdit && testButton);
    QCOMPARE(serverEdit->text(), QStringLiteral("http://127.0.0.1:8000")); // the default for a new connection

    // Text that is no URL is named in the result, not reported as a missing URL.
    serverEdit->setText(QStringLiteral("not a url at all"));
    testButton->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTesting(), TestTimeoutMs);
    QVERIFY2(dialog.resultText().startsWith(QStringLiteral("\"not a url at all\" is not a server URL.")),
             qPrintable(dialog.resultText()));

    nameEdit->setText(QStringLiteral("Test service"));
    serverEdit->setText(m_service.baseUrl().toString());
    keyEdit->setText(QString(300, u'k'));
    testButton->click();
    QVERIFY(dialog.isTesting());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTesting(), TestTimeoutMs);
    QVERIFY2(dialog.resultText().startsWith(QStringLiteral("The server rejected the API key: X-API-Key too long.")),
             qPrintable(dialog.resultText()));

    keyEdit->setText(QStringLiteral("  dialog-key  "));
    testButton->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTesting(), TestTimeoutMs);
    QVERIFY2(dialog.resultText().startsWith(QStringLiteral("Connected to llmring server")), qPrintable(dialog.resultText()));

    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const Connection expected{QStringLiteral("Test service"), m_service.baseUrl(), QStringLiteral("dialog-key")};
    QCOMPARE(settings.connections(), QList<Connection>({expected}));
    QCOMPARE(settings.currentName(), QStringLiteral("Test service"));
}

void tst_Connection::dialogRejectsDuplicateName()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    ConnectionSettings settings(folder.filePath(QStringLiteral("console.ini")));
    const Connection existing{QStringLiteral("Local"), QUrl(QStringLiteral("http://127.0.0.1:8000")), QStringLiteral("a")};
    settings.save(existing);
    ConnectionDialog dialog(settings);
    auto *list = dialog.findChild<QListWidget *>(QStringLiteral("connectionList"));
    auto *nameEdit = dialog.findChild<QLineEdit *>(QStringLiteral("nameEdit"));
    auto *serverEdit = dialog.findChild<QLineEdit *>(QStringLiteral("serverEdit"));
    QVERIFY(list && nameEdit && serverEdit);
    QCOMPARE(list->count(), 1);
    QCOMPARE(nameEdit->text(), QStringLiteral("Local")); // the current connection is selected

    dialog.findChild<QPushButton *>(QStringLiteral("newButton"))->click();
    QCOMPARE(nameEdit->text(), QString());
    nameEdit->setText(QStringLiteral("Local"));
    dialog.accept();

    QCOMPARE(dialog.result(), int(QDialog::Rejected)); // still open
    QCOMPARE(dialog.resultText(), QStringLiteral("A connection named \"Local\" already exists. Choose another name, or "
                                                 "select it in the list to change it."));
    QCOMPARE(settings.connections(), QList<Connection>({existing}));

    nameEdit->setText(QStringLiteral("Other"));
    serverEdit->setText(QStringLiteral("not a url"));
    dialog.accept();
    QCOMPARE(dialog.resultText(),
             QStringLiteral("Enter the server URL with http:// or https://, such as http://127.0.0.1:8000."));
}

void tst_Connection::dialogKeyEchoToggle()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    ConnectionSettings settings(folder.filePath(QStringLiteral("console.ini")));
    ConnectionDialog dialog(settings);
    auto *keyEdit = dialog.findChild<QLineEdit *>(QStringLiteral("keyEdit"));
    auto *showKey = dialog.findChild<QToolButton *>(QStringLiteral("showKeyButton"));
    QVERIFY(keyEdit && showKey);

    QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
    showKey->click();
    QCOMPARE(keyEdit->echoMode(), QLineEdit::Normal);
    showKey->click();
    QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
}

QTEST_MAIN(tst_Connection)
#include "tst_connection.moc"
