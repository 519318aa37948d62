// SPDX-License-Identifier: MIT

#include "usagepage.h"

#include "api/apiclient.h"
#include "api/apireply.h"
#include "costbarchartview.h"
#include "costbreakdownmodel.h"
#include "costpiechartview.h"
#include "periodchartview.h"
#include "usageitemdelegate.h"
#include "usageperiodmodel.h"
#include "usagesummarywidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

constexpr int FilterPauseMilliseconds = 400;
constexpr int DefaultRefreshSeconds = 60;
constexpr int MinRefreshSeconds = 5;
constexpr int MaxRefreshSeconds = 3600;

// Settings keys, in the group the window gives the page.
const QString RangeKey = QStringLiteral("range");
const QString FromKey = QStringLiteral("from");
const QString ToKey = QStringLiteral("to");
const QString GroupByKey = QStringLiteral("groupBy");
const QString AutoRefreshKey = QStringLiteral("autoRefresh");
const QString AutoRefreshSecondsKey = QStringLiteral("autoRefreshSeconds");
const QString TabKey = QStringLiteral("tab");

// The names stored in the settings, in the order of UsagePage::RangePreset.
const QStringList &presetNames()
{
    static const QStringList names{QStringLiteral("last7days"), QStringLiteral("last30days"),
                                   QStringLiteral("last90days"), QStringLiteral("thisMonth"),
                                   QStringLiteral("custom")};
    return names;
}

QDate todayUtc()
{
    return QDateTime::currentDateTimeUtc().date();
}

QTableView *createTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return table;
}

// A chart and its table side by side, in a splitter that lets either shrink on small screens.
QSplitter *chartWithTable(QWidget *chart, QTableView *table)
{
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(chart);
    splitter->addWidget(table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    // The starting split, which the splitter scales to its width.
    splitter->setSizes({600, 400});
    splitter->setChildrenCollapsible(false);
    return splitter;
}

} // namespace

UsagePage::UsagePage(api::ApiClient &client, QWidget *parent)
    : ConsolePage(client, parent)
    , m_periodModel(new UsagePeriodModel(this))
    , m_modelCostModel(new CostBreakdownModel(CostBreakdownModel::Kind::Model, this))
    , m_originCostModel(new CostBreakdownModel(CostBreakdownModel::Kind::Origin, this))
    , m_filterTimer(new QTimer(this))
    , m_autoRefreshTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createFilterBar());
    layout->addWidget(createStatusBar());
    layout->addWidget(createTabs(), 1);

    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(FilterPauseMilliseconds);
    connect(m_filterTimer, &QTimer::timeout, this, &UsagePage::refresh);
    connect(m_autoRefreshTimer, &QTimer::timeout, this, &UsagePage::onAutoRefreshTimeout);

    applyPreset();
    updateAutoRefresh();
    setLoading(false);
}

UsagePage::~UsagePage()
{
    // The reply outlives the page otherwise, and its finished() must not reach it.
    api::discardReply(m_reply, this);
}

QWidget *UsagePage::createFilterBar()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);

    m_rangeBox = new QComboBox(bar);
    m_rangeBox->setObjectName(QStringLiteral("rangeBox"));
    m_rangeBox->addItem(tr("Last 7 days"));
    m_rangeBox->addItem(tr("Last 30 days"));
    m_rangeBox->addItem(tr("Last 90 days"));
    m_rangeBox->addItem(tr("This month"));
    m_rangeBox->addItem(tr("Custom"));
    m_rangeBox->setCurrentIndex(static_cast<int>(RangePreset::Last30Days));

    const QString dateHint = tr("Dates are UTC days: the range starts at 00:00 UTC on From and includes all of To.");
    m_fromEdit = new QDateEdit(bar);
    m_fromEdit->setObjectName(QStringLiteral("fromEdit"));
    m_toEdit = new QDateEdit(bar);
    m_toEdit->setObjectName(QStringLiteral("toEdit"));
    for (QDateEdit *edit : {m_fromEdit, m_toEdit}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setToolTip(dateHint);
    }

    m_groupingBox = new QComboBox(bar);
    m_groupingBox->setObjectName(QStringLiteral("groupingBox"));
    m_groupingBox->addItem(tr("Day"), groupingParameter(UsageGrouping::Day));
    m_groupingBox->addItem(tr("Week"), groupingParameter(UsageGrouping::Week));
    m_groupingBox->addItem(tr("Month"), groupingParameter(UsageGrouping::Month));
    m_groupingBox->setToolTip(tr("Weeks are ISO weeks, from Monday to Sunday."));

    m_refreshButton = new QPushButton(tr("Refresh"), bar);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_cancelButton = new QPushButton(tr("Cancel"), bar);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));

    auto *rangeLabel = new QLabel(tr("&Range:"), bar);
    rangeLabel->setBuddy(m_rangeBox);
    auto *fromLabel = new QLabel(tr("&From:"), bar);
    fromLabel->setBuddy(m_fromEdit);
    auto *toLabel = new QLabel(tr("&To:"), bar);
    toLabel->setBuddy(m_toEdit);
    auto *groupingLabel = new QLabel(tr("&Group by:"), bar);
    groupingLabel->setBuddy(m_groupingBox);

    layout->addWidget(rangeLabel);
    layout->addWidget(m_rangeBox);
    layout->addWidget(fromLabel);
    layout->addWidget(m_fromEdit);
    layout->addWidget(toLabel);
    layout->addWidget(m_toEdit);
    layout->addWidget(groupingLabel);
    layout->addWidget(m_groupingBox);
    layout->addStretch();
    layout->addWidget(m_refreshButton);
    layout->addWidget(m_cancelButton);

    connect(m_rangeBox, &QComboBox::activated, this, [this] {
        applyPreset();
        scheduleRefresh();
    });
    connect(m_fromEdit, &QDateEdit::dateChanged, this, &UsagePage::onDateEdited);
    connect(m_toEdit, &QDateEdit::dateChanged, this, &UsagePage::onDateEdited);
    connect(m_groupingBox, &QComboBox::currentIndexChanged, this, &UsagePage::scheduleRefresh);
    connect(m_refreshButton, &QPushButton::clicked, this, &UsagePage::refresh);
    connect(m_cancelButton, &QPushButton::clicked, this, &UsagePage::cancel);
    return bar;
}

QWidget *UsagePage::createStatusBar()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);

    m_summary = new UsageSummaryWidget(bar);
    m_progress = new QProgressBar(bar);
    m_progress->setRange(0, 0); // busy indicator: the stats response has no known size
    m_progress->setMaximumWidth(120);
    m_progress->setTextVisible(false);

    m_autoRefreshBox = new QCheckBox(tr("Refresh &every"), bar);
    m_autoRefreshBox->setObjectName(QStringLiteral("autoRefreshBox"));
    m_intervalBox = new QSpinBox(bar);
    m_intervalBox->setObjectName(QStringLiteral("intervalBox"));
    m_intervalBox->setRange(MinRefreshSeconds, MaxRefreshSeconds);
    m_intervalBox->setValue(DefaultRefreshSeconds);
    m_intervalBox->setSuffix(tr(" s"));
    m_intervalBox->setToolTip(tr("Seconds between automatic refreshes while this page is shown. A refresh "
                                 "is skipped while the previous one is still loading."));

    layout->addWidget(m_summary, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_autoRefreshBox);
    layout->addWidget(m_intervalBox);

    connect(m_autoRefreshBox, &QCheckBox::toggled, this, &UsagePage::updateAutoRefresh);
    connect(m_intervalBox, &QSpinBox::valueChanged, this, &UsagePage::updateAutoRefresh);
    return bar;
}

QWidget *UsagePage::createTabs()
{
    m_tabs = new QTabWidget(this);

    m_periodChart = new PeriodChartView(m_periodModel);
    QTableView *periodTable = createTable(m_periodModel, m_tabs);
    periodTable->setItemDelegateForColumn(UsagePeriodModel::Period,
                                          new UsageItemDelegate(UsageItemDelegate::Format::Date, periodTable));
    periodTable->setItemDelegateForColumn(UsagePeriodModel::Requests,
                                          new UsageItemDelegate(UsageItemDelegate::Format::Count, periodTable));
    periodTable->setItemDelegateForColumn(UsagePeriodModel::Cost,
                                          new UsageItemDelegate(UsageItemDelegate::Format::Dollars, periodTable));
    periodTable->setItemDelegateForColumn(UsagePeriodModel::Tokens,
                                          new UsageItemDelegate(UsageItemDelegate::Format::Count, periodTable));
    m_tabs->addTab(chartWithTable(m_periodChart, periodTable), tr("Over time"));

    const auto breakdownTable = [this](CostBreakdownModel *model) {
        QTableView *table = createTable(model, m_tabs);
        // The last column contains numbers, which a stretched column would move far from their row.
        table->horizontalHeader()->setStretchLastSection(false);
        table->setItemDelegateForColumn(CostBreakdownModel::Cost,
                                        new UsageItemDelegate(UsageItemDelegate::Format::Dollars, table));
        for (int column : {CostBreakdownModel::Requests, CostBreakdownModel::InputTokens,
                           CostBreakdownModel::OutputTokens}) {
            table->setItemDelegateForColumn(column, new UsageItemDelegate(UsageItemDelegate::Format::Count, table));
        }
        return table;
    };

    m_modelChart = new CostBarChartView(m_modelCostModel, tr("Cost by model"));
    m_tabs->addTab(chartWithTable(m_modelChart, breakdownTable(m_modelCostModel)), tr("By model"));

    m_originChart = new CostPieChartView(m_originCostModel, tr("Cost by origin (requests without an origin are left out)"));
    m_tabs->addTab(chartWithTable(m_originChart, breakdownTable(m_originCostModel)), tr("By origin"));
    return m_tabs;
}

QString UsagePage::title() const
{
    return tr("Usage");
}

std::pair<QDate, QDate> UsagePage::presetRange(RangePreset preset, const QDate &today)
{
    switch (preset) {
    case RangePreset::Last7Days:
        return {today.addDays(-6), today};
    case RangePreset::Last30Days:
        return {today.addDays(-29), today};
    case RangePreset::Last90Days:
        return {today.addDays(-89), today};
    case RangePreset::ThisMonth:
        return {QDate(today.year(), today.month(), 1), today};
    case RangePreset::Custom:
        break;
    }
    return {};
}

UsagePage::RangePreset UsagePage::rangePreset() const
{
    return static_cast<RangePreset>(m_rangeBox->currentIndex());
}

UsageGrouping UsagePage::grouping() const
{
    return static_cast<UsageGrouping>(m_groupingBox->currentIndex());
}

// Moves the date fields to the preset's range for today. Custom keeps them.
void UsagePage::applyPreset()
{
    const auto [from, to] = presetRange(rangePreset(), todayUtc());
    if (!from.isValid())
        return;
    const QSignalBlocker fromBlocker(m_fromEdit);
    const QSignalBlocker toBlocker(m_toEdit);
    m_fromEdit->setDate(from);
    m_toEdit->setDate(to);
}

void UsagePage::onDateEdited()
{
    m_rangeBox->setCurrentIndex(static_cast<int>(RangePreset::Custom));
    scheduleRefresh();
}

void UsagePage::scheduleRefresh()
{
    // Without a server the load could only fail, and the window refreshes after connecting.
    if (client().server().isValid())
        m_filterTimer->start();
}

void UsagePage::refresh()
{
    m_filterTimer->stop();
    api::discardReply(m_reply, this);

    // A moving range such as "Last 30 days" ends today also when the page stayed open
    // past midnight.
    applyPreset();
    const QDate from = m_fromEdit->date();
    const QDate to = m_toEdit->date();
    if (from > to) {
        setLoading(false);
        clearData();
        reportError(tr("The range starts on %1, after its end on %2. Choose a From date on or before the To date.")
                        .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate)));
        return;
    }

    // Plain dates rather than timestamps: the API reads a plain end_date as the whole
    // day, while a timestamp end_date is inclusive, so 00:00 of the next day would also
    // count requests logged at exactly that instant.
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("start_date"), from.toString(Qt::ISODate));
    query.addQueryItem(QStringLiteral("end_date"), to.toString(Qt::ISODate));
    const UsageGrouping requestedGrouping = grouping();
    query.addQueryItem(QStringLiteral("group_by"), groupingParameter(requestedGrouping));

    api::ApiReply *reply = client().get(QStringLiteral("/api/v1/stats"), query);
    m_reply = reply;
    connect(reply, &api::ApiReply::finished, this,
            [this, reply, requestedGrouping, from, to] { onStatsFinished(reply, requestedGrouping, from, to); });
    setLoading(true);
}

void UsagePage::reload()
{
    clearData();
    refresh();
}

void UsagePage::cancel()
{
    m_filterTimer->stop();
    if (m_reply)
        m_reply->abort(); // finished() follows with ApiError::Canceled
}

void UsagePage::onStatsFinished(api::ApiReply *reply, UsageGrouping requestedGrouping, const QDate &from,
                                const QDate &to)
{
    m_reply = nullptr;
    setLoading(false);
    if (reply->error() == api::ApiError::Canceled)
        return;
    if (!reply->isSuccess()) {
        clearData();
        reportError(reply->errorMessage());
        return;
    }

    QString invalidMember;
    const std::optional<UsageReport> report = UsageReport::fromJson(reply->json().toObject(), &invalidMember);
    if (!report) {
        clearData();
        reportError(tr("The usage statistics from %1 have a missing or invalid \"%2\". Check that the server is "
                       "an llmring-server of a matching version.")
                        .arg(client().server().toDisplayString(), invalidMember));
        return;
    }

    m_summary->setSummary(report->summary);
    m_periodModel->setPeriods(report->periods, requestedGrouping, from, to);
    m_modelCostModel->setShares(report->byModel);
    m_originCostModel->setShares(report->byOrigin);
    reportLoaded();
}

void UsagePage::setLoading(bool loading)
{
    m_progress->setVisible(loading);
    m_cancelButton->setEnabled(loading);
    setBusy(loading);
}

void UsagePage::clearData()
{
    m_summary->clear();
    m_periodModel->clear();
    m_modelCostModel->clear();
    m_originCostModel->clear();
}

void UsagePage::updateAutoRefresh()
{
    m_intervalBox->setEnabled(m_autoRefreshBox->isChecked());
    if (m_autoRefreshBox->isChecked())
        m_autoRefreshTimer->start(m_intervalBox->value() * 1000);
    else
        m_autoRefreshTimer->stop();
}

void UsagePage::onAutoRefreshTimeout()
{
    // Skipping rather than canceling lets a load slower than the interval finish.
    if (m_reply || !isVisible() || !client().server().isValid())
        return;
    refresh();
}

void UsagePage::saveState(QSettings &settings) const
{
    settings.setValue(RangeKey, presetNames().value(static_cast<int>(rangePreset())));
    settings.setValue(FromKey, m_fromEdit->date().toString(Qt::ISODate));
    settings.setValue(ToKey, m_toEdit->date().toString(Qt::ISODate));
    settings.setValue(GroupByKey, groupingParameter(grouping()));
    settings.setValue(AutoRefreshKey, m_autoRefreshBox->isChecked());
    settings.setValue(AutoRefreshSecondsKey, m_intervalBox->value());
    settings.setValue(TabKey, m_tabs->currentIndex());
}

void UsagePage::restoreState(QSettings &settings)
{
    const QSignalBlocker rangeBlocker(m_rangeBox);
    const QSignalBlocker fromBlocker(m_fromEdit);
    const QSignalBlocker toBlocker(m_toEdit);
    const QSignalBlocker groupingBlocker(m_groupingBox);

    const qsizetype preset = presetNames().indexOf(settings.value(RangeKey).toString());
    if (preset >= 0)
        m_rangeBox->setCurrentIndex(static_cast<int>(preset));
    if (rangePreset() == RangePreset::Custom) {
        const QDate from = QDate::fromString(settings.value(FromKey).toString(), Qt::ISODate);
        const QDate to = QDate::fromString(settings.value(ToKey).toString(), Qt::ISODate);
        if (from.isValid() && to.isValid()) {
            m_fromEdit->setDate(from);
            m_toEdit->setDate(to);
        }
    }
    applyPreset();

    const int groupingIndex = m_groupingBox->findData(settings.value(GroupByKey).toString());
    if (groupingIndex >= 0)
        m_groupingBox->setCurrentIndex(groupingIndex);

    m_intervalBox->setValue(settings.value(AutoRefreshSecondsKey, DefaultRefreshSeconds).toInt());
    m_autoRefreshBox->setChecked(settings.value(AutoRefreshKey, false).toBool());
    updateAutoRefresh();

    const int tab = settings.value(TabKey, 0).toInt();
    if (tab >= 0 && tab < m_tabs->count())
        m_tabs->setCurrentIndex(tab);
}

} // namespace llmring::console
