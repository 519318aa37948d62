// SPDX-License-Identifier: MIT

#include "transaction.h"

#include "databaseconnection.h"
#include "databaseerror.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcDatabase)

namespace llmring {

Transaction::Transaction(DatabaseConnection &connection, const QString &begin)
    : m_connection(connection)
{
    m_connection.execText(begin, QStringLiteral("begin transaction"));
}

Transaction::~Transaction()
{
    // A connection that broke was closed, and closing it ended the transaction on the
    // server, so there is nothing to roll back.
    if (!m_open || !m_connection.isOpen())
        return;
    try {
        m_connection.execText(QStringLiteral("ROLLBACK"), QStringLiteral("rollback"));
    } catch (const DatabaseError &error) {
        qCWarning(lcDatabase).noquote() << "Rollback failed:" << error.what();
    }
}

void Transaction::commit()
{
    m_open = false;
    m_connection.execText(QStringLiteral("COMMIT"), QStringLiteral("commit"));
}

} // namespace llmring
