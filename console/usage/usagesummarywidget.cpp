// SPDX-License-Identifier: MIT

#include "usagesummarywidget.h"

#include "common/costformat.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

namespace llmring::console {

UsageSummaryWidget::UsageSummaryWidget(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_requests = addFigure(tr("Requests:"), QStringLiteral("requestsValue"), {});
    m_cost = addFigure(tr("Cost:"), QStringLiteral("costValue"), {});
    m_tokens = addFigure(tr("Tokens:"), QStringLiteral("tokensValue"), tr("Input and output tokens"));
    m_models = addFigure(tr("Models:"), QStringLiteral("modelsValue"), tr("Distinct models used in the range"));
    m_origins = addFigure(tr("Origins:"), QStringLiteral("originsValue"),
                          tr("Distinct origins in the range; requests logged without an origin are not counted"));
    layout->addStretch();
    clear();
}

QLabel *UsageSummaryWidget::addFigure(const QString &caption, const QString &objectName, const QString &toolTip)
{
    auto *captionLabel = new QLabel(caption, this);
    auto *valueLabel = new QLabel(this);
    valueLabel->setObjectName(objectName);
    valueLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont font = valueLabel->font();
    font.setBold(true);
    valueLabel->setFont(font);
    captionLabel->setToolTip(toolTip);
    valueLabel->setToolTip(toolTip);

    auto *row = qobject_cast<QHBoxLayout *>(layout());
    row->addWidget(captionLabel);
    row->addWidget(valueLabel);
    row->addSpacing(16);
    return valueLabel;
}

void UsageSummaryWidget::setSummary(const UsageSummary &summary)
{
    const QLocale locale;
    m_requests->setText(locale.toString(summary.requests));
    m_cost->setText(formatDollars(summary.cost, locale));
    m_cost->setToolTip(formatDollarsExact(summary.cost, locale));
    m_tokens->setText(locale.toString(summary.tokens));
    m_models->setText(locale.toString(summary.uniqueModels));
    m_origins->setText(locale.toString(summary.uniqueOrigins));
}

void UsageSummaryWidget::clear()
{
    const QString none = tr("–");
    for (QLabel *label : {m_requests, m_cost, m_tokens, m_models, m_origins})
        label->setText(none);
    m_cost->setToolTip({});
}

} // namespace llmring::console
