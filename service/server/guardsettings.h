// SPDX-License-Identifier: MIT
// The limits the connection guard enforces.

#pragma once

#include <QtGlobal>

#include <chrono>

namespace llmring {

struct GuardSettings
{
    qint64 maxHeaderBytes = 16384;
    qint64 maxBodyBytes = 10 * 1024 * 1024;
    // From the first byte of a request until its headers are complete.
    std::chrono::milliseconds headerTimeout{10'000};
    // Between requests on a keep-alive connection, and between reads of a body.
    std::chrono::milliseconds idleTimeout{60'000};
    // Open connections per process, across all worker loops.
    int maxConnections = 1024;
    // How long a rejected client may keep sending (its bytes are discarded) before the
    // connection is closed, so that it can read the error instead of a reset.
    std::chrono::milliseconds lingerTimeout{2'000};
};

} // namespace llmring
