// SPDX-License-Identifier: MIT

#include "conversationroutes.h"

#include "conversationjson.h"
#include "conversationstore.h"
#include "database/transaction.h"
#include "domain/conversationrequest.h"
#include "http/jsonresponse.h"
#include "http/queryreader.h"
#include "http/requestbody.h"
#include "http/router.h"
#include "http/uuidparameter.h"
#include "messagestore.h"

#include <QJsonArray>
#include <QJsonObject>

#include <limits>

namespace llmring {

namespace {

const QString ConversationIdParameter = QStringLiteral("conversation_id");

QHttpServerResponse conversationNotFound()
{
    return errorResponse(StatusCode::NotFound, QStringLiteral("Conversation not found"));
}

// The `{conversation_id}` path segment in canonical form, or std::nullopt after adding
// its error to `errors`.
std::optional<QString> conversationIdOf(const RequestContext &context, ValidationErrors &errors)
{
    return readUuidPathParameter(context.pathParameters.value(0), ConversationIdParameter, errors);
}

} // namespace

ConversationRoutes::ConversationRoutes(qint64 maxBodyBytes, const ConversationSettings &settings)
    : m_maxBodyBytes(maxBodyBytes)
    , m_settings(settings)
{
}

void ConversationRoutes::registerOn(Router &router) const
{
    for (const QString &collection : {QStringLiteral("/conversations"), QStringLiteral("/api/v1/conversations")}) {
        const QString item = collection + QStringLiteral("/{conversation_id}");
        router.add(Method::Post, collection, Access::Project,
                   [this](RequestContext &context) { return createConversation(context); });
        router.add(Method::Get, collection, Access::Project,
                   [this](RequestContext &context) { return listConversations(context); });
        router.add(Method::Get, item, Access::Project,
                   [this](RequestContext &context) { return getConversation(context); });
        router.add(Method::Patch, item, Access::Project,
                   [this](RequestContext &context) { return updateConversation(context); });
        router.add(Method::Delete, item, Access::Project,
                   [this](RequestContext &context) { return deleteConversation(context); });
    }
}

QHttpServerResponse ConversationRoutes::createConversation(RequestContext &context) const
{
    if (!m_settings.trackingEnabled)
        return errorResponse(StatusCode::BadRequest, QStringLiteral("Conversation tracking is disabled"));
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    ValidationErrors errors;
    const std::optional<ConversationRequest> request = ConversationRequest::fromJson(*body, errors);
    if (!request)
        return errorResponse(HttpError::validation(errors));

    const StoredConversation stored = ConversationStore(context.database()).insert(context.projectId, *request);
    return jsonResponse(conversationToJson(stored), StatusCode::Created);
}

QHttpServerResponse ConversationRoutes::listConversations(RequestContext &context) const
{
    ValidationErrors errors;
    QueryReader query(context.query, errors);
    const qint64 limit = query.integer(QStringLiteral("limit"), 20, 1, 100);
    const qint64 offset = query.integer(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint32>::max());
    if (!errors.isEmpty())
        return errorResponse(HttpError::validation(errors));
    // Conversations stored while tracking was on stay readable by id.
    if (!m_settings.trackingEnabled)
        return jsonResponse(QJsonArray());

    const QList<StoredConversation> conversations =
        ConversationStore(context.database()).list(context.projectId, limit, offset);
    QJsonArray items;
    for (const StoredConversation &stored : conversations)
        items.append(conversationToJson(stored));
    return jsonResponse(items);
}

QHttpServerResponse ConversationRoutes::getConversation(RequestContext &context) const
{
    // The path and the query are checked together, so one 422 reports both.
    ValidationErrors errors;
    const std::optional<QString> conversationId = conversationIdOf(context, errors);
    QueryReader query(context.query, errors);
    const bool includeMessages =
        query.choice(QStringLiteral("include_messages"), QStringLiteral("true"),
                     {QStringLiteral("true"), QStringLiteral("false")})
        != QStringLiteral("false");
    const qint64 messageLimit = query.integer(QStringLiteral("message_limit"), 100, 1, 1000);
    if (!conversationId || !errors.isEmpty())
        return errorResponse(HttpError::validation(errors));

    // One snapshot for the counters and the messages, so they agree even while a batch
    // for this conversation commits.
    DatabaseConnection &database = context.database();
    Transaction transaction(database, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    const std::optional<StoredConversation> stored =
        ConversationStore(database).find(context.projectId, *conversationId);
    if (!stored)
        return conversationNotFound();
    QJsonObject conversation = conversationToJson(*stored);
    if (includeMessages) {
        const auto messages = MessageStore(database).list(context.projectId, *conversationId, messageLimit, 0);
        conversation.insert(QStringLiteral("messages"), messagesToJson(messages.value_or(QList<StoredMessage>())));
    }
    transaction.commit();
    return jsonResponse(conversation);
}

QHttpServerResponse ConversationRoutes::updateConversation(RequestContext &context) const
{
    HttpError error;
    const auto body = parseJsonBody(context.request, m_maxBodyBytes, &error);
    if (!body)
        return errorResponse(error);
    // The path and the body are checked together, so one 422 reports both.
    ValidationErrors errors;
    const std::optional<QString> conversationId = conversationIdOf(context, errors);
    const std::optional<ConversationRequest> request = ConversationRequest::fromJson(*body, errors);
    if (!conversationId || !request)
        return errorResponse(HttpError::validation(errors));

    const std::optional<StoredConversation> stored =
        ConversationStore(context.database()).update(context.projectId, *conversationId, *request);
    if (!stored)
        return conversationNotFound();
    return jsonResponse(conversationToJson(*stored));
}

QHttpServerResponse ConversationRoutes::deleteConversation(RequestContext &context) const
{
    ValidationErrors errors;
    const std::optional<QString> conversationId = conversationIdOf(context, errors);
    if (!conversationId)
        return errorResponse(HttpError::validation(errors));

    if (!ConversationStore(context.database()).remove(context.projectId, *conversationId))
        return conversationNotFound();
    return jsonResponse(QJsonObject{{QStringLiteral("message"), QStringLiteral("Conversation deleted")}});
}

} // namespace llmring
