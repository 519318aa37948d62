// SPDX-License-Identifier: MIT
// The message routes of conversations, POST /conversations/log and the retention
// cleanup, under /conversations and /api/v1/conversations, for the caller's project.

#pragma once

#include "conversationsettings.h"

#include <QHttpServerResponse>

namespace llmring {

class RegistryClient;
class Router;
struct RequestContext;

class MessageRoutes
{
public:
    MessageRoutes(qint64 maxBodyBytes, const ConversationSettings &settings, const RegistryClient &registry);

    void registerOn(Router &router) const;

    QHttpServerResponse listMessages(RequestContext &context) const;
    QHttpServerResponse addMessage(RequestContext &context) const;
    QHttpServerResponse addMessageBatch(RequestContext &context) const;
    QHttpServerResponse logConversation(RequestContext &context) const;
    QHttpServerResponse deleteOldMessages(RequestContext &context) const;

private:
    qint64 m_maxBodyBytes;
    ConversationSettings m_settings;
    const RegistryClient &m_registry;
};

} // namespace llmring
