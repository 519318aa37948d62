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

// Two lines over a time axis, drawn from a UsagePeriodModel through model mappers: cost
// on the left axis and requests on the right one. A time axis rather than one category
// per period keeps the gaps of periods without usage (the API omits them) visible. Its
// labels sit on the periods' first days, so ticks and points line up.
class PeriodChartView final : public QChartView
{
    Q_OBJECT

public:
    explicit PeriodChartView(UsagePeriodModel *model, QWidget *parent = nullptr);
    ~PeriodChartView() override;

    QLineSeries *costSeries() const { return m_costSeries; }
    QLineSeries *requestsSeries() const { return m_requestsSeries; }

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
