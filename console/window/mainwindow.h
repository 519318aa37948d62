// SPDX-License-Identifier: MIT
// The console's main window: page navigation, the connection switcher, and the
// message and busy indicators of the page shown.

#pragma once

#include <QList>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QComboBox;
class QFrame;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QSplitter;
class QStackedWidget;

namespace llmring::api {
class ApiClient;
}

namespace llmring::console {

class ConnectionDialog;
class ConnectionSettings;
class ConsolePage;

// Shows one ConsolePage at a time, picked in a list on the left. main() wires it as:
//
//     api::ApiClient client;
//     ConnectionSettings settings;
//     MainWindow window(client, settings);
//     window.addPage(new UsagePage(client));   // one call per page, in list order
//     window.restoreState();                    // after the last addPage()
//     window.show();
//     window.connectToCurrent();                // opens the dialog when none is saved
//
// Keys: F5 or Ctrl+R refreshes the page shown, Ctrl+1 to Ctrl+9 show the first nine
// pages, Ctrl+Shift+C opens the connection dialog. The toolbar's combo box switches to
// another saved connection: the client gets its server and key and every page reloads.
// The window saves its geometry, the page shown and every page's state on close, in
// the store of `settings`.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // Both must outlive the window.
    MainWindow(api::ApiClient &client, ConnectionSettings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Appends `page` to the list and takes ownership of it.
    void addPage(ConsolePage *page);
    QList<ConsolePage *> pages() const { return m_pages; }
    ConsolePage *currentPage() const;
    int currentPageIndex() const;
    // Shows the page at `index`; does nothing when there is none.
    void setCurrentPage(int index);

    // Restores the geometry, the page shown and each page's state saved by saveState().
    void restoreState();
    // Writes what restoreState() reads; closing the window calls it.
    void saveState() const;

    // Points the client at the current saved connection and reloads every page. Without
    // a saved connection it opens the connection dialog instead.
    void connectToCurrent();
    // Opens the connection dialog (window-modal, without blocking); accepting it
    // connects to the connection chosen there.
    void openConnectionDialog();

    // The text of the message bar above the page; empty while it is hidden.
    QString messageText() const;
    bool isBusyShown() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildLayout();
    void reloadConnectionCombo();
    void onConnectionChosen(int index);
    void onPageChanged(int index);
    void onPageError(ConsolePage *page, const QString &message);
    void onPageLoaded(ConsolePage *page);
    void onPageBusyChanged(ConsolePage *page, bool busy);
    void showMessage(const QString &message);
    void dismissMessage();
    void updateTitle();

    api::ApiClient &m_client;
    ConnectionSettings &m_settings;
    QList<ConsolePage *> m_pages;

    QAction *m_refreshAction = nullptr;
    QAction *m_connectionAction = nullptr;
    QMenu *m_viewMenu = nullptr;
    QComboBox *m_connectionCombo = nullptr;
    QSplitter *m_splitter = nullptr;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_stack = nullptr;
    QFrame *m_messageBar = nullptr;
    QLabel *m_messageLabel = nullptr;
    QProgressBar *m_busyIndicator = nullptr;
    QLabel *m_keyLabel = nullptr;
    QPointer<ConnectionDialog> m_connectionDialog;
};

} // namespace llmring::console
