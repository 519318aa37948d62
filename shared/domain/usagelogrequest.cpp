// SPDX-License-Identifier: MIT

#include "usagelogrequest.h"

#include "fieldreader.h"

#include <QJsonDocument>

namespace llmring {

std::optional<UsageLogRequest> UsageLogRequest::fromJson(const QJsonValue &body, ValidationErrors &errors)
{
    if (!body.isObject()) {
        errors.add(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"),
                   ErrorType::TypeError);
        return std::nullopt;
    }

    const QJsonObject object = body.toObject();
    FieldReader reader(object, QJsonArray{QStringLiteral("body")}, errors);
    UsageLogRequest request;

    const auto provider = reader.requiredString(QStringLiteral("provider"), 1, 50);
    const auto model = reader.requiredString(QStringLiteral("model"), 1, 255);
    const auto inputTokens = reader.requiredInteger(QStringLiteral("input_tokens"), 0, MaxInt32);
    const auto outputTokens = reader.requiredInteger(QStringLiteral("output_tokens"), 0, MaxInt32);
    const auto cachedInputTokens = reader.optionalInteger(QStringLiteral("cached_input_tokens"), 0, MaxInt32);
    request.alias = reader.optionalString(QStringLiteral("alias"), 128);
    const auto profile = reader.optionalString(QStringLiteral("profile"), 64);
    request.cost = reader.optionalMoney(QStringLiteral("cost"));
    request.latencyMs = reader.optionalInteger(QStringLiteral("latency_ms"), 0, MaxInt32);
    request.origin = reader.optionalString(QStringLiteral("origin"), 255);
    request.idAtOrigin = reader.optionalString(QStringLiteral("id_at_origin"), 255);
    const auto metadata = reader.optionalObject(QStringLiteral("metadata"));

    if (inputTokens && cachedInputTokens && *cachedInputTokens > *inputTokens) {
        errors.add(reader.locOf(QStringLiteral("cached_input_tokens")),
                   QStringLiteral("must be <= input_tokens (%1)").arg(*inputTokens),
                   ErrorType::ValueError);
    }
    if (metadata) {
        const qsizetype size = QJsonDocument(*metadata).toJson(QJsonDocument::Compact).size();
        if (size > MaxMetadataBytes) {
            errors.add(reader.locOf(QStringLiteral("metadata")),
                       QStringLiteral("must be at most %1 bytes when serialized, got %2")
                           .arg(MaxMetadataBytes)
                           .arg(size),
                       ErrorType::ValueError);
        }
    }

    if (!errors.isEmpty())
        return std::nullopt;

    request.provider = *provider;
    request.model = *model;
    request.inputTokens = *inputTokens;
    request.outputTokens = *outputTokens;
    request.cachedInputTokens = cachedInputTokens.value_or(0);
    if (profile)
        request.profile = *profile;
    if (metadata)
        request.metadata = *metadata;
    return request;
}

} // namespace llmring
