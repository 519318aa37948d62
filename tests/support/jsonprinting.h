// SPDX-License-Identifier: MIT
// QTest printers for JSON values, so that failed comparisons show the JSON text.

#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

// In the global namespace, where QCOMPARE looks for toString overloads of Qt types.
char *toString(const QJsonArray &array);
char *toString(const QJsonObject &object);
char *toString(const QJsonValue &value);
