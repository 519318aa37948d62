// SPDX-License-Identifier: MIT
// JSON members for optional values.

#pragma once

#include <QJsonValue>

#include <optional>

namespace llmring::json {

// Returns the value as JSON, or a JSON null when it is absent.
template <typename T>
QJsonValue optionalJson(const std::optional<T> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

} // namespace llmring::json
