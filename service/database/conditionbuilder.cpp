// SPDX-License-Identifier: MIT

#include "conditionbuilder.h"

#include <QStringList>

namespace llmring {

void ConditionBuilder::add(const QString &fragment, const QString &placeholder, const QVariant &value)
{
    m_conditions.append({fragment, placeholder, value});
}

QString ConditionBuilder::where() const
{
    QStringList fragments;
    for (const Condition &condition : m_conditions)
        fragments.append(condition.fragment);
    return fragments.join(QStringLiteral(" AND "));
}

QString ConditionBuilder::shape() const
{
    QStringList placeholders;
    for (const Condition &condition : m_conditions)
        placeholders.append(condition.placeholder);
    return placeholders.join(u'.');
}

void ConditionBuilder::bind(QSqlQuery &query) const
{
    for (const Condition &condition : m_conditions)
        query.bindValue(condition.placeholder, condition.value);
}

} // namespace llmring
