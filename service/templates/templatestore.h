// SPDX-License-Identifier: MIT
// SQL for conversation templates.

#pragma once

#include "domain/templaterequest.h"

#include <QList>
#include <QString>

#include <optional>

namespace llmring {

class DatabaseConnection;

// A template row as stored. Timestamps are RFC 3339 text with six fractional digits
// and `Z`, formatted by PostgreSQL, because QPSQL returns only milliseconds.
struct StoredTemplate
{
    QString id;
    QString name;
    std::optional<QString> description;
    std::optional<QString> systemPrompt;
    std::optional<QString> model;
    double temperature = 0.7;
    std::optional<qint64> maxTokens;
    QString toolConfigJson; // jsonb text
    QString createdBy;
    bool isActive = true;
    qint64 usageCount = 0;
    QString createdAt;
    QString updatedAt;
    std::optional<QString> lastUsedAt;
};

// One row of the usage statistics.
struct TemplateUsage
{
    QString id;
    QString name;
    qint64 usageCount = 0;
    std::optional<QString> lastUsedAt;
    QString createdAt;
};

// Reads and writes `conversation_templates`. Every statement is filtered by the
// project, so another project's template is never found. Throws DatabaseError.
// `templateId` arguments must be UUIDs.
class TemplateStore
{
public:
    explicit TemplateStore(DatabaseConnection &connection);

    StoredTemplate insert(const QString &projectId, const TemplateRequest &request);

    std::optional<StoredTemplate> find(const QString &projectId, const QString &templateId);

    // Newest first. A set `isActive` keeps only active or only inactive templates.
    QList<StoredTemplate> list(const QString &projectId, std::optional<bool> isActive, qint64 limit, qint64 offset);

    // Every template of the project, most used first, then newest first.
    // NOTE: not paged, because the API defines no limit for the statistics. A project
    // with very many templates gets them all in one response.
    QList<TemplateUsage> usage(const QString &projectId);

    // Sets the members the request has and `updated_at`. Returns std::nullopt when
    // the template is not found.
    std::optional<StoredTemplate> update(const QString &projectId, const QString &templateId,
                                         const TemplateRequest &request);

    // Returns false when the template is not found.
    bool remove(const QString &projectId, const QString &templateId);

    // Adds one to `usage_count` and sets `last_used_at` in one statement, so concurrent
    // calls each count. Returns std::nullopt when the template is not found.
    std::optional<StoredTemplate> recordUse(const QString &projectId, const QString &templateId);

private:
    DatabaseConnection &m_connection;
};

} // namespace llmring
