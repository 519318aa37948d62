// SPDX-License-Identifier: MIT
// Deciding what a usage log costs: the client's figure, a registry price, or nothing.

#pragma once

#include "registry/modelprice.h"

#include <QString>

namespace llmring {

class RegistrySnapshot;
struct UsageLogRequest;

struct LogCost
{
    enum class Source { Client, Registry, Unpriced };

    Source source = Source::Unpriced;
    QString clientCost; // Client: dollars as decimal text
    ModelPrice price;   // Registry: the database computes the cost from these

    // The `cost_source` value stored and returned: "client", "registry" or "unpriced".
    QString sourceName() const;

    // Returns the client's `cost` when given, else the registry price of the request's
    // model (looked up by "provider:model", then by the model name alone). Otherwise the
    // log is unpriced and costs 0, as it is while no registry has loaded.
    static LogCost forRequest(const UsageLogRequest &request, const RegistrySnapshot &registry);
};

} // namespace llmring
