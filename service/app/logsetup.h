// SPDX-License-Identifier: MIT
// Log format and level for the llmring-server program.

#pragma once

#include <QString>

namespace llmring {

// Sets a message pattern with time, level and category, and enables the llmring.*
// categories from `level` (debug, info, warning, error) upwards. QT_LOGGING_RULES
// still overrides this, as Qt documents.
void setUpLogging(const QString &level);

} // namespace llmring
