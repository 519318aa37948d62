// SPDX-License-Identifier: MIT
// The body of POST /api/v1/log, validated.

#pragma once

#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace llmring {

struct UsageLogRequest
{
    // Serialized metadata larger than this is rejected: it is stored with every row
    // and returned by every log listing.
    static constexpr qsizetype MaxMetadataBytes = 64 * 1024;

    QString provider;
    QString model;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedInputTokens = 0;
    std::optional<QString> alias;
    QString profile = QStringLiteral("default");
    std::optional<double> cost; // absent: priced by the service
    std::optional<qint64> latencyMs;
    std::optional<QString> origin;
    std::optional<QString> idAtOrigin;
    QJsonObject metadata;

    // Validates `body` (members the service does not know are ignored, as newer clients
    // may send more). Returns std::nullopt after adding every problem to `errors`.
    static std::optional<UsageLogRequest> fromJson(const QJsonValue &body, ValidationErrors &errors);
};

} // namespace llmring
