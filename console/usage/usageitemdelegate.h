// SPDX-License-Identifier: MIT
// Formats the raw numbers of the usage models for their tables.

#pragma once

#include <QStyledItemDelegate>

namespace llmring::console {

// The usage models keep numbers and dates unformatted in the display role, because the
// chart mappers read that role. This delegate formats them for the tables.
class UsageItemDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    enum class Format {
        Dollars, // formatDollars()
        Date,    // yyyy-MM-dd, the form the API uses
        Count,   // an integer with the locale's digit grouping
    };

    explicit UsageItemDelegate(Format format, QObject *parent = nullptr);

    QString displayText(const QVariant &value, const QLocale &locale) const override;

private:
    Format m_format;
};

} // namespace llmring::console
