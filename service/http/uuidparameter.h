// SPDX-License-Identifier: MIT
// Validation of UUIDs given in a request path.

#pragma once

#include "domain/validationerrors.h"

#include <QString>

#include <optional>

namespace llmring {

// The UUID in `text` in its canonical lowercase form, or std::nullopt after adding
// "must be a UUID" with loc ["path", name] to `errors`. Accepts only the hyphenated
// 8-4-4-4-12 form of hex digits, in either case.
std::optional<QString> readUuidPathParameter(const QString &text, const QString &name, ValidationErrors &errors);

} // namespace llmring
