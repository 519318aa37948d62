// SPDX-License-Identifier: MIT
// A WHERE clause assembled from fixed fragments, with the values to bind.

#pragma once

#include "core/timestamp.h"

#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <optional>

namespace llmring {

// Collects conditions such as "model = :model" with their values. Only the fixed
// fragments reach the SQL text; every value is bound. shape() names the set of
// fragments, so each combination can be prepared once and cached under its own key.
class ConditionBuilder
{
public:
    void add(const QString &fragment, const QString &placeholder, const QVariant &value);

    template<typename T>
    void addIfPresent(const std::optional<T> &value, const QString &fragment, const QString &placeholder)
    {
        if (value)
            add(fragment, placeholder, QVariant::fromValue(*value));
    }

    // A time bound is bound as PostgreSQL timestamptz text, which keeps microseconds.
    void addIfPresent(const std::optional<Timestamp> &bound, const QString &fragment, const QString &placeholder)
    {
        if (bound)
            add(fragment, placeholder, bound->toPostgresText());
    }

    QString where() const;
    QString shape() const;
    void bind(QSqlQuery &query) const;

private:
    struct Condition
    {
        QString fragment;
        QString placeholder;
        QVariant value;
    };
    QList<Condition> m_conditions;
};

} // namespace llmring
