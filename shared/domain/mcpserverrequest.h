// SPDX-License-Identifier: MIT
// The body of an MCP server create or update request, validated.

#pragma once

#include "validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace llmring {

// The members a request sets. On create, absent `auth_config` and `capabilities` are
// stored as null and an absent `is_active` as true. On update, an absent member leaves
// the stored value unchanged. A member set to null counts as absent.
struct McpServerRequest
{
    static constexpr qsizetype MaxNameLength = 255;
    static constexpr qsizetype MaxUrlLength = 1000;

    enum class Purpose {
        Create, // `name`, `url` and `transport_type` are required
        Update, // every member is optional
    };

    std::optional<QString> name;
    std::optional<QString> url;
    std::optional<QString> transportType;
    std::optional<QJsonObject> authConfig;
    std::optional<QJsonObject> capabilities;
    std::optional<bool> isActive;

    // stdio, http and websocket, the values the transport_type column accepts.
    static QStringList transportTypes();

    // Validates `body` (members the service does not know are ignored). Returns
    // std::nullopt after adding every problem to `errors`, with loc ["body", member].
    static std::optional<McpServerRequest> fromJson(const QJsonValue &body, Purpose purpose, ValidationErrors &errors);
};

} // namespace llmring
