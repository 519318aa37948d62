// SPDX-License-Identifier: MIT

#include "databaseerror.h"

namespace llmring {

DatabaseError::DatabaseError(Kind kind, QString operation, QString sqlState, QString message)
    : m_kind(kind)
    , m_operation(std::move(operation))
    , m_sqlState(std::move(sqlState))
    , m_message(std::move(message))
    , m_what(QStringLiteral("%1 failed (SQLSTATE %2): %3").arg(m_operation, m_sqlState, m_message).toUtf8())
{
}

} // namespace llmring
