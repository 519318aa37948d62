// SPDX-License-Identifier: MIT

#include "consolepage.h"

namespace llmring::console {

ConsolePage::ConsolePage(api::ApiClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
{
}

void ConsolePage::reload()
{
    refresh();
}

void ConsolePage::saveState(QSettings &) const
{
}

void ConsolePage::restoreState(QSettings &)
{
}

void ConsolePage::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void ConsolePage::reportError(const QString &message)
{
    m_lastError = message;
    Q_EMIT errorOccurred(message);
}

void ConsolePage::reportLoaded()
{
    m_lastError.clear();
    Q_EMIT loaded();
}

} // namespace llmring::console
