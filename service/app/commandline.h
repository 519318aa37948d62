// SPDX-License-Identifier: MIT
// The llmring-server command line: serve, migrate, migrate --status.

#pragma once

#include <QStringList>

namespace llmring {

// Parses `arguments` (argv, program name first), runs the command and returns the
// process exit code: 0 success, 1 a runtime failure, 2 invalid usage or configuration.
int runCommandLine(const QStringList &arguments);

} // namespace llmring
