// SPDX-License-Identifier: MIT

#include "filteredit.h"

#include <QCoreApplication>
#include <QLineEdit>

namespace llmring::console {

QLineEdit *filterEdit(const QString &objectName, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setClearButtonEnabled(true);
    edit->setPlaceholderText(QCoreApplication::translate("llmring::console::FilterEdit", "any"));
    return edit;
}

} // namespace llmring::console
