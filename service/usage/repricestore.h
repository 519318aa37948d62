// SPDX-License-Identifier: MIT
// SQL for re-pricing unpriced usage logs across every project (an operator's command).

#pragma once

#include "core/timestamp.h"
#include "registry/modelprice.h"

#include <QList>
#include <QString>

namespace llmring {

class DatabaseConnection;

// Unlike UsageStore, these statements span all projects: prices come from the one
// registry every project shares. Throws DatabaseError when a statement fails.
class RepriceStore
{
public:
    explicit RepriceStore(DatabaseConnection &connection);

    struct UnpricedModel
    {
        QString provider;
        QString model;
        qint64 rows = 0;
    };

    // Models with unpriced logs at or after `since`, with their row counts, sorted.
    QList<UnpricedModel> unpricedModels(Timestamp since);

    // Prices the model's unpriced logs at or after `since` and marks them "registry".
    // Returns the number of rows changed.
    qint64 reprice(const QString &provider, const QString &model, const ModelPrice &price, Timestamp since);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
