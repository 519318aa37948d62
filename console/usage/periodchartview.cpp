// SPDX-License-Identifier: MIT

#include "periodchartview.h"

#include "chartaxes.h"
#include "usageperiodmodel.h"

#include <QCategoryAxis>
#include <QLineSeries>
#include <QLocale>
#include <QPen>
#include <QVXYModelMapper>
#include <QValueAxis>

#include <algorithm>

namespace llmring::console {

namespace {

// More labels than this overlap on a chart about 600 pixels wide.
constexpr int MaxTimeLabels = 8;

// Blue and orange, which readers with red-green color blindness can also tell apart.
// Requests get the thinner line, so the cost line stays readable where the two overlap.
const QColor CostColor(0x1f, 0x77, 0xb4);
const QColor RequestsColor(0xff, 0x7f, 0x0e);
constexpr qreal CostLineWidth = 3;
constexpr qreal RequestsLineWidth = 2;

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

    // Each value axis takes the color of its line, so the reader can match scale and line.
    const auto colorSeries = [](QLineSeries *series, QValueAxis *axis, const QColor &color, qreal width) {
        series->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        axis->setLinePenColor(color);
        axis->setTitleBrush(color);
    };
    colorSeries(m_costSeries, m_costAxis, CostColor, CostLineWidth);
    colorSeries(m_requestsSeries, m_requestsAxis, RequestsColor, RequestsLineWidth);

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
    qreal start = timeValue(first) - margin;
    qreal end = timeValue(last) + margin;
    // A week or a month is drawn at its first day, so half a period past that can end
    // before the range does. The axis spans at least what a chart by day of the same
    // range would, so that the last days of the range stay in view.
    const qreal halfDay = static_cast<qreal>(halfPeriodMilliseconds(UsageGrouping::Day));
    if (m_model->from().isValid() && m_model->to().isValid()) {
        start = std::min(start, timeValue(m_model->from()) - halfDay);
        end = std::max(end, timeValue(m_model->to()) + halfDay);
    }
    m_timeAxis->setStartValue(start);
    // Every period gets a label when they fit, else every second, third, and so on.
    const qsizetype step = (periods.size() + MaxTimeLabels - 1) / MaxTimeLabels;
    const QLocale locale;
    for (qsizetype i = 0; i < periods.size(); i += std::max<qsizetype>(step, 1)) {
        const QDate start = periods.at(i).start;
        m_timeAxis->append(locale.toString(start, dateFormat), timeValue(start));
    }
    m_timeAxis->setRange(start, end);

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
