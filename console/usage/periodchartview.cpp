// SPDX-License-Identifier: MIT

#include "periodchartview.h"

#include "chartaxes.h"
#include "usageperiodmodel.h"

#include <QCategoryAxis>
#include <QLineSeries>
#include <QLocale>
#include <QVXYModelMapper>
#include <QValueAxis>

#include <algorithm>

namespace llmring::console {

namespace {

// More labels than this overlap on a chart about 600 pixels wide.
constexpr int MaxTimeLabels = 8;

// Half a period in milliseconds, the margin left and right of the first and last point.
qint64 halfPeriodMilliseconds(UsageGrouping grouping)
{
    constexpr qint64 Day = 24 * 60 * 60 * 1000;
    switch (grouping) {
    case UsageGrouping::Day:
        return Day / 2;
    case UsageGrouping::Week:
        return 7 * Day / 2;
    case UsageGrouping::Month:
        return 15 * Day;
    }
    return Day / 2;
}

// The x value the mapper computes for a period starting on `date`.
qreal timeValue(const QDate &date)
{
    return static_cast<qreal>(date.startOfDay().toMSecsSinceEpoch());
}

} // namespace

PeriodChartView::PeriodChartView(UsagePeriodModel *model, QWidget *parent)
    : QChartView(parent)
    , m_model(model)
    , m_costSeries(addMappedSeries(UsagePeriodModel::Cost))
    , m_requestsSeries(addMappedSeries(UsagePeriodModel::Requests))
    , m_timeAxis(new QCategoryAxis(this))
    , m_costAxis(new QValueAxis(this))
    , m_requestsAxis(new QValueAxis(this))
{
    m_costSeries->setName(tr("Cost"));
    m_requestsSeries->setName(tr("Requests"));
    QPen requestsPen = m_requestsSeries->pen();
    requestsPen.setStyle(Qt::DashLine);
    m_requestsSeries->setPen(requestsPen);

    m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_costAxis->setTitleText(tr("Cost"));
    m_requestsAxis->setTitleText(tr("Requests"));

    auto *chart = new QChart;
    chart->addSeries(m_costSeries);
    chart->addSeries(m_requestsSeries);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_costAxis, Qt::AlignLeft);
    chart->addAxis(m_requestsAxis, Qt::AlignRight);
    m_costSeries->attachAxis(m_timeAxis);
    m_costSeries->attachAxis(m_costAxis);
    m_requestsSeries->attachAxis(m_timeAxis);
    m_requestsSeries->attachAxis(m_requestsAxis);
    chart->legend()->setAlignment(Qt::AlignBottom);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);

    connect(model, &QAbstractItemModel::modelReset, this, &PeriodChartView::updateAxes);
    updateAxes();
}

PeriodChartView::~PeriodChartView()
{
    // Mappers also copy series changes into the model. Deleted first, they cannot pass
    // the removal of the points in ~QChart to a model that may be gone already.
    qDeleteAll(m_mappers);
}

QLineSeries *PeriodChartView::addMappedSeries(int valueColumn)
{
    auto *series = new QLineSeries(this);
    series->setPointsVisible(true);
    auto *mapper = new QVXYModelMapper(this);
    // The period column's display role is a QDate, which the mapper turns into
    // milliseconds since the epoch at the start of that day.
    mapper->setXColumn(UsagePeriodModel::Period);
    mapper->setYColumn(valueColumn);
    mapper->setModel(m_model);
    mapper->setSeries(series);
    m_mappers.append(mapper);
    return series;
}

void PeriodChartView::updateAxes()
{
    const QList<UsagePeriod> &periods = m_model->periods();
    const UsageGrouping grouping = m_model->grouping();

    QString dateFormat;
    switch (grouping) {
    case UsageGrouping::Day:
        chart()->setTitle(tr("Cost and requests per day"));
        dateFormat = QStringLiteral("MMM d");
        break;
    case UsageGrouping::Week:
        chart()->setTitle(tr("Cost and requests per week (weeks start on Monday)"));
        dateFormat = QStringLiteral("MMM d");
        break;
    case UsageGrouping::Month:
        chart()->setTitle(tr("Cost and requests per month"));
        dateFormat = QStringLiteral("MMM yyyy");
        break;
    }

    for (const QString &label : m_timeAxis->categoriesLabels())
        m_timeAxis->remove(label);
    const QDate first = periods.isEmpty() ? QDate::currentDate() : periods.constFirst().start;
    const QDate last = periods.isEmpty() ? QDate::currentDate() : periods.constLast().start;
    const qreal margin = static_cast<qreal>(halfPeriodMilliseconds(grouping));
    m_timeAxis->setStartValue(timeValue(first) - margin);
    // Every period gets a label when they fit, else every second, third, and so on.
    const qsizetype step = (periods.size() + MaxTimeLabels - 1) / MaxTimeLabels;
    const QLocale locale;
    for (qsizetype i = 0; i < periods.size(); i += std::max<qsizetype>(step, 1)) {
        const QDate start = periods.at(i).start;
        m_timeAxis->append(locale.toString(start, dateFormat), timeValue(start));
    }
    m_timeAxis->setRange(timeValue(first) - margin, timeValue(last) + margin);

    double maxCost = 0;
    qint64 maxRequests = 0;
    for (const UsagePeriod &period : periods) {
        maxCost = std::max(maxCost, period.cost);
        maxRequests = std::max(maxRequests, period.requests);
    }
    setDollarAxisRange(m_costAxis, maxCost);
    setCountAxisRange(m_requestsAxis, static_cast<double>(maxRequests));
}

} // namespace llmring::console
