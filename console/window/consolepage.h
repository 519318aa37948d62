// SPDX-License-Identifier: MIT
// The base of every page of the console's main window.

#pragma once

#include <QSettings>
#include <QString>
#include <QWidget>

namespace llmring::api {
class ApiClient;
}

namespace llmring::console {

// A page reads everything through the shared ApiClient, asynchronously, and reports
// what failed through errorOccurred() with a message the user can act on. The main
// window owns the pages, shows one at a time, and calls refresh() when the user asks
// (F5) and reload() when the connection (server or project key) changed.
class ConsolePage : public QWidget
{
    Q_OBJECT

public:
    explicit ConsolePage(api::ApiClient &client, QWidget *parent = nullptr);

    // The name in the page list and the window title, such as "Usage".
    virtual QString title() const = 0;

    // Loads the page's data again with its current filters, canceling a load in flight.
    virtual void refresh() = 0;

    // Drops what was loaded for the previous server or key, then refreshes.
    virtual void reload();

    // Stores and restores the page's filters and view options in the group `settings`
    // is in, so the console opens as the user left it.
    virtual void saveState(QSettings &settings) const;
    virtual void restoreState(QSettings &settings);

    bool isBusy() const { return m_busy; }
    // The last error reported, empty after a load that succeeded.
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void errorOccurred(const QString &message);
    // Emitted when a load of this page succeeded, so the window can clear its message.
    void loaded();
    void busyChanged(bool busy);

protected:
    api::ApiClient &client() const { return m_client; }

    void setBusy(bool busy);
    // Records and emits an error; call it once per failed load.
    void reportError(const QString &message);
    // Clears the last error and emits loaded().
    void reportLoaded();

private:
    api::ApiClient &m_client;
    bool m_busy = false;
    QString m_lastError;
};

} // namespace llmring::console
