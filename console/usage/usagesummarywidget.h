// SPDX-License-Identifier: MIT
// The totals of a usage report in one row of labels.

#pragma once

#include "usagereport.h"

#include <QWidget>

class QLabel;

namespace llmring::console {

// Requests, cost, tokens, distinct models and distinct origins. Each value label has an
// object name (requestsValue, costValue, tokensValue, modelsValue, originsValue) so that
// tests can read it.
class UsageSummaryWidget final : public QWidget
{
    Q_OBJECT

public:
    explicit UsageSummaryWidget(QWidget *parent = nullptr);

    void setSummary(const UsageSummary &summary);
    // Shows a dash in every value, for a page with nothing loaded.
    void clear();

private:
    QLabel *addFigure(const QString &caption, const QString &objectName, const QString &toolTip);

    QLabel *m_requests;
    QLabel *m_cost;
    QLabel *m_tokens;
    QLabel *m_models;
    QLabel *m_origins;
};

} // namespace llmring::console
