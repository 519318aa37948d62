// SPDX-License-Identifier: MIT
// The Logs page: the project's raw usage log with filters, row details and CSV export.

#pragma once

#include "api/apiclient.h"
#include "window/consolepage.h"

#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressDialog;
class QPushButton;
class QTableView;

namespace llmring::console {

class DateRangeFilter;
class LogCsvExporter;
class LogTableModel;

// Shows GET /api/v1/logs in a table that loads pages as the user scrolls, and the
// selected row's full JSON below it. The rows keep the server's order, newest or oldest
// first as the user picks, because the view never re-sorts. "Export CSV…" writes every
// row matching the applied filters to a file.
class LogsPage final : public ConsolePage
{
    Q_OBJECT

public:
    explicit LogsPage(api::ApiClient &client, QWidget *parent = nullptr);
    ~LogsPage() override;

    QString title() const override;
    // Applies the filters: drops the loaded rows and loads the first page.
    void refresh() override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    LogTableModel *logModel() const { return m_model; }
    // The query the filter widgets describe now, which refresh() applies.
    api::LogQuery filterQuery() const;

    // Exports the rows of the applied filters to `path`, with a progress dialog that can
    // cancel. "Export CSV…" calls it with the file the user chose.
    void exportCsv(const QString &path);
    bool isExporting() const;

Q_SIGNALS:
    void exportFinished(bool ok, const QString &message);

private:
    void buildLayout();
    void chooseExportFile();
    void onExportProgress(qint64 rowsWritten, qint64 totalRows);
    void onExportFinished(bool ok, const QString &message);
    void updateRowsLabel();
    void showDetail();

    LogTableModel *m_model = nullptr;
    LogCsvExporter *m_exporter = nullptr;
    QPointer<QProgressDialog> m_progress;

    QLineEdit *m_modelFilter = nullptr;
    QLineEdit *m_aliasFilter = nullptr;
    QLineEdit *m_originFilter = nullptr;
    QLineEdit *m_providerFilter = nullptr;
    QLineEdit *m_profileFilter = nullptr;
    DateRangeFilter *m_dateRange = nullptr;
    QComboBox *m_order = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QLabel *m_exportLabel = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_detail = nullptr;
    QLabel *m_rowsLabel = nullptr;
    bool m_columnsSized = false;
};

} // namespace llmring::console
