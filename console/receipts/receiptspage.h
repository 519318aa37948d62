// SPDX-License-Identifier: MIT
// The Receipts page: the project's signed receipts, verified locally.

#pragma once

#include "window/consolepage.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableView;

namespace llmring::api {
struct ReceiptQuery;
}

namespace llmring::console {

class DateRangeFilter;
class ReceiptDetailView;
class ReceiptInspector;
class ReceiptTableModel;
struct ReceiptComparison;
struct ReceiptInspection;

// Lists GET /api/v1/receipts in a table that loads pages as the user scrolls. Selecting
// a row fetches that receipt and verifies its signature locally, with the shared receipt
// code, against the server's published keys. "Open receipt file…" verifies a receipt
// from disk the same way and compares its members with the server's copy, so a changed
// file names the members that changed. "Key file…" verifies against a key file instead
// of the server's keys.
class ReceiptsPage final : public ConsolePage
{
    Q_OBJECT

public:
    explicit ReceiptsPage(api::ApiClient &client, QWidget *parent = nullptr);
    ~ReceiptsPage() override;

    QString title() const override;
    // Applies the filters: drops the loaded rows and loads the first page.
    void refresh() override;
    // Also drops the previous server's cached keys and clears the receipt shown.
    void reload() override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    ReceiptTableModel *receiptModel() const { return m_model; }
    // The query the filter widgets describe now, which refresh() applies.
    api::ReceiptQuery filterQuery() const;

    // Reads the receipt file `path`, verifies it and compares it with the server's copy.
    // "Open receipt file…" calls it with the file the user chose.
    void openReceiptFile(const QString &path);
    // Verifies against the keys in `path` (a JSON Web Key Set, a PEM public key or a
    // base64 public key) from now on, and verifies the receipt shown again. Returns false
    // and reports the error when the file cannot be read or contains no usable key.
    bool setKeyFile(const QString &path);
    // Verifies against the server's published keys again.
    void useServerKeys();

private:
    // The receipt the detail view shows, kept so a change of keys can verify it again.
    struct Subject
    {
        enum class Kind { None, Stored, File };
        Kind kind = Kind::None;
        QString receiptId;
        QString path;
        QByteArray text;
    };

    void buildLayout();
    void connectSignals();
    void chooseReceiptFile();
    void chooseKeyFile();
    void cancelLoads();
    void inspectSubject();
    void onCurrentRowChanged();
    void onInspected(const ReceiptInspection &inspection);
    void onComparisonFinished(const ReceiptComparison &comparison);
    void updateBusy();
    void updateRowsLabel();
    void updateKeySourceLabel();
    QString keySourceDescription() const;

    ReceiptTableModel *m_model = nullptr;
    ReceiptInspector *m_inspector = nullptr;
    Subject m_subject;
    QStringList m_keyFileKeyIds;

    QLineEdit *m_modelFilter = nullptr;
    QLineEdit *m_aliasFilter = nullptr;
    DateRangeFilter *m_dateRange = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_openFileButton = nullptr;
    QPushButton *m_keyFileButton = nullptr;
    QPushButton *m_serverKeysButton = nullptr;
    QLabel *m_keySourceLabel = nullptr;
    QLabel *m_rowsLabel = nullptr;
    QTableView *m_table = nullptr;
    ReceiptDetailView *m_detail = nullptr;
    QSplitter *m_splitter = nullptr;
    bool m_columnsSized = false;
};

} // namespace llmring::console
