// SPDX-License-Identifier: MIT
// The body of a conversation create or update request, validated.

#pragma once

#include "validationerrors.h"

#include <QJsonValue>
#include <QString>

#include <optional>

namespace llmring {

// The members a request sets. On create, an absent member takes its column default
// (`model_alias` "default", `temperature` 0.7). On update, it leaves the stored value
// unchanged. A member set to null counts as absent.
struct ConversationRequest
{
    static constexpr qsizetype MaxTitleLength = 500;
    static constexpr qsizetype MaxModelAliasLength = 255;
    static constexpr double MaxTemperature = 2.0;

    std::optional<QString> title;
    std::optional<QString> systemPrompt;
    std::optional<QString> modelAlias;
    std::optional<double> temperature;
    std::optional<qint64> maxTokens;

    // Validates `body`. Create and update accept the same members, all optional.
    // Members the service does not know, such as `project_id`, are ignored. Returns
    // std::nullopt after adding every problem to `errors`, with loc ["body", member].
    static std::optional<ConversationRequest> fromJson(const QJsonValue &body, ValidationErrors &errors);
};

} // namespace llmring
