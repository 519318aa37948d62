// SPDX-License-Identifier: MIT

#include "daterangefilter.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QDateEdit>
#include <QLabel>
#include <QSettings>

namespace llmring::console {

namespace {

// Dates shown without a time, unambiguous in every locale.
const QString DateFormat = QStringLiteral("yyyy-MM-dd");

} // namespace

DateRangeFilter::DateRangeFilter(int defaultDays, QWidget *parent)
    : QObject(parent)
    , m_parent(parent)
{
    m_allTime = new QCheckBox(tr("All time"), parent);
    m_allTime->setObjectName(QStringLiteral("allTime"));
    m_allTime->setChecked(true);

    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addDays(-defaultDays), parent);
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_to = new QDateEdit(today, parent);
    m_to->setObjectName(QStringLiteral("toDate"));
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(DateFormat);
    }
    m_to->setToolTip(tr("The range includes this whole day, in local time."));

    connect(m_allTime, &QCheckBox::toggled, this, &DateRangeFilter::updateEnabled);
    connect(m_from, &QDateEdit::dateChanged, this, [this](QDate from) {
        if (m_to->date() < from)
            m_to->setDate(from);
    });
    connect(m_to, &QDateEdit::dateChanged, this, [this](QDate to) {
        if (m_from->date() > to)
            m_from->setDate(to);
    });
    updateEnabled();
}

void DateRangeFilter::addTo(QBoxLayout *layout)
{
    layout->addWidget(m_allTime);
    auto *fromLabel = new QLabel(tr("From:"), m_parent);
    fromLabel->setBuddy(m_from);
    layout->addWidget(fromLabel);
    layout->addWidget(m_from);
    auto *toLabel = new QLabel(tr("To:"), m_parent);
    toLabel->setBuddy(m_to);
    layout->addWidget(toLabel);
    layout->addWidget(m_to);
}

bool DateRangeFilter::isAllTime() const
{
    return m_allTime->isChecked();
}

QDateTime DateRangeFilter::start() const
{
    return m_from->date().startOfDay();
}

QDateTime DateRangeFilter::end() const
{
    return m_to->date().addDays(1).startOfDay().addMSecs(-1);
}

void DateRangeFilter::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("allTime"), m_allTime->isChecked());
    settings.setValue(QStringLiteral("from"), m_from->date());
    settings.setValue(QStringLiteral("to"), m_to->date());
}

void DateRangeFilter::restoreState(QSettings &settings)
{
    m_allTime->setChecked(settings.value(QStringLiteral("allTime"), true).toBool());
    const QDate from = settings.value(QStringLiteral("from")).toDate();
    const QDate to = settings.value(QStringLiteral("to")).toDate();
    if (from.isValid() && to.isValid() && from <= to) {
        m_to->setDate(to);
        m_from->setDate(from);
    }
    updateEnabled();
}

void DateRangeFilter::updateEnabled()
{
    const bool ranged = !m_allTime->isChecked();
    m_from->setEnabled(ranged);
    m_to->setEnabled(ranged);
}

} // namespace llmring::console
