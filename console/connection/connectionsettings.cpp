// SPDX-License-Identifier: MIT

#include "connectionsettings.h"

#include <QFile>

namespace llmring::console {

namespace {

const QString ListKey = QStringLiteral("connections");
const QString NameKey = QStringLiteral("name");
const QString ServerKey = QStringLiteral("server");
const QString ApiKeyKey = QStringLiteral("apiKey");
const QString CurrentKey = QStringLiteral("currentConnection");

} // namespace

ConnectionSettings::ConnectionSettings(QObject *parent)
    : QObject(parent)
    , m_store(std::make_unique<QSettings>(QStringLiteral("llmring"), QStringLiteral("llmring-console")))
{
    load();
}

ConnectionSettings::ConnectionSettings(const QString &fileName, QObject *parent)
    : QObject(parent)
    , m_store(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
    load();
}

ConnectionSettings::~ConnectionSettings() = default;

QStringList ConnectionSettings::names() const
{
    QStringList names;
    for (const Connection &connection : m_connections)
        names.append(connection.name);
    return names;
}

std::optional<Connection> ConnectionSettings::connection(const QString &name) const
{
    const int index = indexOf(name);
    if (index < 0)
        return std::nullopt;
    return m_connections.at(index);
}

std::optional<Connection> ConnectionSettings::current() const
{
    return connection(m_currentName);
}

void ConnectionSettings::setCurrent(const QString &name)
{
    if (!contains(name) || name == m_currentName)
        return;
    m_currentName = name;
    write();
    Q_EMIT currentChanged(name);
}

void ConnectionSettings::save(const Connection &connection)
{
    const int index = indexOf(connection.name);
    if (index >= 0) {
        if (m_connections.at(index) == connection)
            return;
        m_connections[index] = connection;
    } else {
        m_connections.append(connection);
    }
    const bool firstCurrent = m_currentName.isEmpty();
    if (firstCurrent)
        m_currentName = connection.name;
    write();
    Q_EMIT connectionsChanged();
    if (firstCurrent)
        Q_EMIT currentChanged(m_currentName);
}

bool ConnectionSettings::update(const QString &oldName, const Connection &connection)
{
    const int index = indexOf(oldName);
    if (index < 0)
        return false;
    const int existing = indexOf(connection.name);
    if (existing >= 0 && existing != index)
        return false;

    m_connections[index] = connection;
    const bool renamedCurrent = m_currentName == oldName && oldName != connection.name;
    if (renamedCurrent)
        m_currentName = connection.name;
    write();
    Q_EMIT connectionsChanged();
    if (renamedCurrent)
        Q_EMIT currentChanged(m_currentName);
    return true;
}

bool ConnectionSettings::remove(const QString &name)
{
    const int index = indexOf(name);
    if (index < 0)
        return false;

    m_connections.removeAt(index);
    const bool removedCurrent = m_currentName == name;
    if (removedCurrent)
        m_currentName = m_connections.isEmpty() ? QString() : m_connections.constFirst().name;
    write();
    Q_EMIT connectionsChanged();
    if (removedCurrent)
        Q_EMIT currentChanged(m_currentName);
    return true;
}

int ConnectionSettings::indexOf(const QString &name) const
{
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections.at(i).name == name)
            return i;
    }
    return -1;
}

void ConnectionSettings::load()
{
    const int count = m_store->beginReadArray(ListKey);
    for (int i = 0; i < count; ++i) {
        m_store->setArrayIndex(i);
        Connection connection;
        connection.name = m_store->value(NameKey).toString();
        connection.serverUrl = QUrl(m_store->value(ServerKey).toString());
        connection.apiKey = m_store->value(ApiKeyKey).toString();
        // A hand-edited file may repeat or omit names; the first of each name wins.
        if (!connection.name.isEmpty() && !contains(connection.name))
            m_connections.append(connection);
    }
    m_store->endArray();

    m_currentName = m_store->value(CurrentKey).toString();
    if (!contains(m_currentName))
        m_currentName = m_connections.isEmpty() ? QString() : m_connections.constFirst().name;
}

void ConnectionSettings::write()
{
    m_store->remove(ListKey);
    m_store->beginWriteArray(ListKey, static_cast<int>(m_connections.size()));
    for (int i = 0; i < m_connections.size(); ++i) {
        const Connection &connection = m_connections.at(i);
        m_store->setArrayIndex(i);
        m_store->setValue(NameKey, connection.name);
        m_store->setValue(ServerKey, connection.serverUrl.toString());
        m_store->setValue(ApiKeyKey, connection.apiKey);
    }
    m_store->endArray();
    m_store->setValue(CurrentKey, m_currentName);
    m_store->sync();
    // The file contains API keys, so only its owner may read it.
    QFile::setPermissions(m_store->fileName(), QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace llmring::console
