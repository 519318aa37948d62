// SPDX-License-Identifier: MIT
// The main window with two pages defined here that count their refresh() and reload()
// calls: navigation and shortcuts, the message bar and busy indicator of the page shown,
// switching connections, the saved window state, and a title that never shows the key.

#include "api/apiclient.h"
#include "connection/connectiondialog.h"
#include "connection/connectionsettings.h"
#include "window/consolepage.h"
#include "window/mainwindow.h"

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace llmring;
using namespace llmring::console;

namespace {

constexpr int TestTimeoutMs = 15000;

const Connection LocalConnection{QStringLiteral("Local"), QUrl(QStringLiteral("http://127.0.0.1:8000")),
                                 QStringLiteral("local-secret-project-key")};
const Connection StagingConnection{QStringLiteral("Staging"), QUrl(QStringLiteral("https://staging.example.org")),
                                   QStringLiteral("staging-secret-project-key")};

// A page without data. It counts the window's calls and reports the errors and states the test sets.
class CountingPage final : public ConsolePage
{
public:
    CountingPage(api::ApiClient &client, const QString &title)
        : ConsolePage(client)
        , m_title(title)
    {
    }

    QString title() const override { return m_title; }
    void refresh() override { ++refreshCount; }
    void reload() override
    {
        ++reloadCount;
        serverAtReload = client().server();
        keyAtReload = client().apiKey();
    }
    void saveState(QSettings &settings) const override { settings.setValue(QStringLiteral("filter"), filter); }
    void restoreState(QSettings &settings) override { filter = settings.value(QStringLiteral("filter")).toString(); }

    void fail(const QString &message) { reportError(message); }
    void succeed() { reportLoaded(); }
    void work(bool busy) { setBusy(busy); }

    int refreshCount = 0;
    int reloadCount = 0;
    QUrl serverAtReload;
    QString keyAtReload;
    QString filter;

private:
    QString m_title;
};

} // namespace

class tst_MainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void navigationSwitchesPages();
    void ctrlNumberSwitchesPages();
    void refreshKeysRefreshCurrentPage();
    void messageBarFollowsCurrentPage();
    void busyIndicatorFollowsCurrentPage();
    void connectToCurrentReloadsPages();
    void comboSwitchesConnection();
    void stateSurvivesNewWindow();
    void titleNamesPageAndConnection();
    void noConnectionOpensDialog();
    void ctrlShiftCOpensDialog();
    void defaultSizeFitsSmallScreen();

private:
    // A shown, active window with pages "Alpha" and "Beta".
    std::unique_ptr<MainWindow> createWindow();
    CountingPage *page(MainWindow &window, int index) const;

    std::unique_ptr<QTemporaryDir> m_folder;
    std::unique_ptr<ConnectionSettings> m_settings;
    api::ApiClient m_client;
};

void tst_MainWindow::init()
{
    m_folder = std::make_unique<QTemporaryDir>();
    QVERIFY(m_folder->isValid());
    m_settings = std::make_unique<ConnectionSettings>(m_folder->filePath(QStringLiteral("console.ini")));
    m_settings->save(LocalConnection);
    m_settings->save(StagingConnection);
    m_settings->setCurrent(LocalConnection.name);
    m_client.setServer(QUrl());
    m_client.setApiKey(QString());
}

void tst_MainWindow::cleanup()
{
    m_settings.reset();
    m_folder.reset();
}

std::unique_ptr<MainWindow> tst_MainWindow::createWindow()
{
    auto window = std::make_unique<MainWindow>(m_client, *m_settings);
    window->addPage(new CountingPage(m_client, QStringLiteral("Alpha")));
    window->addPage(new CountingPage(m_client, QStringLiteral("Beta")));
    window->restoreState();
    window->show();
    window->activateWindow();
    if (!QTest::qWaitForWindowActive(window.get()))
        qWarning("the window did not become active; shortcuts may not reach it");
    return window;
}

CountingPage *tst_MainWindow::page(MainWindow &window, int index) const
{
    return static_cast<CountingPage *>(window.pages().at(index));
}

void tst_MainWindow::navigationSwitchesPages()
{
    const auto window = createWindow();
    auto *navigation = window->findChild<QListWidget *>(QStringLiteral("navigation"));
    auto *stack = window->findChild<QStackedWidget *>(QStringLiteral("pageStack"));
    QVERIFY(navigation && stack);
    QCOMPARE(navigation->count(), 2);
    QCOMPARE(navigation->item(0)->text(), QStringLiteral("Alpha"));
    QCOMPARE(navigation->item(1)->text(), QStringLiteral("Beta"));
    QCOMPARE(window->currentPageIndex(), 0);

    navigation->setCurrentRow(1);

    QCOMPARE(window->currentPageIndex(), 1);
    QCOMPARE(stack->currentWidget(), window->pages().at(1));
    QCOMPARE(window->currentPage(), window->pages().at(1));
}

void tst_MainWindow::ctrlNumberSwitchesPages()
{
    const auto window = createWindow();
    auto *navigation = window->findChild<QListWidget *>(QStringLiteral("navigation"));

    QTest::keyClick(window.get(), Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(window->currentPageIndex(), 1);
    QCOMPARE(navigation->currentRow(), 1);

    QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(window->currentPageIndex(), 0);

    QTest::keyClick(window.get(), Qt::Key_3, Qt::ControlModifier); // no third page
    QCOMPARE(window->currentPageIndex(), 0);
}

void tst_MainWindow::refreshKeysRefreshCurrentPage()
{
    const auto window = createWindow();
    window->setCurrentPage(1);

    QTest::keyClick(window.get(), Qt::Key_F5);
    QCOMPARE(page(*window, 0)->refreshCount, 0);
    QCOMPARE(page(*window, 1)->refreshCount, 1);

    QTest::keyClick(window.get(), Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(page(*window, 0)->refreshCount, 0);
    QCOMPARE(page(*window, 1)->refreshCount, 2);
}

void tst_MainWindow::messageBarFollowsCurrentPage()
{
    const auto window = createWindow();
    const QString alphaError = QStringLiteral("The server answered with HTTP status 503: Database unavailable");
    const QString betaError = QStringLiteral("Cannot reach http://127.0.0.1:1 (Connection refused).");

    page(*window, 0)->fail(alphaError);
    QCOMPARE(window->messageText(), alphaError);

    page(*window, 1)->fail(betaError); // not shown: Beta is not the current page
    QCOMPARE(window->messageText(), alphaError);

    page(*window, 0)->succeed();
    QCOMPARE(window->messageText(), QString());

    window->setCurrentPage(1); // Beta's last load failed, so it loads again when shown
    QCOMPARE(window->messageText(), betaError);
    QCOMPARE(page(*window, 1)->refreshCount, 1);
    QCOMPARE(page(*window, 0)->refreshCount, 0);

    auto *dismiss = window->findChild<QToolButton *>(QStringLiteral("dismissButton"));
    QVERIFY(dismiss);
    dismiss->click();
    QCOMPARE(window->messageText(), QString());

    page(*window, 1)->fail(betaError);
    QCOMPARE(window->messageText(), betaError);
    window->setCurrentPage(0); // Alpha's last load succeeded: no reload
    QCOMPARE(window->messageText(), QString());
    QCOMPARE(page(*window, 0)->refreshCount, 0);
}

void tst_MainWindow::busyIndicatorFollowsCurrentPage()
{
    const auto window = createWindow();
    QVERIFY(!window->isBusyShown());

    page(*window, 0)->work(true);
    QVERIFY(window->isBusyShown());

    window->setCurrentPage(1);
    QVERIFY(!window->isBusyShown());
    page(*window, 0)->work(false);
    page(*window, 1)->work(true);
    QVERIFY(window->isBusyShown());

    window->setCurrentPage(0);
    QVERIFY(!window->isBusyShown());
}

void tst_MainWindow::connectToCurrentReloadsPages()
{
    const auto window = createWindow();
    page(*window, 0)->fail(QStringLiteral("an earlier error"));

    window->connectToCurrent();

    QCOMPARE(m_client.server(), LocalConnection.serverUrl);
    QCOMPARE(m_client.apiKey(), LocalConnection.apiKey);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(page(*window, i)->reloadCount, 1);
        QCOMPARE(page(*window, i)->serverAtReload, LocalConnection.serverUrl);
        QCOMPARE(page(*window, i)->keyAtReload, LocalConnection.apiKey);
    }
    QCOMPARE(window->messageText(), QString());
}

void tst_MainWindow::comboSwitchesConnection()
{
    const auto window = createWindow();
    window->connectToCurrent();
    auto *combo = window->findChild<QComboBox *>(QStringLiteral("connectionCombo"));
    QVERIFY(combo);
    QCOMPARE(combo->count(), 2);
    QCOMPARE(combo->currentText(), LocalConnection.name);

    combo->setCurrentIndex(1);

    QCOMPARE(m_client.server(), StagingConnection.serverUrl);
    QCOMPARE(m_client.apiKey(), StagingConnection.apiKey);
    QCOMPARE(m_settings->currentName(), StagingConnection.name);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(page(*window, i)->reloadCount, 2);
        QCOMPARE(page(*window, i)->serverAtReload, StagingConnection.serverUrl);
        QCOMPARE(page(*window, i)->keyAtReload, StagingConnection.apiKey);
        QCOMPARE(page(*window, i)->refreshCount, 0);
    }
    QCOMPARE(window->windowTitle(), QStringLiteral("Alpha — Staging (https://staging.example.org) — llmring console"));
}

void tst_MainWindow::stateSurvivesNewWindow()
{
    {
        const auto window = createWindow();
        window->resize(640, 430);
        window->setCurrentPage(1);
        page(*window, 0)->filter = QStringLiteral("model=gpt-4o");
        page(*window, 1)->filter = QStringLiteral("alias=summarizer");
        window->close();
    }

    const auto window = createWindow();

    QCOMPARE(window->size(), QSize(640, 430));
    QCOMPARE(window->currentPageIndex(), 1);
    QCOMPARE(page(*window, 0)->filter, QStringLiteral("model=gpt-4o"));
    QCOMPARE(page(*window, 1)->filter, QStringLiteral("alias=summarizer"));
}

void tst_MainWindow::titleNamesPageAndConnection()
{
    const auto window = createWindow();
    QCOMPARE(window->windowTitle(), QStringLiteral("Alpha — not connected — llmring console"));

    window->connectToCurrent();
    QCOMPARE(window->windowTitle(), QStringLiteral("Alpha — Local (http://127.0.0.1:8000) — llmring console"));
    window->setCurrentPage(1);
    QCOMPARE(window->windowTitle(), QStringLiteral("Beta — Local (http://127.0.0.1:8000) — llmring console"));

    window->findChild<QComboBox *>(QStringLiteral("connectionCombo"))->setCurrentIndex(1);
    for (const QString &key : {LocalConnection.apiKey, StagingConnection.apiKey}) {
        QVERIFY(!window->windowTitle().contains(key));
        for (const QLabel *label : window->findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(key), qPrintable(label->text()));
    }
    const QString fingerprint = api::ApiClient::keyFingerprint(StagingConnection.apiKey);
    bool fingerprintShown = false;
    for (const QLabel *label : window->findChildren<QLabel *>())
        fingerprintShown = fingerprintShown || label->text() == QStringLiteral("Key ") + fingerprint;
    QVERIFY(fingerprintShown);
}

void tst_MainWindow::noConnectionOpensDialog()
{
    QVERIFY(m_settings->remove(LocalConnection.name));
    QVERIFY(m_settings->remove(StagingConnection.name));
    const auto window = createWindow();

    window->connectToCurrent();

    QTRY_VERIFY_WITH_TIMEOUT(window->findChild<ConnectionDialog *>(), TestTimeoutMs);
    auto *dialog = window->findChild<ConnectionDialog *>();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), TestTimeoutMs);
    QCOMPARE(page(*window, 0)->reloadCount, 0);

    dialog->reject();
    QVERIFY(window->messageText().startsWith(QStringLiteral("No connection is set up")));
}

void tst_MainWindow::ctrlShiftCOpensDialog()
{
    const auto window = createWindow();
    QVERIFY(!window->findChild<ConnectionDialog *>());

    QTest::keyClick(window.get(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);

    QTRY_VERIFY_WITH_TIMEOUT(window->findChild<ConnectionDialog *>(), TestTimeoutMs);
    auto *dialog = window->findChild<ConnectionDialog *>();
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->formConnection(), LocalConnection); // the current connection is selected

    dialog->accept();
    QCOMPARE(page(*window, 0)->reloadCount, 1);
    QCOMPARE(m_client.server(), LocalConnection.serverUrl);
}

void tst_MainWindow::defaultSizeFitsSmallScreen()
{
    api::ApiClient client;
    MainWindow window(client, *m_settings);

    QVERIFY(window.width() <= 1280);
    QVERIFY(window.height() <= 800 - 60); // room for the title bar and a desktop panel
    QVERIFY(window.minimumSizeHint().width() <= 1280);
    QVERIFY(window.minimumSizeHint().height() <= 800);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
