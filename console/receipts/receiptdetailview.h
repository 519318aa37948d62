// SPDX-License-Identifier: MIT
// The lower half of the Receipts page: one inspected receipt.

#pragma once

#include "receiptinspector.h"

#include <QByteArray>
#include <QSet>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QSplitter;
class QTreeWidget;

namespace llmring::console {

// Shows a receipt's members, the canonical text its signature covers, the verdict of
// local verification as a colored badge, and the members that differ from the copy
// stored on the server. Its child widgets have object names (verificationBadge,
// members, canonicalForm, comparisonStatus, differences) so tests can read them.
class ReceiptDetailView final : public QWidget
{
    Q_OBJECT

public:
    explicit ReceiptDetailView(QWidget *parent = nullptr);

    void clear();
    // Clears the view and names what it will show, such as "Receipt rcpt_1 as stored on
    // the server", while that loads.
    void setSubject(const QString &subject);
    // `keySource` names the keys verified against, for the line under the badge.
    void showInspection(const ReceiptInspection &inspection, const QString &keySource);
    void showComparisonPending();
    void showComparison(const ReceiptComparison &comparison);
    // Notes that the receipt shown was fetched from the server, so it is the stored copy.
    void showIsStoredCopy();

    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray &state);

private:
    void showVerdict(const ReceiptInspection &inspection);
    void fillMembers(const QList<ReceiptMember> &members);
    void markDifferences();

    QLabel *m_subject = nullptr;
    QLabel *m_badge = nullptr;
    QLabel *m_keySource = nullptr;
    QTreeWidget *m_members = nullptr;
    QPlainTextEdit *m_canonicalForm = nullptr;
    QLabel *m_comparisonStatus = nullptr;
    QListWidget *m_differences = nullptr;
    QSplitter *m_splitter = nullptr;
    // The member paths that differ from the stored copy, bold in the member list.
    QSet<QString> m_differingPaths;
};

} // namespace llmring::console
