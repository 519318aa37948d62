// SPDX-License-Identifier: MIT
// Compact JSON text of any JSON value.

#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace llmring::json {

// The compact text of `value`, scalars included (QJsonDocument writes only objects and
// arrays). Object members come out sorted by key, as QJsonObject keeps them.
QByteArray compactJson(const QJsonValue &value);

} // namespace llmring::json
