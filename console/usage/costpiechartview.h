// SPDX-License-Identifier: MIT
// A pie chart of the cost per origin.

#pragma once

#include <QChartView>

class QPieSeries;
class QVPieModelMapper;

namespace llmring::console {

class CostBreakdownModel;

// One slice per row of a CostBreakdownModel, labelled by the name column and sized by
// the cost column through a model mapper.
class CostPieChartView final : public QChartView
{
    Q_OBJECT

public:
    CostPieChartView(CostBreakdownModel *model, const QString &title, QWidget *parent = nullptr);
    ~CostPieChartView() override;

    QPieSeries *series() const { return m_series; }

private:
    QPieSeries *m_series;
    QVPieModelMapper *m_mapper;
};

} // namespace llmring::console
