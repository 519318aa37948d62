// SPDX-License-Identifier: MIT

#include "templatejson.h"

#include "database/sqlvalues.h"
#include "json/optionaljson.h"

#include <QJsonDocument>

namespace llmring {

QJsonObject templateToJson(const StoredTemplate &stored)
{
    return QJsonObject{
        {QStringLiteral("id"), stored.id},
        {QStringLiteral("name"), stored.name},
        {QStringLiteral("description"), json::optionalJson(stored.description)},
        {QStringLiteral("system_prompt"), json::optionalJson(stored.systemPrompt)},
        {QStringLiteral("model"), json::optionalJson(stored.model)},
        {QStringLiteral("temperature"), stored.temperature},
        {QStringLiteral("max_tokens"), stored.maxTokens ? QJsonValue(*stored.maxTokens) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("tool_config"), jsonFromColumnText(stored.toolConfigJson).toObject()},
        {QStringLiteral("created_by"), stored.createdBy},
        {QStringLiteral("is_active"), stored.isActive},
        {QStringLiteral("usage_count"), stored.usageCount},
        {QStringLiteral("created_at"), stored.createdAt},
        {QStringLiteral("updated_at"), stored.updatedAt},
        {QStringLiteral("last_used_at"), json::optionalJson(stored.lastUsedAt)},
    };
}

QJsonObject templateUsageToJson(const TemplateUsage &usage)
{
    return QJsonObject{
        {QStringLiteral("template_id"), usage.id},
        {QStringLiteral("template_name"), usage.name},
        {QStringLiteral("usage_count"), usage.usageCount},
        {QStringLiteral("last_used_at"), json::optionalJson(usage.lastUsedAt)},
        {QStringLiteral("created_at"), usage.createdAt},
    };
}

} // namespace llmring
