// SPDX-License-Identifier: MIT
// Registry settings: the source of the model registry and how long a copy is kept.

#pragma once

#include "rediscache.h"

#include <QUrl>

#include <chrono>
#include <optional>

namespace llmring {

struct RegistrySettings
{
    // Ends with '/'; http, https or file.
    QUrl baseUrl{QStringLiteral("https://llmring.github.io/registry/")};
    // A copy is refreshed before it is this old.
    std::chrono::seconds cacheTtl{3600};
    // The maximum duration of one fetch (manifest and provider files).
    std::chrono::seconds fetchTimeout{10};
    // Set: instances share their copy through this Redis server.
    std::optional<RedisConfig> redis;
};

} // namespace llmring
