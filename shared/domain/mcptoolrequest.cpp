// SPDX-License-Identifier: MIT

#include "mcptoolrequest.h"

#include "fieldreader.h"

#include <QUuid>

#include <limits>

namespace llmring {

namespace {

const QJsonArray BodyLoc{QStringLiteral("body")};

bool requireObjectBody(const QJsonValue &body, ValidationErrors &errors)
{
    if (body.isObject())
        return true;
    errors.add(BodyLoc, QStringLiteral("must be a JSON object"), ErrorType::TypeError);
    return false;
}

} // namespace

std::optional<McpToolRequest> McpToolRequest::fromJson(const QJsonValue &body, ValidationErrors &errors)
{
    if (!requireObjectBody(body, errors))
        return std::nullopt;

    const QJsonObject object = body.toObject();
    FieldReader reader(object, BodyLoc, errors);
    McpToolRequest request;

    const std::optional<QString> serverId = reader.requiredUuid(QStringLiteral("server_id"));
    const std::optional<QString> name = reader.requiredString(QStringLiteral("name"), 1, MaxNameLength);
    // A text column without a length limit, so only the request body limit bounds it.
    request.description = reader.optionalString(QStringLiteral("description"), std::numeric_limits<qsizetype>::max());
    const QString schemaMember = reader.spellingOf(QStringLiteral("input_schema"), QStringLiteral("inputSchema"));
    const std::optional<QJsonObject> inputSchema =
        schemaMember.isEmpty() ? std::nullopt : reader.requiredObject(schemaMember);

    if (!errors.isEmpty())
        return std::nullopt;
    request.serverId = *serverId;
    request.name = *name;
    request.inputSchema = *inputSchema;
    return request;
}

std::optional<McpExecutionRequest> McpExecutionRequest::fromJson(const QJsonValue &body, ValidationErrors &errors)
{
    if (!requireObjectBody(body, errors))
        return std::nullopt;

    const QJsonObject object = body.toObject();
    FieldReader reader(object, BodyLoc, errors);
    McpExecutionRequest request;

    const std::optional<QJsonObject> input = reader.requiredObject(QStringLiteral("input"));
    if (reader.has(QStringLiteral("output")))
        request.output = object.value(QStringLiteral("output"));
    // The message of a failed run is a text column without a length limit, so only the
    // request body limit bounds it.
    request.error = reader.optionalString(QStringLiteral("error"), std::numeric_limits<qsizetype>::max());
    request.durationMs = reader.optionalInteger(QStringLiteral("duration_ms"), 0, MaxInt32);
    request.conversationId = reader.optionalUuid(QStringLiteral("conversation_id"));

    if (!errors.isEmpty())
        return std::nullopt;
    request.input = *input;
    return request;
}

} // namespace llmring
