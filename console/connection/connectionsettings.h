// SPDX-License-Identifier: MIT
// The saved connections of the console (name, server URL and project API key) and
// which one is current, kept with QSettings.

#pragma once

#include <QList>
#include <QObject>
#include <QSettings>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace llmring::console {

// One service and project the console can talk to. The API key is the project id.
struct Connection
{
    QString name;
    QUrl serverUrl;
    QString apiKey;

    friend bool operator==(const Connection &, const Connection &) = default;
};

// Reads and writes the connection list and the current connection's name. Every change
// is written to the store at once, so two windows or a crash lose nothing.
//
// NOTE: the API key is stored as QSettings stores any value, which is plain text in the
// user's configuration file (on Linux ~/.config/llmring/llmring-console.conf). That is the
// same trust the llmring client gives the key in its own configuration. The console
// writes the key nowhere else and shows at most its fingerprint.
//
// The store also contains the main window's state, so store() is shared with it.
class ConnectionSettings final : public QObject
{
    Q_OBJECT

public:
    // The user's settings: organization "llmring", application "llmring-console".
    explicit ConnectionSettings(QObject *parent = nullptr);
    // An INI file at `fileName`, for tests and for a portable installation.
    explicit ConnectionSettings(const QString &fileName, QObject *parent = nullptr);
    ~ConnectionSettings() override;

    // In the order they were added.
    QList<Connection> connections() const { return m_connections; }
    QStringList names() const;
    std::optional<Connection> connection(const QString &name) const;
    bool contains(const QString &name) const { return indexOf(name) >= 0; }

    // The connection the console uses; std::nullopt when none is saved or chosen.
    std::optional<Connection> current() const;
    QString currentName() const { return m_currentName; }
    // Does nothing unless a connection named `name` exists.
    void setCurrent(const QString &name);

    // Adds `connection`, or replaces the saved one with the same name. The first
    // connection saved while none is current becomes current.
    void save(const Connection &connection);
    // Replaces the connection named `oldName` by `connection`, keeping its position, so a
    // connection can be renamed. Returns false when `oldName` is unknown or another
    // connection already uses the new name.
    bool update(const QString &oldName, const Connection &connection);
    // Removes the connection named `name`; when it was current, the first remaining one
    // becomes current. Returns false when there is none with that name.
    bool remove(const QString &name);

    // The QSettings behind the list, for other console state such as window geometry.
    QSettings &store() { return *m_store; }

Q_SIGNALS:
    // The list changed: a connection was added, changed or removed.
    void connectionsChanged();
    void currentChanged(const QString &name);

private:
    int indexOf(const QString &name) const;
    void load();
    void write();

    std::unique_ptr<QSettings> m_store;
    QList<Connection> m_connections;
    QString m_currentName;
};

} // namespace llmring::console
