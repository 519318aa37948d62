// SPDX-License-Identifier: MIT

#include "mainwindow.h"

#include "connection/connectiondialog.h"
#include "connection/connectionsettings.h"
#include "consolepage.h"

#include "api/apiclient.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

const QString WindowGroup = QStringLiteral("window");
const QString GeometryKey = QStringLiteral("geometry");
const QString SplitterKey = QStringLiteral("splitter");
const QString PageIndexKey = QStringLiteral("page");
const QString PagesGroup = QStringLiteral("pages");

// Ctrl+1 to Ctrl+9 show the first nine pages.
constexpr int NumberedPages = 9;

// Fits a 1280x800 screen with room for the window frame and a desktop panel.
constexpr QSize DefaultSize(1200, 720);

// A QSettings group name for a page title; '/' and '\' would start subgroups.
QString pageGroup(const ConsolePage *page)
{
    QString name = page->title();
    name.replace(u'/', u'_');
    name.replace(u'\\', u'_');
    return PagesGroup + u'/' + name;
}

} // namespace

MainWindow::MainWindow(api::ApiClient &client, ConnectionSettings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_client(client)
    , m_settings(settings)
{
    buildLayout();
    buildActions();
    reloadConnectionCombo();
    updateTitle();
    resize(DefaultSize);

    connect(&m_settings, &ConnectionSettings::connectionsChanged, this, &MainWindow::reloadConnectionCombo);
    connect(&m_settings, &ConnectionSettings::currentChanged, this, &MainWindow::reloadConnectionCombo);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    m_navigation = new QListWidget(this);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setSelectionMode(QAbstractItemView::SingleSelection);

    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismissButton = new QToolButton(this);
    dismissButton->setObjectName(QStringLiteral("dismissButton"));
    dismissButton->setText(tr("Dismiss"));
    dismissButton->setAutoRaise(true);
    connect(dismissButton, &QToolButton::clicked, this, &MainWindow::dismissMessage);

    m_messageBar = new QFrame(this);
    m_messageBar->setObjectName(QStringLiteral("messageBar"));
    m_messageBar->setFrameShape(QFrame::StyledPanel);
    m_messageBar->setAutoFillBackground(true);
    QPalette messagePalette = m_messageBar->palette();
    messagePalette.setColor(QPalette::Window, QColor(0xfd, 0xe8, 0xe8));
    messagePalette.setColor(QPalette::WindowText, QColor(0x7a, 0x12, 0x12));
    m_messageBar->setPalette(messagePalette);
    auto *messageLayout = new QHBoxLayout(m_messageBar);
    messageLayout->addWidget(m_messageLabel, 1);
    messageLayout->addWidget(dismissButton, 0, Qt::AlignTop);
    m_messageBar->setVisible(false);

    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("pageStack"));

    auto *pageArea = new QWidget(this);
    auto *pageLayout = new QVBoxLayout(pageArea);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    pageLayout->addWidget(m_messageBar);
    pageLayout->addWidget(m_stack, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(m_navigation);
    m_splitter->addWidget(pageArea);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({170, DefaultSize.width() - 170});
    m_splitter->setChildrenCollapsible(false);
    setCentralWidget(m_splitter);

    m_busyIndicator = new QProgressBar(this);
    m_busyIndicator->setObjectName(QStringLiteral("busyIndicator"));
    m_busyIndicator->setRange(0, 0); // indeterminate: pages report busy or idle, not a fraction
    m_busyIndicator->setTextVisible(false);
    m_busyIndicator->setMaximumWidth(140);
    m_busyIndicator->setVisible(false);
    m_keyLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_busyIndicator);
    statusBar()->addPermanentWidget(m_keyLabel);

    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::onPageChanged);
}

void MainWindow::buildActions()
{
    m_refreshAction = new QAction(tr("&Refresh"), this);
    m_refreshAction->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_R)});
    m_refreshAction->setToolTip(tr("Load the page again (F5)"));
    connect(m_refreshAction, &QAction::triggered, this, [this] {
        if (ConsolePage *page = currentPage())
            page->refresh();
    });

    m_connectionAction = new QAction(tr("&Connections…"), this);
    m_connectionAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_connectionAction->setToolTip(tr("Add, change or test saved connections (Ctrl+Shift+C)"));
    connect(m_connectionAction, &QAction::triggered, this, &MainWindow::openConnectionDialog);

    auto *quitAction = new QAction(tr("&Quit"), this);
    quitAction->setShortcut(QKeySequence::Quit);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);

    QMenu *consoleMenu = menuBar()->addMenu(tr("&Console"));
    consoleMenu->addAction(m_connectionAction);
    consoleMenu->addSeparator();
    consoleMenu->addAction(quitAction);
    // addPage() lists the pages below Refresh.
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(m_refreshAction);
    m_viewMenu->addSeparator();

    m_connectionCombo = new QComboBox(this);
    m_connectionCombo->setObjectName(QStringLiteral("connectionCombo"));
    m_connectionCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_connectionCombo->setMinimumContentsLength(16);
    m_connectionCombo->setToolTip(tr("The saved connection in use; pick another to switch server or project"));
    connect(m_connectionCombo, &QComboBox::currentIndexChanged, this, &MainWindow::onConnectionChosen);

    QToolBar *toolBar = addToolBar(tr("Connection"));
    toolBar->setObjectName(QStringLiteral("connectionToolBar"));
    toolBar->setMovable(false);
    toolBar->addWidget(new QLabel(tr("Connection:"), this));
    toolBar->addWidget(m_connectionCombo);
    toolBar->addAction(m_connectionAction);
    toolBar->addSeparator();
    toolBar->addAction(m_refreshAction);
}

void MainWindow::addPage(ConsolePage *page)
{
    const int index = static_cast<int>(m_pages.size());
    m_pages.append(page);
    m_stack->addWidget(page);
    m_navigation->addItem(page->title());

    connect(page, &ConsolePage::errorOccurred, this,
            [this, page](const QString &message) { onPageError(page, message); });
    connect(page, &ConsolePage::loaded, this, [this, page] { onPageLoaded(page); });
    connect(page, &ConsolePage::busyChanged, this, [this, page](bool busy) { onPageBusyChanged(page, busy); });

    if (index < NumberedPages) {
        auto *action = new QAction(page->title(), this);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        connect(action, &QAction::triggered, this, [this, index] { setCurrentPage(index); });
        m_viewMenu->addAction(action);
    }

    if (m_navigation->currentRow() < 0)
        m_navigation->setCurrentRow(0);
}

ConsolePage *MainWindow::currentPage() const
{
    const int index = currentPageIndex();
    return index >= 0 ? m_pages.at(index) : nullptr;
}

int MainWindow::currentPageIndex() const
{
    const int index = m_stack->currentIndex();
    return index >= 0 && index < m_pages.size() ? index : -1;
}

void MainWindow::setCurrentPage(int index)
{
    if (index < 0 || index >= m_pages.size())
        return;
    m_navigation->setCurrentRow(index);
}

void MainWindow::restoreState()
{
    QSettings &store = m_settings.store();
    store.beginGroup(WindowGroup);
    const QByteArray geometry = store.value(GeometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(DefaultSize);
    const QByteArray splitter = store.value(SplitterKey).toByteArray();
    if (!splitter.isEmpty())
        m_splitter->restoreState(splitter);
    const int pageIndex = store.value(PageIndexKey, 0).toInt();
    store.endGroup();

    for (ConsolePage *page : std::as_const(m_pages)) {
        store.beginGroup(pageGroup(page));
        page->restoreState(store);
        store.endGroup();
    }
    setCurrentPage(pageIndex);
}

void MainWindow::saveState() const
{
    QSettings &store = m_settings.store();
    store.beginGroup(WindowGroup);
    store.setValue(GeometryKey, saveGeometry());
    store.setValue(SplitterKey, m_splitter->saveState());
    store.setValue(PageIndexKey, currentPageIndex());
    store.endGroup();

    for (const ConsolePage *page : m_pages) {
        store.beginGroup(pageGroup(page));
        page->saveState(store);
        store.endGroup();
    }
    store.sync();
}

void MainWindow::connectToCurrent()
{
    const std::optional<Connection> connection = m_settings.current();
    if (!connection) {
        openConnectionDialog();
        return;
    }

    m_client.setServer(connection->serverUrl);
    m_client.setApiKey(connection->apiKey);
    reloadConnectionCombo();
    dismissMessage();
    updateTitle();
    for (ConsolePage *page : std::as_const(m_pages))
        page->reload();
}

void MainWindow::openConnectionDialog()
{
    if (m_connectionDialog) {
        m_connectionDialog->raise();
        m_connectionDialog->activateWindow();
        return;
    }
    m_connectionDialog = new ConnectionDialog(m_settings, this);
    m_connectionDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_connectionDialog, &QDialog::accepted, this, &MainWindow::connectToCurrent);
    connect(m_connectionDialog, &QDialog::rejected, this, [this] {
        if (!m_settings.current()) {
            showMessage(tr("No connection is set up, so the pages stay empty. Open Console > Connections "
                           "(Ctrl+Shift+C) to add the server URL and the project's API key."));
        }
    });
    m_connectionDialog->open();
}

QString MainWindow::messageText() const
{
    return m_messageBar->isVisibleTo(this) ? m_messageLabel->text() : QString();
}

bool MainWindow::isBusyShown() const
{
    return m_busyIndicator->isVisibleTo(this);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveState();
    QMainWindow::closeEvent(event);
}

void MainWindow::reloadConnectionCombo()
{
    const QSignalBlocker blocker(m_connectionCombo);
    m_connectionCombo->clear();
    m_connectionCombo->addItems(m_settings.names());
    m_connectionCombo->setCurrentIndex(static_cast<int>(m_settings.names().indexOf(m_settings.currentName())));
}

void MainWindow::onConnectionChosen(int index)
{
    if (index < 0)
        return;
    m_settings.setCurrent(m_connectionCombo->itemText(index));
    connectToCurrent();
}

void MainWindow::onPageChanged(int index)
{
    if (index < 0 || index >= m_pages.size())
        return;
    m_stack->setCurrentIndex(index);
    ConsolePage *page = m_pages.at(index);
    if (page->lastError().isEmpty())
        dismissMessage();
    else
        showMessage(page->lastError());
    m_busyIndicator->setVisible(page->isBusy());
    updateTitle();
    // A page whose last load failed tries again when it is shown, so an error that has
    // gone away (a restarted service) does not stay on screen.
    if (!page->lastError().isEmpty() && !page->isBusy())
        page->refresh();
}

void MainWindow::onPageError(ConsolePage *page, const QString &message)
{
    if (page == currentPage())
        showMessage(message);
}

void MainWindow::onPageLoaded(ConsolePage *page)
{
    if (page == currentPage())
        dismissMessage();
}

void MainWindow::onPageBusyChanged(ConsolePage *page, bool busy)
{
    if (page == currentPage())
        m_busyIndicator->setVisible(busy);
}

void MainWindow::showMessage(const QString &message)
{
    m_messageLabel->setText(message);
    m_messageBar->setVisible(true);
}

void MainWindow::dismissMessage()
{
    m_messageBar->setVisible(false);
    m_messageLabel->clear();
}

void MainWindow::updateTitle()
{
    const ConsolePage *page = currentPage();
    const std::optional<Connection> connection = m_settings.current();
    const bool connected = connection && m_client.server() == connection->serverUrl;

    QString where;
    if (connected) {
        where = tr("%1 (%2)").arg(connection->name,
                                  connection->serverUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash));
    } else {
        where = tr("not connected");
    }
    const QString application = tr("llmring console");
    setWindowTitle(page ? tr("%1 — %2 — %3").arg(page->title(), where, application)
                        : tr("%1 — %2").arg(where, application));

    // The fingerprint names the key (the service logs the same one) without showing it.
    if (!connected)
        m_keyLabel->clear();
    else if (m_client.apiKey().isEmpty())
        m_keyLabel->setText(tr("No API key"));
    else
        m_keyLabel->setText(tr("Key %1").arg(api::ApiClient::keyFingerprint(m_client.apiKey())));
}

} // namespace llmring::console
