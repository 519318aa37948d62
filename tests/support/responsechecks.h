// SPDX-License-Identifier: MIT
// Builders and predicates for the JSON bodies that route tests send and compare.

#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace llmring::test {

// The compact JSON text of an object or an array, as a request body.
QByteArray bodyOf(const QJsonValue &value);

// The 422 body with a single problem: {"detail": [{"loc": ..., "msg": ..., "type": ...}]}.
QJsonObject validationBody(const QJsonArray &loc, const QString &msg, const QString &type);

// True for RFC 3339 text in UTC with six fractional digits and "Z", as responses write times.
bool isTimestamp(const QJsonValue &value);

// True for a lowercase canonical UUID string.
bool isUuid(const QJsonValue &value);

} // namespace llmring::test
