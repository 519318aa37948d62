// SPDX-License-Identifier: MIT

#include "messageroutes.h"

#include "conversationjson.h"
#include "conversationstore.h"
#include "database/transaction.h"
#include "domain/conversationlogrequest.h"
#include "domain/messagerequest.h"
#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "http/uuidparameter.h"
#include "messagestore.h"
#include "registry/registryclient.h"
#include "usage/logcost.h"
#include "usage/usagejson.h"
#include "usage/usagestore.h"

#include <QJsonArray>
#include <QJsonObject>

#include <limits>

namespace llmring {

namespace {

QHttpServerResponse conversationNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Conversation not found"));
}

QHttpServerResponse messageLoggingDisabled()
{
    return errorResponse(StatusCode::BadRequest, QStringLiteral("Message logging is disabled"));
}

std::optional<QString> conversationIdOf(const RequestContext &context, ValidationErrors &errors)
{
    return readUuidPathParameter(context.pathParameters.value(0), QStringLiteral("conversation_id"), errors);
}

QList<NewMessage> newMessages(const QList<MessageRequest> &requests, MessageLoggingLevel level)
{
    QList<NewMessage> messages;
    messages.reserve(requests.size());
    for (const MessageRequest &request : requests)
        messages.append(NewMessage::fromRequest(request, level));
    return messages;
}

} // namespace

MessageRoutes::MessageRoutes(qint64 maxBodyBytes, const ConversationSettings &settings,
                             const RegistryClient &registry)
    : m_maxBodyBytes(maxBodyBytes)
    , m_settings(settings)
    , m_registry(registry)
{
}

void MessageRoutes::registerOn(Router &router) const
{
    for (const QString &collection : {QStringLiteral("/conversations"), QStringLiteral("/api/v1/conversations")}) {
        const QString messages = collection + QStringLiteral("/{conversation_id}/messages");
        router.add(Method::Get, messages, Access::Project,
                   [this](RequestContext &context) { return listMessages(context); });
        router.add(Method::Post, messages, Access::Project,
                   [this](RequestContext &context) { return addMessage(context); });
        router.add(Method::Post, messages + QStringLiteral("/batch"), Access::Project,
                   [this](RequestContext &context) { return addMessageBatch(context); });
        router.add(Method::Post, collection + QStringLiteral("/log"), Access::Project,
                   [this](RequestContext &context) { return logConversation(context); });
        router.add(Method::Delete, collection + QStringLiteral("/old-messages"), Access::Project,
                   [this](RequestContext &context) { return deleteOldMessages(context); });
    }
}

QHttpServerResponse MessageRoutes::listMessages(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> conversationId = conversationIdOf(context, errors);
    QueryReader query(context.query, errors);
    const qint64 limit = query.integer(QStringLiteral("limit"), 100, 1, 1000);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    if (!conversationId || !errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const auto messages = MessageStore(context.database()).list(context.projectId, *conversationId, limit, offset);
    if (!messages)
        return conversationNotFound();
    return jsonResponse(messagesToJson(*messages));
}

QHttpServerResponse MessageRoutes::addMessage(RequestContext &context) const
{
    if (m_settings.loggingLevel == MessageLoggingLevel::None)
        return messageLoggingDisabled();
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<QString> conversationId = conversationIdOf(context, errors);
    const std::optional<MessageRequest> request =
        MessageRequest::fromJson(*body, QJsonArray{QStringLiteral("body")}, conversationId.value_or(QString()), errors);
    if (!conversationId || !request)
        return errorResponse(HttpError::validation(errors));

    const auto stored = MessageStore(context.database())
                            .append(context.projectId, *conversationId,
                                    {NewMessage::fromRequest(*request, m_settings.loggingLevel)});
    if (!stored)
        return conversationNotFound();
    return jsonResponse(messageToJson(stored->constFirst()), StatusCode::Created);
}

QHttpServerResponse MessageRoutes::addMessageBatch(RequestContext &context) const
{
    if (m_settings.loggingLevel == MessageLoggingLevel::None)
        return messageLoggingDisabled();
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<QString> conversationId = conversationIdOf(context, errors);
    const std::optional<MessageBatchRequest> batch =
        MessageBatchRequest::fromJson(*body, conversationId.value_or(QString()), errors);
    if (!conversationId || !batch)
        return errorResponse(HttpError::validation(errors));

    // A batch at the "none" level stores nothing, but its conversation must still exist.
    const MessageLoggingLevel level = m_settings.effectiveLevel(batch->loggingLevel);
    const QList<NewMessage> messages =
        level == MessageLoggingLevel::None ? QList<NewMessage>() : newMessages(batch->messages, level);
    const auto stored = MessageStore(context.database()).append(context.projectId, *conversationId, messages);
    if (!stored)
        return conversationNotFound();
    return jsonResponse(messagesToJson(*stored), StatusCode::Created);
}

QHttpServerResponse MessageRoutes::logConversation(RequestContext &context) const
{
    if (!m_settings.trackingEnabled)
        return errorResponse(StatusCode::BadRequest, QStringLiteral("Conversation tracking is disabled"));
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    std::optional<ConversationLogRequest> request = ConversationLogRequest::fromJson(*body, errors);
    if (!request)
        return errorResponse(HttpError::validation(errors));

    // Priced like POST /api/v1/log. current() returns the loaded snapshot without
    // waiting for a registry download.
    const LogCost cost = LogCost::forRequest(request->usage, m_registry.current());
    const MessageLoggingLevel level = m_settings.effectiveLevel(request->loggingLevel);

    DatabaseConnection &database = context.database();
    Transaction transaction(database);
    ConversationRequest conversation;
    conversation.title = request->title();
    conversation.modelAlias = request->modelAlias();
    const StoredConversation stored = ConversationStore(database).insert(context.projectId, conversation);
    const UsageStore::InsertResult usage =
        UsageStore(database).insert(context.projectId, request->usage, cost, stored.id);

    QJsonValue messageId(QJsonValue::Null);
    qsizetype messagesStored = 0;
    if (level != MessageLoggingLevel::None) {
        // The assistant message carries the cost the usage row stored, so the
        // conversation's total_cost equals the usage it caused.
        QList<NewMessage> messages = newMessages(request->messages, level);
        NewMessage response = NewMessage::fromRequest(request->response, level);
        response.metadata.insert(QStringLiteral("cost"), moneyFromDecimalText(usage.log.cost));
        response.cost = usage.log.cost;
        messages.append(response);
        const auto appended = MessageStore(database).append(context.projectId, stored.id, messages);
        // The conversation was created above in this transaction, so it is found.
        messageId = appended->constLast().id;
        messagesStored = appended->size();
    }
    transaction.commit();

    return jsonResponse(QJsonObject{{QStringLiteral("conversation_id"), stored.id},
                                    {QStringLiteral("message_id"), messageId},
                                    {QStringLiteral("messages_stored"), messagesStored}},
                        StatusCode::Created);
}

QHttpServerResponse MessageRoutes::deleteOldMessages(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const qint64 retentionDays = query.integer(QStringLiteral("retention_days"), m_settings.retentionDays, 1,
                                               ConversationSettings::MaxRetentionDays);
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    const qint64 deleted = MessageStore(context.database()).deleteOlderThan(context.projectId, retentionDays);
    return jsonResponse(QJsonObject{{QStringLiteral("deleted_count"), deleted},
                                    {QStringLiteral("retention_days"), retentionDays}});
}

} // namespace llmring
