// SPDX-License-Identifier: MIT

#include "usageitemdelegate.h"

#include "common/costformat.h"

#include <QDate>

namespace llmring::console {

UsageItemDelegate::UsageItemDelegate(Format format, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_format(format)
{
}

QString UsageItemDelegate::displayText(const QVariant &value, const QLocale &locale) const
{
    switch (m_format) {
    case Format::Dollars:
        return formatDollars(value.toDouble(), locale);
    case Format::Date:
        return value.toDate().toString(Qt::ISODate);
    case Format::Count:
        return locale.toString(value.toLongLong());
    }
    return QStyledItemDelegate::displayText(value, locale);
}

} // namespace llmring::console
