// SPDX-License-Identifier: MIT

#include "templateroutes.h"

#include "domain/templaterequest.h"
#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "http/uuidparameter.h"
#include "templatejson.h"
#include "templatestore.h"

#include <QJsonArray>
#include <QJsonObject>

#include <limits>

namespace llmring {

namespace {

const QString TemplateIdParameter = QStringLiteral("template_id");

QHttpServerResponse templateNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Template not found"));
}

// The `{template_id}` path segment in canonical form, or std::nullopt after adding
// its error to `errors`.
std::optional<QString> templateIdOf(const RequestContext &context, ValidationErrors &errors)
{
    return readUuidPathParameter(context.pathParameters.value(0), TemplateIdParameter, errors);
}

} // namespace

TemplateRoutes::TemplateRoutes(qint64 maxBodyBytes)
    : m_maxBodyBytes(maxBodyBytes)
{
}

void TemplateRoutes::registerOn(Router &router) const
{
    const QString collection = QStringLiteral("/api/v1/templates");
    const QString item = collection + QStringLiteral("/{template_id}");
    router.add(Method::Post, collection, Access::Project,
               [this](RequestContext &context) { return createTemplate(context); });
    router.add(Method::Get, collection, Access::Project,
               [this](RequestContext &context) { return listTemplates(context); });
    router.add(Method::Get, collection + QStringLiteral("/stats"), Access::Project,
               [this](RequestContext &context) { return templateStats(context); });
    router.add(Method::Get, item, Access::Project, [this](RequestContext &context) { return getTemplate(context); });
    router.add(Method::Put, item, Access::Project,
               [this](RequestContext &context) { return updateTemplate(context); });
    router.add(Method::Delete, item, Access::Project,
               [this](RequestContext &context) { return deleteTemplate(context); });
    router.add(Method::Post, item + QStringLiteral("/use"), Access::Project,
               [this](RequestContext &context) { return useTemplate(context); });
}

QHttpServerResponse TemplateRoutes::createTemplate(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<TemplateRequest> request =
        TemplateRequest::fromJson(*body, TemplateRequest::Purpose::Create, errors);
    if (!request)
        return errorResponse(HttpError::validation(errors));

    const StoredTemplate stored = TemplateStore(context.database()).insert(context.projectId, *request);
    return jsonResponse(templateToJson(stored), StatusCode::Created);
}

QHttpServerResponse TemplateRoutes::listTemplates(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const qint64 limit = query.integer(QStringLiteral("limit"), 50, 1, 100);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    std::optional<bool> isActive;
    if (query.has(QStringLiteral("is_active"))) {
        const QString value = query.choice(QStringLiteral("is_active"), QString(),
                                           {QStringLiteral("true"), QStringLiteral("false")});
        if (!value.isEmpty())
            isActive = value == QStringLiteral("true");
    }
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const QList<StoredTemplate> templates =
        TemplateStore(context.database()).list(context.projectId, isActive, limit, offset);
    QJsonArray items;
    for (const StoredTemplate &stored : templates)
        items.append(templateToJson(stored));
    return jsonResponse(items);
}

QHttpServerResponse TemplateRoutes::templateStats(RequestContext &context) const
{
    const QList<TemplateUsage> rows = TemplateStore(context.database()).usage(context.projectId);
    QJsonArray items;
    for (const TemplateUsage &row : rows)
        items.append(templateUsageToJson(row));
    return jsonResponse(items);
}

QHttpServerResponse TemplateRoutes::getTemplate(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> templateId = templateIdOf(context, errors);
    if (!templateId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredTemplate> stored = TemplateStore(context.database()).find(context.projectId, *templateId);
    if (!stored)
        return templateNotFound();
    return jsonResponse(templateToJson(*stored));
}

QHttpServerResponse TemplateRoutes::updateTemplate(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    // The path and the body are checked together, so one 422 reports both.
    ValidationErrors errors;
    const std::optional<QString> templateId = templateIdOf(context, errors);
    const std::optional<TemplateRequest> request =
        TemplateRequest::fromJson(*body, TemplateRequest::Purpose::Update, errors);
    if (!templateId || !request)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredTemplate> stored =
        TemplateStore(context.database()).update(context.projectId, *templateId, *request);
    if (!stored)
        return templateNotFound();
    return jsonResponse(templateToJson(*stored));
}

QHttpServerResponse TemplateRoutes::deleteTemplate(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> templateId = templateIdOf(context, errors);
    if (!templateId)
        return errorResponse(HttpError::validation(errors));

    if (!TemplateStore(context.database()).remove(context.projectId, *templateId))
        return templateNotFound();
    return jsonResponse(QJsonObject{{QStringLiteral("message"), QStringLiteral("Template deleted")}});
}

QHttpServerResponse TemplateRoutes::useTemplate(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> templateId = templateIdOf(context, errors);
    if (!templateId)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredTemplate> stored =
        TemplateStore(context.database()).recordUse(context.projectId, *templateId);
    if (!stored)
        return templateNotFound();
    return jsonResponse(templateToJson(*stored));
}

} // namespace llmring
