// SPDX-License-Identifier: MIT
// The text field of a console filter row.

#pragma once

#include <QString>

class QLineEdit;
class QWidget;

namespace llmring::console {

// Creates a line edit named `objectName` with a clear button and the placeholder "any",
// because an empty filter matches every row.
QLineEdit *filterEdit(const QString &objectName, QWidget *parent);

} // namespace llmring::console
