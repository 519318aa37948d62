// SPDX-License-Identifier: MIT
// Texts the console shows for JSON values of the API.

#pragma once

#include <QJsonValue>
#include <QString>

namespace llmring::console {

// Returns an API timestamp in local time to the second, such as "2025-03-01 14:05:09".
// A text that is not an ISO 8601 time comes back unchanged, and null gives an empty string.
QString localTimeText(const QJsonValue &timestamp);

// Returns a JSON value on one line for tooltips and cells: a string as it is, other
// values as compact JSON, and an empty string for null and undefined.
QString compactJsonText(const QJsonValue &value);

// Returns a JSON value as indented JSON for detail panes; a scalar as its JSON text, and
// an empty string for null and undefined.
QString prettyJsonText(const QJsonValue &value);

} // namespace llmring::console
