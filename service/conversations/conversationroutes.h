// SPDX-License-Identifier: MIT
// The conversation routes under /conversations and /api/v1/conversations, for the
// caller's project. Both prefixes serve the same handlers.

#pragma once

#include <QHttpServerResponse>

namespace llmring {

class Router;
struct RequestContext;

class ConversationRoutes
{
public:
    explicit ConversationRoutes(qint64 maxBodyBytes);

    void registerOn(Router &router) const;

    QHttpServerResponse createConversation(RequestContext &context) const;
    QHttpServerResponse listConversations(RequestContext &context) const;
    QHttpServerResponse getConversation(RequestContext &context) const;
    QHttpServerResponse updateConversation(RequestContext &context) const;
    QHttpServerResponse deleteConversation(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
};

} // namespace llmring
