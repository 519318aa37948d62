// SPDX-License-Identifier: MIT
// `llmring-server reprice`: prices stored unpriced usage logs from the registry.

#pragma once

#include <QString>
#include <QTextStream>

namespace llmring {

struct Settings;

// Loads the registry from the settings' source. Then prices, in one transaction, every
// unpriced usage log at or after `since` (RFC 3339 or YYYY-MM-DD) whose model the
// registry now lists, and prints a line per model and the number of rows changed.
// With `dryRun` it only reports. Returns 0 on success, 1 when the registry or the
// database cannot be used, 2 when `since` is invalid.
int runReprice(const Settings &settings, const QString &since, bool dryRun, QTextStream &out, QTextStream &err);

} // namespace llmring
