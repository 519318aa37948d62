// SPDX-License-Identifier: MIT
// The JSON form of conversation templates in responses.

#pragma once

#include "templatestore.h"

#include <QJsonObject>

namespace llmring {

// `{id, name, description, system_prompt, model, temperature, max_tokens, tool_config,
// created_by, is_active, usage_count, created_at, updated_at, last_used_at}`, with null
// for unset optional members.
QJsonObject templateToJson(const StoredTemplate &stored);

// `{template_id, template_name, usage_count, last_used_at, created_at}`.
QJsonObject templateUsageToJson(const TemplateUsage &usage);

} // namespace llmring
