// SPDX-License-Identifier: MIT
// Usage rows and aggregates as the usage store returns them.

#pragma once

#include "core/timestamp.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace llmring {

// Money travels as PostgreSQL's NUMERIC text ("0.0060000000") until it is written to
// JSON, so no rounding happens between the database and the response.
struct StoredLog
{
    QString id;
    QString loggedAt; // RFC 3339, microseconds
    QString cost;
    QString costSource;
};

struct UsageLogRow
{
    QString id;
    QString loggedAt;
    QString provider;
    QString model;
    std::optional<QString> alias;
    QString profile;
    std::optional<QString> origin;
    std::optional<QString> idAtOrigin;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedInputTokens = 0;
    QString cost;
    std::optional<qint64> latencyMs;
    QString metadataJson;
    std::optional<QString> conversationId;
};

struct UsageTotals
{
    qint64 requests = 0;
    QString cost = QStringLiteral("0");
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

struct UsageSummary
{
    UsageTotals totals;
    qint64 uniqueModels = 0;
    qint64 uniqueOrigins = 0;
};

struct PeriodUsage
{
    QString periodStart; // YYYY-MM-DD
    qint64 requests = 0;
    QString cost;
    qint64 tokens = 0;
    QString topModel;
};

struct UsageStats
{
    UsageSummary summary;
    QList<PeriodUsage> periods; // newest first
    QList<std::pair<QString, UsageTotals>> byModel;
    QList<std::pair<QString, UsageTotals>> byOrigin;
    QList<std::pair<QString, UsageTotals>> byAlias;
};

enum class StatsPeriod { Day, Week, Month };

// Filters of GET /api/v1/logs. Time bounds are [start, end).
struct UsageLogFilter
{
    std::optional<Timestamp> start;
    std::optional<Timestamp> end;
    std::optional<QString> provider;
    std::optional<QString> model;
    std::optional<QString> alias;
    std::optional<QString> origin;
    std::optional<QString> profile;
};

} // namespace llmring
