// SPDX-License-Identifier: MIT

#include "costbarchartview.h"

#include "chartaxes.h"
#include "costbreakdownmodel.h"

#include <QBarCategoryAxis>
#include <QHorizontalBarSeries>
#include <QSortFilterProxyModel>
#include <QVBarModelMapper>
#include <QValueAxis>

#include <algorithm>

namespace llmring::console {

namespace {

// The rows of the source model in reverse order. Horizontal bar charts draw the first
// category at the bottom, and QAbstractAxis::reverse does not apply to bar series.
class ReversedRowsModel final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        return left.row() > right.row();
    }
};

} // namespace

CostBarChartView::CostBarChartView(CostBreakdownModel *model, const QString &title, QWidget *parent)
    : QChartView(parent)
    , m_model(model)
    , m_series(new QHorizontalBarSeries(this))
    , m_mapper(new QVBarModelMapper(this))
    , m_categoryAxis(new QBarCategoryAxis(this))
    , m_costAxis(new QValueAxis(this))
{
    // Rows are the categories and the cost column is the only bar set. Reversed, the
    // costliest row is drawn on top.
    auto *reversed = new ReversedRowsModel(this);
    reversed->setSourceModel(model);
    reversed->sort(0);
    m_mapper->setFirstBarSetColumn(CostBreakdownModel::Cost);
    m_mapper->setLastBarSetColumn(CostBreakdownModel::Cost);
    m_mapper->setModel(reversed);
    m_mapper->setSeries(m_series);

    auto *chart = new QChart;
    chart->setTitle(title);
    chart->addSeries(m_series);
    chart->addAxis(m_categoryAxis, Qt::AlignLeft);
    chart->addAxis(m_costAxis, Qt::AlignBottom);
    m_series->attachAxis(m_categoryAxis);
    m_series->attachAxis(m_costAxis);
    chart->legend()->hide();
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);

    connect(model, &QAbstractItemModel::modelReset, this, &CostBarChartView::updateAxes);
    updateAxes();
}

CostBarChartView::~CostBarChartView()
{
    // Mappers also copy series changes into the model. Deleted first, this one cannot
    // pass the removal of the bars in ~QChart to a model that may be gone already.
    delete m_mapper;
}

void CostBarChartView::updateAxes()
{
    QStringList names;
    double maxCost = 0;
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        names.append(m_model->share(row).name);
        maxCost = std::max(maxCost, m_model->share(row).cost);
    }
    m_categoryAxis->setCategories(names);
    setDollarAxisRange(m_costAxis, maxCost);
}

} // namespace llmring::console
