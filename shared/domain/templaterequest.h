// SPDX-License-Identifier: MIT
// The body of a conversation template create or update request, validated.

#pragma once

#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace llmring {

// The members a request sets. On create, an absent member takes its column default
// (`temperature` 0.7, `tool_config` {}, `created_by` "api", `is_active` true). On update,
// it leaves the stored value unchanged. A member set to null counts as absent.
struct TemplateRequest
{
    static constexpr qsizetype MaxNameLength = 255;
    static constexpr qsizetype MaxModelLength = 255;
    static constexpr qsizetype MaxCreatedByLength = 255;
    static constexpr double MaxTemperature = 2.0;

    enum class Purpose {
        Create, // `name` is required
        Update, // every member is optional, and `created_by` is ignored
    };

    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QString> systemPrompt;
    std::optional<QString> model;
    std::optional<double> temperature;
    std::optional<qint64> maxTokens;
    std::optional<QJsonObject> toolConfig;
    std::optional<QString> createdBy;
    std::optional<bool> isActive;

    // Validates `body` (members the service does not know are ignored). Returns
    // std::nullopt after adding every problem to `errors`, with loc ["body", member].
    static std::optional<TemplateRequest> fromJson(const QJsonValue &body, Purpose purpose, ValidationErrors &errors);
};

} // namespace llmring
