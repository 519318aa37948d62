// SPDX-License-Identifier: MIT
// The Usage page: totals and charts of GET /api/v1/stats for a date range.

#pragma once

#include "usagereport.h"
#include "window/consolepage.h"

#include <QDate>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTimer;

namespace llmring::api {
class ApiReply;
}

namespace llmring::console {

class CostBarChartView;
class CostBreakdownModel;
class CostPieChartView;
class PeriodChartView;
class UsagePeriodModel;
class UsageSummaryWidget;

// Shows the project's usage between two UTC dates, grouped by day, week or month: the
// totals, cost and requests per period, and cost per model and per origin. Each chart
// and the table beside it share one model. Changing a filter loads again after a short
// pause, and "Refresh every N s" reloads on a timer while the page is visible.
class UsagePage final : public ConsolePage
{
    Q_OBJECT

public:
    // The ranges the range box offers. All but Custom end today, so they move with the date.
    enum class RangePreset { Last7Days, Last30Days, Last90Days, ThisMonth, Custom };

    explicit UsagePage(api::ApiClient &client, QWidget *parent = nullptr);
    ~UsagePage() override;

    QString title() const override;
    // Cancels a load in flight and starts a new one with the current filters.
    void refresh() override;
    void reload() override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    // Cancels the load in flight, keeping what the page showed before it.
    void cancel();

    UsagePeriodModel *periodModel() const { return m_periodModel; }
    CostBreakdownModel *modelCostModel() const { return m_modelCostModel; }
    CostBreakdownModel *originCostModel() const { return m_originCostModel; }
    PeriodChartView *periodChart() const { return m_periodChart; }
    CostBarChartView *modelChart() const { return m_modelChart; }
    CostPieChartView *originChart() const { return m_originChart; }

    // The first and last day of `preset` when today (UTC) is `today`. Custom has none.
    static std::pair<QDate, QDate> presetRange(RangePreset preset, const QDate &today);

private:
    QWidget *createFilterBar();
    QWidget *createStatusBar();
    QWidget *createTabs();

    RangePreset rangePreset() const;
    UsageGrouping grouping() const;
    void applyPreset();
    void onDateEdited();
    void scheduleRefresh();
    void onAutoRefreshTimeout();
    void updateAutoRefresh();
    void onStatsFinished(api::ApiReply *reply, UsageGrouping grouping, const QDate &from, const QDate &to);
    void setLoading(bool loading);
    // Empties the labels, tables and charts, so that a failed load leaves no figures of
    // an earlier one on screen.
    void clearData();

    QComboBox *m_rangeBox = nullptr;
    QDateEdit *m_fromEdit = nullptr;
    QDateEdit *m_toEdit = nullptr;
    QComboBox *m_groupingBox = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QCheckBox *m_autoRefreshBox = nullptr;
    QSpinBox *m_intervalBox = nullptr;
    UsageSummaryWidget *m_summary = nullptr;
    QTabWidget *m_tabs = nullptr;

    UsagePeriodModel *m_periodModel;
    CostBreakdownModel *m_modelCostModel;
    CostBreakdownModel *m_originCostModel;
    PeriodChartView *m_periodChart = nullptr;
    CostBarChartView *m_modelChart = nullptr;
    CostPieChartView *m_originChart = nullptr;

    // Collects filter edits made in quick succession into one load.
    QTimer *m_filterTimer;
    QTimer *m_autoRefreshTimer;
    QPointer<api::ApiReply> m_reply;
};

} // namespace llmring::console
