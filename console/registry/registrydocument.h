// SPDX-License-Identifier: MIT
// The model registry of GET /registry.json, read into plain values.

#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace llmring::console {

// One model of the registry. Fields the entry leaves out stay empty, because a
// registry file may omit any of them.
struct RegistryEntry
{
    QString key; // "provider:model", the registry's key
    QString provider;
    QString displayName;
    QString description;
    // Dollars per million tokens.
    std::optional<double> inputPrice;
    std::optional<double> outputPrice;
    std::optional<double> cacheReadPrice;
    std::optional<qint64> maxInputTokens;
    std::optional<qint64> maxOutputTokens;
    // Readable names such as "vision" or "function calling", known ones first.
    QStringList capabilities;
    std::optional<bool> active;
};

struct RegistryDocument
{
    QString version;
    QString generatedAt;
    // In the order of their keys.
    QList<RegistryEntry> entries;
    // The providers of the entries, sorted.
    QStringList providers;

    // The document in `json`, or std::nullopt with *error naming the member that is
    // missing or has the wrong type.
    static std::optional<RegistryDocument> fromJson(const QJsonObject &json, QString *error);
};

} // namespace llmring::console
