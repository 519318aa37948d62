// SPDX-License-Identifier: MIT

#include "receiptdetailview.h"

#include <QFont>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

enum MemberColumn { PathColumn, ValueColumn };

// Badge colors, with white text: green, red, amber, purple, and gray for no verdict.
constexpr QLatin1StringView ValidColor{"#1b7a3a"};
constexpr QLatin1StringView InvalidColor{"#b3261e"};
constexpr QLatin1StringView UnknownKeyColor{"#9a5b00"};
constexpr QLatin1StringView MalformedColor{"#6a1b9a"};
constexpr QLatin1StringView NotVerifiedColor{"#5f6368"};

QString badgeStyle(QLatin1StringView color)
{
    return QStringLiteral("QLabel { background: %1; color: white; border-radius: 4px; padding: 4px 8px; "
                          "font-weight: bold; }")
        .arg(color);
}

QLabel *captionLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

ReceiptDetailView::ReceiptDetailView(QWidget *parent)
    : QWidget(parent)
{
    m_subject = new QLabel(this);
    m_subject->setObjectName(QStringLiteral("inspectedReceipt"));
    m_subject->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subject->setWordWrap(true);

    m_badge = new QLabel(this);
    m_badge->setObjectName(QStringLiteral("verificationBadge"));
    m_badge->setWordWrap(true);
    m_badge->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_keySource = new QLabel(this);
    m_keySource->setObjectName(QStringLiteral("verificationKeys"));
    m_keySource->setWordWrap(true);

    m_members = new QTreeWidget(this);
    m_members->setObjectName(QStringLiteral("members"));
    m_members->setColumnCount(2);
    m_members->setHeaderLabels({tr("Member"), tr("Value")});
    m_members->setRootIsDecorated(false);
    m_members->setUniformRowHeights(true);
    m_members->header()->setSectionResizeMode(PathColumn, QHeaderView::ResizeToContents);

    m_canonicalForm = new QPlainTextEdit(this);
    m_canonicalForm->setObjectName(QStringLiteral("canonicalForm"));
    m_canonicalForm->setReadOnly(true);
    m_canonicalForm->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_canonicalForm->setPlaceholderText(tr("Select a receipt or open a receipt file to see the bytes its signature covers."));

    m_comparisonStatus = new QLabel(this);
    m_comparisonStatus->setObjectName(QStringLiteral("comparisonStatus"));
    m_comparisonStatus->setWordWrap(true);

    m_differences = new QListWidget(this);
    m_differences->setObjectName(QStringLiteral("differences"));

    auto *membersPane = new QWidget(this);
    auto *membersLayout = new QVBoxLayout(membersPane);
    membersLayout->setContentsMargins(0, 0, 0, 0);
    membersLayout->addWidget(captionLabel(tr("Members"), membersPane));
    membersLayout->addWidget(m_members);

    auto *signedPane = new QWidget(this);
    auto *signedLayout = new QVBoxLayout(signedPane);
    signedLayout->setContentsMargins(0, 0, 0, 0);
    signedLayout->addWidget(captionLabel(tr("Signed bytes (RFC 8785 canonical form, without \"signature\")"), signedPane));
    signedLayout->addWidget(m_canonicalForm, 2);
    signedLayout->addWidget(captionLabel(tr("Compared with the server's copy"), signedPane));
    signedLayout->addWidget(m_comparisonStatus);
    signedLayout->addWidget(m_differences, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(membersPane);
    m_splitter->addWidget(signedPane);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_subject);
    layout->addWidget(m_badge);
    layout->addWidget(m_keySource);
    layout->addWidget(m_splitter, 1);

    clear();
}

void ReceiptDetailView::clear()
{
    m_subject->setText(tr("Select a receipt, or open a receipt file to verify it."));
    m_badge->clear();
    m_badge->setStyleSheet(QString());
    m_badge->hide();
    m_keySource->clear();
    m_members->clear();
    m_canonicalForm->clear();
    m_comparisonStatus->clear();
    m_differences->clear();
    m_differingPaths.clear();
}

void ReceiptDetailView::setSubject(const QString &subject)
{
    clear();
    m_subject->setText(subject);
}

void ReceiptDetailView::showInspection(const ReceiptInspection &inspection, const QString &keySource)
{
    showVerdict(inspection);
    // A malformed receipt is never checked against a key, and the line states that.
    const bool malformed = inspection.verdict && *inspection.verdict == ReceiptVerdict::Malformed;
    m_keySource->setText(malformed ? tr("Checked locally: the receipt cannot be verified as it is.")
                                   : tr("Verified locally against %1.").arg(keySource));
    fillMembers(inspection.members);
    m_canonicalForm->setPlainText(QString::fromUtf8(inspection.canonicalForm));
}

void ReceiptDetailView::showVerdict(const ReceiptInspection &inspection)
{
    QString text;
    QLatin1StringView color = NotVerifiedColor;
    if (!inspection.verdict) {
        text = tr("Not verified: no keys were available to verify against");
    } else {
        switch (*inspection.verdict) {
        case ReceiptVerdict::Valid:
            text = tr("Valid: signed by key %1").arg(inspection.keyId);
            color = ValidColor;
            break;
        case ReceiptVerdict::Invalid:
            text = tr("Invalid: %1 (the signature does not match these members under key %2)")
                       .arg(inspection.reason, inspection.keyId);
            color = InvalidColor;
            break;
        case ReceiptVerdict::UnknownKey:
            text = tr("Unknown key: %1 %2 is not among the keys verified against")
                       .arg(inspection.reason, inspection.keyId);
            color = UnknownKeyColor;
            break;
        case ReceiptVerdict::Malformed:
            text = inspection.problem.isEmpty()
                ? tr("Malformed: %1").arg(inspection.reason)
                : tr("Malformed: %1 (%2)").arg(inspection.reason, inspection.problem);
            color = MalformedColor;
            break;
        }
    }
    m_badge->setText(text);
    m_badge->setStyleSheet(badgeStyle(color));
    m_badge->show();
}

void ReceiptDetailView::fillMembers(const QList<ReceiptMember> &members)
{
    m_members->clear();
    QList<QTreeWidgetItem *> items;
    for (const ReceiptMember &member : members) {
        auto *item = new QTreeWidgetItem({member.path, displayValue(member.value)});
        item->setData(PathColumn, Qt::UserRole, member.path);
        item->setToolTip(ValueColumn, displayValue(member.value));
        items.append(item);
    }
    m_members->addTopLevelItems(items);
    markDifferences();
}

void ReceiptDetailView::showComparisonPending()
{
    m_differences->clear();
    m_differingPaths.clear();
    m_comparisonStatus->setText(tr("Comparing with the copy stored on this server…"));
    markDifferences();
}

void ReceiptDetailView::showComparison(const ReceiptComparison &comparison)
{
    m_differences->clear();
    m_differingPaths.clear();
    switch (comparison.status) {
    case ReceiptComparison::Status::NotCompared:
        m_comparisonStatus->setText(tr("Not compared: the receipt has no valid id to look up."));
        break;
    case ReceiptComparison::Status::NotStored:
        m_comparisonStatus->setText(tr("Receipt %1 is not stored on this server.").arg(comparison.receiptId));
        break;
    case ReceiptComparison::Status::Failed:
        m_comparisonStatus->setText(tr("Not compared: %1").arg(comparison.error));
        break;
    case ReceiptComparison::Status::Compared:
        m_comparisonStatus->setText(
            comparison.differences.isEmpty()
                ? tr("Identical to the copy stored on this server.")
                : tr("%n member(s) differ from the copy stored on this server:", nullptr,
                     static_cast<int>(comparison.differences.size())));
        break;
    }

    for (const MemberDifference &difference : comparison.differences) {
        QString text;
        switch (difference.kind) {
        case MemberDifference::Kind::Added:
            text = tr("%1: only in the file (%2)").arg(difference.path, displayValue(difference.fileValue));
            break;
        case MemberDifference::Kind::Removed:
            text = tr("%1: missing from the file (stored: %2)").arg(difference.path, displayValue(difference.storedValue));
            break;
        case MemberDifference::Kind::Changed:
            text = tr("%1: changed to %2 (stored: %3)")
                       .arg(difference.path, displayValue(difference.fileValue), displayValue(difference.storedValue));
            break;
        }
        auto *item = new QListWidgetItem(text, m_differences);
        item->setData(Qt::UserRole, difference.path);
        m_differingPaths.insert(difference.path);
    }
    markDifferences();
}

void ReceiptDetailView::showIsStoredCopy()
{
    m_differences->clear();
    m_differingPaths.clear();
    m_comparisonStatus->setText(tr("This is the copy stored on this server."));
    markDifferences();
}

void ReceiptDetailView::markDifferences()
{
    for (int i = 0; i < m_members->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_members->topLevelItem(i);
        const bool differs = m_differingPaths.contains(item->data(PathColumn, Qt::UserRole).toString());
        QFont font = m_members->font();
        font.setBold(differs);
        item->setFont(PathColumn, font);
        item->setFont(ValueColumn, font);
    }
}

QByteArray ReceiptDetailView::splitterState() const
{
    return m_splitter->saveState();
}

void ReceiptDetailView::restoreSplitterState(const QByteArray &state)
{
    m_splitter->restoreState(state);
}

} // namespace llmring::console
