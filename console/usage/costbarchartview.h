// SPDX-License-Identifier: MIT
// A horizontal bar chart of cost per model.

#pragma once

#include <QChartView>

class QBarCategoryAxis;
class QHorizontalBarSeries;
class QVBarModelMapper;
class QValueAxis;

namespace llmring::console {

class CostBreakdownModel;

// One bar per row of a CostBreakdownModel, mapped from its cost column, with the first
// row (the costliest) on top. The bar set and the categories list the rows bottom up.
class CostBarChartView final : public QChartView
{
    Q_OBJECT

public:
    explicit CostBarChartView(CostBreakdownModel *model, const QString &title, QWidget *parent = nullptr);
    ~CostBarChartView() override;

    QHorizontalBarSeries *series() const { return m_series; }
    QBarCategoryAxis *categoryAxis() const { return m_categoryAxis; }

private:
    void updateAxes();

    CostBreakdownModel *m_model;
    QHorizontalBarSeries *m_series;
    QVBarModelMapper *m_mapper;
    QBarCategoryAxis *m_categoryAxis;
    QValueAxis *m_costAxis;
};

} // namespace llmring::console
