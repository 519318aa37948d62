// SPDX-License-Identifier: MIT

#include "logcost.h"

#include "domain/usagelogrequest.h"
#include "registry/registrysnapshot.h"

#include <QLocale>

namespace llmring {

QString LogCost::sourceName() const
{
    switch (source) {
    case Source::Client:
        return QStringLiteral("client");
    case Source::Registry:
        return QStringLiteral("registry");
    case Source::Unpriced:
        break;
    }
    return QStringLiteral("unpriced");
}

LogCost LogCost::forRequest(const UsageLogRequest &request, const RegistrySnapshot &registry)
{
    LogCost cost;
    if (request.cost) {
        cost.source = Source::Client;
        cost.clientCost = QString::number(*request.cost, 'g', QLocale::FloatingPointShortest);
        return cost;
    }
    if (const auto entry = registry.model(request.provider, request.model)) {
        if (const auto price = ModelPrice::fromEntry(*entry)) {
            cost.source = Source::Registry;
            cost.price = *price;
        }
    }
    return cost;
}

} // namespace llmring
