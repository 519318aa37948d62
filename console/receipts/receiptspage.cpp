// SPDX-License-Identifier: MIT

#include "receiptspage.h"

#include "receiptdetailview.h"
#include "receiptinspector.h"
#include "receipttablemodel.h"

#include "api/apiclient.h"
#include "common/daterangefilter.h"
#include "common/filteredit.h"
#include "receipts/keyset.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

constexpr int DefaultRangeDays = 30;

// A receipt or key file is a few hundred bytes, so a file this large was picked by mistake.
constexpr qint64 MaxFileBytes = 1024 * 1024;

// Reads a whole file of at most MaxFileBytes. Returns std::nullopt with *error set otherwise.
std::optional<QByteArray> readSmallFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = ReceiptsPage::tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return std::nullopt;
    }
    if (file.size() > MaxFileBytes) {
        *error = ReceiptsPage::tr("%1 is larger than 1 MiB, so it is neither a receipt nor a key file.")
                     .arg(QDir::toNativeSeparators(path));
        return std::nullopt;
    }
    return file.readAll();
}

} // namespace

ReceiptsPage::ReceiptsPage(api::ApiClient &client, QWidget *parent)
    : ConsolePage(client, parent)
    , m_model(new ReceiptTableModel(client, this))
    , m_inspector(new ReceiptInspector(client, this))
{
    buildLayout();
    connectSignals();
    updateRowsLabel();
    updateKeySourceLabel();
}

ReceiptsPage::~ReceiptsPage() = default;

QString ReceiptsPage::title() const
{
    return tr("Receipts");
}

void ReceiptsPage::buildLayout()
{
    m_modelFilter = filterEdit(QStringLiteral("modelFilter"), this);
    m_aliasFilter = filterEdit(QStringLiteral("aliasFilter"), this);

    m_dateRange = new DateRangeFilter(DefaultRangeDays, this);

    m_applyButton = new QPushButton(tr("Apply"), this);
    m_applyButton->setObjectName(QStringLiteral("apply"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancel"));
    m_cancelButton->setEnabled(false);
    m_rowsLabel = new QLabel(this);
    m_rowsLabel->setObjectName(QStringLiteral("rowsLabel"));

    m_openFileButton = new QPushButton(tr("Open receipt file…"), this);
    m_openFileButton->setObjectName(QStringLiteral("openReceiptFile"));
    m_keyFileButton = new QPushButton(tr("Key file…"), this);
    m_keyFileButton->setObjectName(QStringLiteral("keyFile"));
    m_keyFileButton->setToolTip(tr("Verify against a JSON Web Key Set, a PEM public key or a base64 Ed25519 "
                                   "public key instead of the server's published keys."));
    m_serverKeysButton = new QPushButton(tr("Use server keys"), this);
    m_serverKeysButton->setObjectName(QStringLiteral("useServerKeys"));
    m_keySourceLabel = new QLabel(this);
    m_keySourceLabel->setObjectName(QStringLiteral("keySource"));
    // A key file's name and ids can be long, and wrapping keeps the page within a
    // 1280 pixel screen.
    m_keySourceLabel->setWordWrap(true);

    auto *filters = new QHBoxLayout;
    const QList<QPair<QString, QLineEdit *>> textFilters{{tr("Model:"), m_modelFilter}, {tr("Alias:"), m_aliasFilter}};
    for (const auto &[text, edit] : textFilters) {
        auto *label = new QLabel(text, this);
        label->setBuddy(edit);
        filters->addWidget(label);
        filters->addWidget(edit, 1);
    }
    m_dateRange->addTo(filters);
    filters->addWidget(m_applyButton);
    filters->addWidget(m_cancelButton);

    auto *verification = new QHBoxLayout;
    verification->addWidget(m_openFileButton);
    verification->addWidget(m_keyFileButton);
    verification->addWidget(m_serverKeysButton);
    verification->addWidget(m_keySourceLabel, 1);
    verification->addWidget(m_rowsLabel);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("receiptTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_detail = new ReceiptDetailView(this);
    m_detail->setObjectName(QStringLiteral("receiptDetail"));

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(verification);
    layout->addWidget(m_splitter, 1);
}

void ReceiptsPage::connectSignals()
{
    for (QLineEdit *edit : {m_modelFilter, m_aliasFilter})
        connect(edit, &QLineEdit::returnPressed, this, &ReceiptsPage::refresh);
    connect(m_applyButton, &QPushButton::clicked, this, &ReceiptsPage::refresh);
    connect(m_cancelButton, &QPushButton::clicked, this, &ReceiptsPage::cancelLoads);
    connect(m_openFileButton, &QPushButton::clicked, this, &ReceiptsPage::chooseReceiptFile);
    connect(m_keyFileButton, &QPushButton::clicked, this, &ReceiptsPage::chooseKeyFile);
    connect(m_serverKeysButton, &QPushButton::clicked, this, &ReceiptsPage::useServerKeys);

    connect(m_model, &ReceiptTableModel::loadingChanged, this, [this] {
        updateBusy();
        updateRowsLabel();
    });
    connect(m_model, &ReceiptTableModel::pageLoaded, this, [this] {
        if (!m_columnsSized && m_model->rowCount() > 0) {
            m_table->resizeColumnsToContents();
            m_columnsSized = true;
        }
        updateRowsLabel();
        reportLoaded();
    });
    connect(m_model, &ReceiptTableModel::loadFailed, this, [this](const QString &message) {
        updateRowsLabel();
        reportError(message);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ReceiptsPage::onCurrentRowChanged);

    connect(m_inspector, &ReceiptInspector::busyChanged, this, &ReceiptsPage::updateBusy);
    connect(m_inspector, &ReceiptInspector::inspected, this, &ReceiptsPage::onInspected);
    connect(m_inspector, &ReceiptInspector::comparisonFinished, this, &ReceiptsPage::onComparisonFinished);
    connect(m_inspector, &ReceiptInspector::failed, this, &ReceiptsPage::reportError);
}

void ReceiptsPage::refresh()
{
    m_model->setFilter(filterQuery());
    m_model->refresh();
}

void ReceiptsPage::reload()
{
    m_inspector->cancel();
    m_inspector->clearKeyCache();
    m_subject = {};
    m_detail->clear();
    refresh();
}

api::ReceiptQuery ReceiptsPage::filterQuery() const
{
    api::ReceiptQuery query;
    query.model = m_modelFilter->text().trimmed();
    query.alias = m_aliasFilter->text().trimmed();
    if (!m_dateRange->isAllTime()) {
        query.start = m_dateRange->start();
        query.end = m_dateRange->end();
    }
    return query;
}

void ReceiptsPage::openReceiptFile(const QString &path)
{
    QString error;
    const std::optional<QByteArray> text = readSmallFile(path, &error);
    if (!text) {
        reportError(error);
        return;
    }
    m_subject = Subject{Subject::Kind::File, QString(), path, *text};
    inspectSubject();
}

bool ReceiptsPage::setKeyFile(const QString &path)
{
    QString error;
    const std::optional<QByteArray> text = readSmallFile(path, &error);
    if (!text) {
        reportError(error);
        return false;
    }
    const std::optional<receipts::KeySet> keys = receipts::KeySet::fromKeyFile(*text, &error);
    if (!keys || keys->isEmpty()) {
        reportError(keys ? tr("%1 contains no Ed25519 public key.").arg(QDir::toNativeSeparators(path))
                         : tr("%1 is not a valid key file: %2. Choose a JSON Web Key Set, a PEM public key or a base64 Ed25519 public key.").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    m_inspector->setKeyFile(path, *keys);
    m_keyFileKeyIds = keys->keyIds();
    updateKeySourceLabel();
    inspectSubject();
    return true;
}

void ReceiptsPage::useServerKeys()
{
    m_inspector->useServerKeys();
    m_keyFileKeyIds.clear();
    updateKeySourceLabel();
    inspectSubject();
}

void ReceiptsPage::chooseReceiptFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Receipt File"), QString(),
                                                      tr("JSON files (*.json);;All files (*)"));
    if (!path.isEmpty())
        openReceiptFile(path);
}

void ReceiptsPage::chooseKeyFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Key File"), QString(),
                                                      tr("Key files (*.json *.pem *.pub *.key *.txt);;All files (*)"));
    if (!path.isEmpty())
        setKeyFile(path);
}

void ReceiptsPage::cancelLoads()
{
    m_model->cancel();
    m_inspector->cancel();
    updateRowsLabel();
}

void ReceiptsPage::inspectSubject()
{
    switch (m_subject.kind) {
    case Subject::Kind::None:
        return;
    case Subject::Kind::Stored:
        m_detail->setSubject(tr("Receipt %1 as stored on the server").arg(m_subject.receiptId));
        m_inspector->inspectStored(m_subject.receiptId);
        return;
    case Subject::Kind::File:
        m_detail->setSubject(tr("Receipt file %1").arg(QDir::toNativeSeparators(m_subject.path)));
        m_inspector->inspectText(m_subject.text);
        return;
    }
}

void ReceiptsPage::onCurrentRowChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    m_subject = Subject{Subject::Kind::Stored, m_model->receiptId(current.row()), QString(), QByteArray()};
    inspectSubject();
}

void ReceiptsPage::onInspected(const ReceiptInspection &inspection)
{
    m_detail->showInspection(inspection, keySourceDescription());
    // A file's comparison follows in onComparisonFinished().
    if (m_subject.kind == Subject::Kind::Stored)
        m_detail->showIsStoredCopy();
    else
        m_detail->showComparisonPending();
}

void ReceiptsPage::onComparisonFinished(const ReceiptComparison &comparison)
{
    m_detail->showComparison(comparison);
    if (comparison.status == ReceiptComparison::Status::Failed)
        reportError(comparison.error);
}

void ReceiptsPage::updateBusy()
{
    const bool busy = m_model->isLoading() || m_inspector->isBusy();
    m_cancelButton->setEnabled(busy);
    setBusy(busy);
}

void ReceiptsPage::updateRowsLabel()
{
    const int rows = m_model->rowCount();
    if (m_model->isLoading() && rows == 0)
        m_rowsLabel->setText(tr("Loading receipts…"));
    else if (m_model->total() < 0)
        m_rowsLabel->clear();
    else if (m_model->total() == 0)
        m_rowsLabel->setText(tr("No receipts match the filters."));
    else
        m_rowsLabel->setText(tr("%1 of %2 receipts loaded").arg(rows).arg(m_model->total()));
}

void ReceiptsPage::updateKeySourceLabel()
{
    m_keySourceLabel->setText(tr("Verifying against %1.").arg(keySourceDescription()));
    m_serverKeysButton->setEnabled(m_inspector->usesKeyFile());
}

QString ReceiptsPage::keySourceDescription() const
{
    if (!m_inspector->usesKeyFile())
        return tr("the server's published keys");
    return tr("the key file %1 (key ids: %2)")
        .arg(QFileInfo(m_inspector->keyFilePath()).fileName(), m_keyFileKeyIds.join(QStringLiteral(", ")));
}

void ReceiptsPage::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("model"), m_modelFilter->text());
    settings.setValue(QStringLiteral("alias"), m_aliasFilter->text());
    m_dateRange->saveState(settings);
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("detailSplitter"), m_detail->splitterState());
}

void ReceiptsPage::restoreState(QSettings &settings)
{
    m_modelFilter->setText(settings.value(QStringLiteral("model")).toString());
    m_aliasFilter->setText(settings.value(QStringLiteral("alias")).toString());
    m_dateRange->restoreState(settings);
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_detail->restoreSplitterState(settings.value(QStringLiteral("detailSplitter")).toByteArray());
}

} // namespace llmring::console
