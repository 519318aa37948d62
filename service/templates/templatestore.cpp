// SPDX-License-Identifier: MIT

#include "templatestore.h"

#include "database/databaseconnection.h"
#include "database/sqlvalues.h"

#include <QJsonDocument>
#include <QLocale>
#include <QSqlQuery>

namespace llmring {

namespace {

// The columns readTemplate() expects, in order.
const QString TemplateColumns =
    QStringLiteral("id::text, %4, %5, %6, %7, temperature, max_tokens, tool_config::text,"
                   " %8, is_active, usage_count, %1, %2, %3")
        .arg(timestampColumn(QStringLiteral("created_at")), timestampColumn(QStringLiteral("updated_at")),
             timestampColumn(QStringLiteral("last_used_at")), textColumn(QStringLiteral("name")),
             textColumn(QStringLiteral("description")), textColumn(QStringLiteral("system_prompt")),
             textColumn(QStringLiteral("model")), textColumn(QStringLiteral("created_by")));

StoredTemplate readTemplate(const QSqlQuery &query)
{
    StoredTemplate stored;
    stored.id = query.value(0).toString();
    stored.name = query.value(1).toString();
    stored.description = optionalText(query, 2);
    stored.systemPrompt = optionalText(query, 3);
    stored.model = optionalText(query, 4);
    stored.temperature = query.value(5).toDouble();
    if (!query.isNull(6))
        stored.maxTokens = query.value(6).toLongLong();
    stored.toolConfigJson = query.value(7).toString();
    stored.createdBy = query.value(8).toString();
    stored.isActive = query.value(9).toBool();
    stored.usageCount = query.value(10).toLongLong();
    stored.createdAt = query.value(11).toString();
    stored.updatedAt = query.value(12).toString();
    stored.lastUsedAt = optionalText(query, 13);
    return stored;
}

void bindRequest(QSqlQuery &query, const TemplateRequest &request)
{
    query.bindValue(QStringLiteral(":name"), nullableText(request.name));
    query.bindValue(QStringLiteral(":description"), nullableText(request.description));
    query.bindValue(QStringLiteral(":system_prompt"), nullableText(request.systemPrompt));
    query.bindValue(QStringLiteral(":model"), nullableText(request.model));
    query.bindValue(QStringLiteral(":temperature"), nullableNumberText(request.temperature));
    query.bindValue(QStringLiteral(":max_tokens"), nullableInteger(request.maxTokens));
    query.bindValue(QStringLiteral(":tool_config"), nullableJsonText(request.toolConfig));
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(request.isActive));
}

} // namespace

TemplateStore::TemplateStore(DatabaseConnection &connection)
    : m_connection(connection)
{
}

StoredTemplate TemplateStore::insert(const QString &projectId, const TemplateRequest &request)
{
    // One statement shape serves every request. An absent member is bound as NULL and
    // replaced by the column's default, which these COALESCE calls repeat.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.insert"),
        QStringLiteral("INSERT INTO {{schema}}.conversation_templates (api_key_id, name, description, system_prompt,"
                       " model, temperature, max_tokens, tool_config, created_by, is_active)"
                       " VALUES (:project, :name, :description, :system_prompt, :model,"
                       " COALESCE(CAST(:temperature AS double precision), 0.7), :max_tokens,"
                       " COALESCE(CAST(:tool_config AS jsonb), '{}'::jsonb), COALESCE(:created_by, 'api'),"
                       " COALESCE(CAST(:is_active AS boolean), true))"
                       " RETURNING ")
            + TemplateColumns);
    query.bindValue(QStringLiteral(":project"), projectId);
    bindRequest(query, request);
    query.bindValue(QStringLiteral(":created_by"), nullableText(request.createdBy));
    const std::optional<StoredTemplate> inserted =
        fetchOptionalRow(m_connection, query, QStringLiteral("insert template"), readTemplate);
    return *inserted;
}

std::optional<StoredTemplate> TemplateStore::find(const QString &projectId, const QString &templateId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.find"),
        QStringLiteral("SELECT %1 FROM {{schema}}.conversation_templates"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid)")
            .arg(TemplateColumns));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), templateId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("find template"), readTemplate);
}

QList<StoredTemplate> TemplateStore::list(const QString &projectId, std::optional<bool> isActive, qint64 limit,
                                          qint64 offset)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.list"),
        QStringLiteral("SELECT %1 FROM {{schema}}.conversation_templates"
                       " WHERE api_key_id = :project"
                       " AND (CAST(:is_active AS boolean) IS NULL OR is_active = CAST(:is_active AS boolean))"
                       " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset")
            .arg(TemplateColumns));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":is_active"), nullableBooleanText(isActive));
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);
    m_connection.exec(query, QStringLiteral("list templates"));
    QList<StoredTemplate> templates;
    while (query.next())
        templates.append(readTemplate(query));
    query.finish();
    return templates;
}

QList<TemplateUsage> TemplateStore::usage(const QString &projectId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.usage"),
        QStringLiteral("SELECT id::text, %3, usage_count, %1, %2 FROM {{schema}}.conversation_templates"
                       " WHERE api_key_id = :project ORDER BY usage_count DESC, created_at DESC, id DESC")
            .arg(timestampColumn(QStringLiteral("last_used_at")), timestampColumn(QStringLiteral("created_at")),
                 textColumn(QStringLiteral("name"))));
    query.bindValue(QStringLiteral(":project"), projectId);
    m_connection.exec(query, QStringLiteral("template usage"));
    QList<TemplateUsage> rows;
    while (query.next()) {
        rows.append(TemplateUsage{query.value(0).toString(), query.value(1).toString(), query.value(2).toLongLong(),
                                  optionalText(query, 3), query.value(4).toString()});
    }
    query.finish();
    return rows;
}

std::optional<StoredTemplate> TemplateStore::update(const QString &projectId, const QString &templateId,
                                                    const TemplateRequest &request)
{
    // A NULL bound value keeps the stored one, so one statement shape serves every
    // partial update.
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.update"),
        QStringLiteral("UPDATE {{schema}}.conversation_templates SET"
                       " name = COALESCE(:name, name),"
                       " description = COALESCE(:description, description),"
                       " system_prompt = COALESCE(:system_prompt, system_prompt),"
                       " model = COALESCE(:model, model),"
                       " temperature = COALESCE(CAST(:temperature AS double precision), temperature),"
                       " max_tokens = COALESCE(CAST(:max_tokens AS integer), max_tokens),"
                       " tool_config = COALESCE(CAST(:tool_config AS jsonb), tool_config),"
                       " is_active = COALESCE(CAST(:is_active AS boolean), is_active),"
                       " updated_at = now()"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid) RETURNING ")
            + TemplateColumns);
    bindRequest(query, request);
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), templateId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("update template"), readTemplate);
}

bool TemplateStore::remove(const QString &projectId, const QString &templateId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.delete"),
        QStringLiteral("DELETE FROM {{schema}}.conversation_templates"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid) RETURNING id"));
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), templateId);
    m_connection.exec(query, QStringLiteral("delete template"));
    const bool deleted = query.next();
    query.finish();
    return deleted;
}

std::optional<StoredTemplate> TemplateStore::recordUse(const QString &projectId, const QString &templateId)
{
    QSqlQuery &query = m_connection.prepared(
        QStringLiteral("templates.use"),
        QStringLiteral("UPDATE {{schema}}.conversation_templates"
                       " SET usage_count = usage_count + 1, last_used_at = now()"
                       " WHERE api_key_id = :project AND id = CAST(:id AS uuid) RETURNING ")
            + TemplateColumns);
    query.bindValue(QStringLiteral(":project"), projectId);
    query.bindValue(QStringLiteral(":id"), templateId);
    return fetchOptionalRow(m_connection, query, QStringLiteral("record template use"), readTemplate);
}

} // namespace llmring
