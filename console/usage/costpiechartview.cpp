// SPDX-License-Identifier: MIT

#include "costpiechartview.h"

#include "costbreakdownmodel.h"

#include <QPieSeries>
#include <QVPieModelMapper>

namespace llmring::console {

CostPieChartView::CostPieChartView(CostBreakdownModel *model, const QString &title, QWidget *parent)
    : QChartView(parent)
    , m_series(new QPieSeries(this))
    , m_mapper(new QVPieModelMapper(this))
{
    m_mapper->setLabelsColumn(CostBreakdownModel::Name);
    m_mapper->setValuesColumn(CostBreakdownModel::Cost);
    m_mapper->setModel(model);
    m_mapper->setSeries(m_series);

    auto *chart = new QChart;
    chart->setTitle(title);
    chart->addSeries(m_series);
    // Slice labels crowd each other with ten slices, so the legend names them.
    chart->legend()->setAlignment(Qt::AlignRight);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);
}

CostPieChartView::~CostPieChartView()
{
    // Mappers also copy series changes into the model. Deleted first, this one cannot
    // pass the removal of the slices in ~QChart to a model that may be gone already.
    delete m_mapper;
}

} // namespace llmring::console
