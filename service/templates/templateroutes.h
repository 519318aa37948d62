// SPDX-License-Identifier: MIT
// The conversation template routes under /api/v1/templates, for the caller's project.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class Router;
struct RequestContext;

class TemplateRoutes
{
public:
    explicit TemplateRoutes(qint64 maxBodyBytes);

    void registerOn(Router &router) const;

    QHttpServerResponse createTemplate(RequestContext &context) const;
    QHttpServerResponse listTemplates(RequestContext &context) const;
    QHttpServerResponse templateStats(RequestContext &context) const;
    QHttpServerResponse getTemplate(RequestContext &context) const;
    QHttpServerResponse updateTemplate(RequestContext &context) const;
    QHttpServerResponse deleteTemplate(RequestContext &context) const;
    QHttpServerResponse useTemplate(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
};

} // namespace llmring
