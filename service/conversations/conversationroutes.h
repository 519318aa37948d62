// SPDX-License-Identifier: MIT
// The conversation routes under /conversations and /api/v1/conversations, for the
// caller's project. Both prefixes serve the same handlers.

#pragma once

#include "conversationsettings.h"

#include <QHttpServerResponse>

namespace llmring {

class Router;
struct RequestContext;

class ConversationRoutes
{
public:
    ConversationRoutes(qint64 maxBodyBytes, const ConversationSettings &settings);

    void registerOn(Router &router) const;

    QHttpServerResponse createConversation(RequestContext &context) const;
    QHttpServerResponse listConversations(RequestContext &context) const;
    QHttpServerResponse getConversation(RequestContext &context) const;
    QHttpServerResponse updateConversation(RequestContext &context) const;
    QHttpServerResponse deleteConversation(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
    ConversationSettings m_settings;
};

} // namespace llmring
