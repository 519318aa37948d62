// SPDX-License-Identifier: MIT
// JSON and CSV forms of usage records, as the usage routes return them.

#pragma once

#include "usagerecords.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

namespace llmring {

// A NUMERIC's text ("0.0060000000") as the JSON number it stands for (0.006).
double moneyFromDecimalText(const QString &decimal);

QJsonObject storedLogToJson(const StoredLog &log);
QJsonObject usageStatsToJson(const UsageStats &stats);
QJsonObject usageLogRowToJson(const UsageLogRow &row);

// RFC 4180 CSV with a header line and CRLF line ends. Fields that contain a comma, a
// quote or a line break are quoted. `metadata` is a JSON text column, and absent
// values are empty fields.
QByteArray usageLogRowsToCsv(const QList<UsageLogRow> &rows);

} // namespace llmring
