// SPDX-License-Identifier: MIT
// The chart of cost and requests per period.

#pragma once

#include <QChartView>

class QCategoryAxis;
class QLineSeries;
class QValueAxis;
class QVXYModelMapper;

namespace llmring::console {

class UsagePeriodModel;

// Two solid lines of distinct colors over a time axis, drawn from a UsagePeriodModel
// through model mappers: cost on the left axis and requests on the right one. The model
// has a zero row for each period without usage, so the time axis spans the whole range
// and a line drops to zero on idle periods. The axis labels sit on the periods' first
// days, so ticks and points line up.
class PeriodChartView final : public QChartView
{
    Q_OBJECT

public:
    explicit PeriodChartView(UsagePeriodModel *model, QWidget *parent = nullptr);
    ~PeriodChartView() override;

    QLineSeries *costSeries() const { return m_costSeries; }
    QLineSeries *requestsSeries() const { return m_requestsSeries; }
    QCategoryAxis *timeAxis() const { return m_timeAxis; }

private:
    QLineSeries *addMappedSeries(int valueColumn);
    void updateAxes();

    UsagePeriodModel *m_model;
    QList<QVXYModelMapper *> m_mappers;
    QLineSeries *m_costSeries;
    QLineSeries *m_requestsSeries;
    QCategoryAxis *m_timeAxis;
    QValueAxis *m_costAxis;
    QValueAxis *m_requestsAxis;
};

} // namespace llmring::console
