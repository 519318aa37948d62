// SPDX-License-Identifier: MIT

#include "logspage.h"

#include "logcsvexporter.h"
#include "logtablemodel.h"

#include "common/daterangefilter.h"
#include "common/filteredit.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

constexpr int DefaultRangeDays = 7;

} // namespace

LogsPage::LogsPage(api::ApiClient &client, QWidget *parent)
    : ConsolePage(client, parent)
    , m_model(new LogTableModel(client, this))
    , m_exporter(new LogCsvExporter(client, this))
{
    buildLayout();

    for (QLineEdit *edit : {m_modelFilter, m_aliasFilter, m_originFilter, m_providerFilter, m_profileFilter})
        connect(edit, &QLineEdit::returnPressed, this, &LogsPage::refresh);
    connect(m_applyButton, &QPushButton::clicked, this, &LogsPage::refresh);
    connect(m_exportButton, &QPushButton::clicked, this, &LogsPage::chooseExportFile);

    connect(m_model, &LogTableModel::loadingChanged, this, [this](bool loading) {
        setBusy(loading);
        updateRowsLabel();
    });
    connect(m_model, &LogTableModel::pageLoaded, this, [this] {
        if (!m_columnsSized && m_model->rowCount() > 0) {
            m_table->resizeColumnsToContents();
            m_columnsSized = true;
        }
        updateRowsLabel();
        reportLoaded();
    });
    connect(m_model, &LogTableModel::errorOccurred, this, [this](const QString &message) {
        updateRowsLabel();
        reportError(message);
    });
    connect(m_model, &LogTableModel::modelReset, this, [this] {
        m_detail->clear();
        updateRowsLabel();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LogsPage::showDetail);

    connect(m_exporter, &LogCsvExporter::progress, this, &LogsPage::onExportProgress);
    connect(m_exporter, &LogCsvExporter::finished, this, &LogsPage::onExportFinished);

    updateRowsLabel();
}

LogsPage::~LogsPage() = default;

QString LogsPage::title() const
{
    return tr("Logs");
}

void LogsPage::buildLayout()
{
    m_modelFilter = filterEdit(QStringLiteral("modelFilter"), this);
    m_aliasFilter = filterEdit(QStringLiteral("aliasFilter"), this);
    m_originFilter = filterEdit(QStringLiteral("originFilter"), this);
    m_providerFilter = filterEdit(QStringLiteral("providerFilter"), this);
    m_profileFilter = filterEdit(QStringLiteral("profileFilter"), this);

    m_dateRange = new DateRangeFilter(DefaultRangeDays, this);

    m_order = new QComboBox(this);
    m_order->setObjectName(QStringLiteral("order"));
    m_order->addItem(tr("Newest first"), false);
    m_order->addItem(tr("Oldest first"), true);

    m_applyButton = new QPushButton(tr("Apply"), this);
    m_applyButton->setObjectName(QStringLiteral("apply"));
    m_exportButton = new QPushButton(tr("Export CSV…"), this);
    m_exportButton->setObjectName(QStringLiteral("export"));
    m_exportLabel = new QLabel(this);
    m_exportLabel->setObjectName(QStringLiteral("exportStatus"));
    // A long message wraps instead of widening the window beyond the screen.
    m_exportLabel->setWordWrap(true);
    m_exportLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *filters = new QGridLayout;
    const QList<QPair<QString, QLineEdit *>> textFilters{
        {tr("Model:"), m_modelFilter},   {tr("Alias:"), m_aliasFilter},     {tr("Origin:"), m_originFilter},
        {tr("Provider:"), m_providerFilter}, {tr("Profile:"), m_profileFilter},
    };
    for (int i = 0; i < textFilters.size(); ++i) {
        auto *label = new QLabel(textFilters.at(i).first, this);
        label->setBuddy(textFilters.at(i).second);
        filters->addWidget(label, 0, 2 * i);
        filters->addWidget(textFilters.at(i).second, 0, 2 * i + 1);
    }

    auto *rangeRow = new QHBoxLayout;
    m_dateRange->addTo(rangeRow);
    rangeRow->addSpacing(12);
    auto *orderLabel = new QLabel(tr("Order:"), this);
    orderLabel->setBuddy(m_order);
    rangeRow->addWidget(orderLabel);
    rangeRow->addWidget(m_order);
    rangeRow->addWidget(m_applyButton);
    rangeRow->addStretch();
    rangeRow->addWidget(m_exportLabel);
    rangeRow->addWidget(m_exportButton);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("table"));
    m_table->setModel(m_model);
    // The server orders the rows, and sorting a partly loaded table would mislead.
    m_table->setSortingEnabled(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_detail = new QPlainTextEdit(this);
    m_detail->setObjectName(QStringLiteral("detail"));
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("Select a row to see all its fields, metadata included."));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    m_rowsLabel = new QLabel(this);
    m_rowsLabel->setObjectName(QStringLiteral("rowsLabel"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(rangeRow);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_rowsLabel);
}

api::LogQuery LogsPage::filterQuery() const
{
    api::LogQuery query;
    query.model = m_modelFilter->text().trimmed();
    query.alias = m_aliasFilter->text().trimmed();
    query.origin = m_originFilter->text().trimmed();
    query.provider = m_providerFilter->text().trimmed();
    query.profile = m_profileFilter->text().trimmed();
    if (!m_dateRange->isAllTime()) {
        query.start = m_dateRange->start();
        query.end = m_dateRange->end();
    }
    query.oldestFirst = m_order->currentData().toBool();
    return query;
}

void LogsPage::refresh()
{
    if (!m_exporter->isRunning())
        m_exportLabel->clear();
    m_columnsSized = false;
    m_model->setQuery(filterQuery());
    m_model->fetchMore(QModelIndex());
}

void LogsPage::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("model"), m_modelFilter->text());
    settings.setValue(QStringLiteral("alias"), m_aliasFilter->text());
    settings.setValue(QStringLiteral("origin"), m_originFilter->text());
    settings.setValue(QStringLiteral("provider"), m_providerFilter->text());
    settings.setValue(QStringLiteral("profile"), m_profileFilter->text());
    m_dateRange->saveState(settings);
    settings.setValue(QStringLiteral("oldestFirst"), m_order->currentData().toBool());
}

void LogsPage::restoreState(QSettings &settings)
{
    m_modelFilter->setText(settings.value(QStringLiteral("model")).toString());
    m_aliasFilter->setText(settings.value(QStringLiteral("alias")).toString());
    m_originFilter->setText(settings.value(QStringLiteral("origin")).toString());
    m_providerFilter->setText(settings.value(QStringLiteral("provider")).toString());
    m_profileFilter->setText(settings.value(QStringLiteral("profile")).toString());
    m_dateRange->restoreState(settings);
    const bool oldestFirst = settings.value(QStringLiteral("oldestFirst"), false).toBool();
    m_order->setCurrentIndex(m_order->findData(oldestFirst));
}

void LogsPage::chooseExportFile()
{
    const QString directory = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Logs as CSV"),
                                                      directory + QStringLiteral("/llmring-logs.csv"),
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty())
        exportCsv(path);
}

void LogsPage::exportCsv(const QString &path)
{
    if (m_exporter->isRunning())
        return;

    m_exportButton->setEnabled(false);
    m_exportLabel->clear();

    m_progress = new QProgressDialog(tr("Requesting the first page…"), tr("Cancel"), 0, 0, this);
    m_progress->setWindowTitle(tr("Export CSV"));
    m_progress->setMinimumDuration(500);
    // Not modal, because for a modal dialog QProgressDialog::setValue() calls
    // QCoreApplication::processEvents(). The Export button stays disabled instead.
    m_progress->setWindowModality(Qt::NonModal);
    // The dialog stays at 100% until the file is committed, and closes only then.
    m_progress->setAutoReset(false);
    m_progress->setAutoClose(false);
    connect(m_progress, &QProgressDialog::canceled, m_exporter, &LogCsvExporter::cancel);

    // The filters the table shows, so the file contains the rows the user is looking at.
    m_exporter->start(path, m_model->query());
}

bool LogsPage::isExporting() const
{
    return m_exporter->isRunning();
}

void LogsPage::onExportProgress(qint64 rowsWritten, qint64 totalRows)
{
    if (!m_progress)
        return;
    // Per mille, so totals beyond the int range of QProgressDialog still fit.
    m_progress->setMaximum(1000);
    m_progress->setValue(totalRows > 0 ? static_cast<int>(rowsWritten * 1000 / totalRows) : 1000);
    m_progress->setLabelText(tr("%1 of %2 rows written")
                                 .arg(QLocale().toString(rowsWritten), QLocale().toString(totalRows)));
}

void LogsPage::onExportFinished(bool ok, const QString &message)
{
    if (m_progress) {
        // Closing the dialog emits canceled(), which must not reach the finished export.
        m_progress->disconnect(m_exporter);
        m_progress->close();
        m_progress->deleteLater();
    }
    m_exportButton->setEnabled(true);
    m_exportLabel->setText(message);
    if (!ok && !m_exporter->wasCanceled())
        reportError(message);
    Q_EMIT exportFinished(ok, message);
}

void LogsPage::updateRowsLabel()
{
    const qint64 total = m_model->totalCount();
    if (total < 0) {
        m_rowsLabel->setText(m_model->isLoading() ? tr("Loading…") : QString());
        return;
    }
    const QLocale locale;
    m_rowsLabel->setText(tr("%1 of %2 rows loaded").arg(locale.toString(m_model->rowCount()), locale.toString(total)));
}

void LogsPage::showDetail()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const QJsonObject row = m_model->rowJson(current.row());
    m_detail->setPlainText(QString::fromUtf8(QJsonDocument(row).toJson(QJsonDocument::Indented)));
}

} // namespace llmring::console
