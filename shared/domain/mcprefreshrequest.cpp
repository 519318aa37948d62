// SPDX-License-Identifier: MIT

#include "mcprefreshrequest.h"

#include "fieldreader.h"

#include <QHash>

#include <limits>

namespace llmring {

namespace {

// Description and text are text columns without a length limit, so only the request
// body limit bounds them.
constexpr qsizetype Unlimited = std::numeric_limits<qsizetype>::max();

QJsonArray itemLoc(const QString &list, qsizetype index)
{
    return QJsonArray{QStringLiteral("body"), list, index};
}

// Adds an error at the key member of item `index` when an earlier item of the list has
// the same key. `seen` maps each key to the first item that had it.
void checkUnique(const std::optional<QString> &key, qsizetype index, const QString &member,
                 QHash<QString, qsizetype> &seen, FieldReader &reader)
{
    if (!key)
        return;
    const auto first = seen.constFind(*key);
    if (first == seen.constEnd()) {
        seen.insert(*key, index);
        return;
    }
    reader.errors().add(reader.locOf(member),
                        QStringLiteral("must be unique, but item %1 has the same %2 \"%3\"")
                            .arg(QString::number(*first), member, *key),
                        ErrorType::ValueError);
}

QList<McpToolItem> readTools(const QJsonArray &items, ValidationErrors &errors)
{
    QList<McpToolItem> tools;
    QHash<QString, qsizetype> names;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject object = items.at(i).toObject();
        FieldReader reader(object, itemLoc(QStringLiteral("tools"), i), errors);
        const std::optional<QString> name = reader.requiredString(QStringLiteral("name"), 1,
                                                                  McpRefreshRequest::MaxNameLength);
        checkUnique(name, i, QStringLiteral("name"), names, reader);
        McpToolItem tool;
        tool.name = name.value_or(QString());
        tool.description = reader.optionalString(QStringLiteral("description"), Unlimited);
        const QString schemaMember =
            reader.spellingOf(QStringLiteral("input_schema"), QStringLiteral("inputSchema"));
        if (!schemaMember.isEmpty())
            tool.inputSchema = reader.optionalObject(schemaMember).value_or(QJsonObject());
        tools.append(tool);
    }
    return tools;
}

QList<McpResourceItem> readResources(const QJsonArray &items, ValidationErrors &errors)
{
    QList<McpResourceItem> resources;
    QHash<QString, qsizetype> uris;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject object = items.at(i).toObject();
        FieldReader reader(object, itemLoc(QStringLiteral("resources"), i), errors);
        const std::optional<QString> uri =
            reader.requiredString(QStringLiteral("uri"), 1, McpRefreshRequest::MaxUriLength);
        checkUnique(uri, i, QStringLiteral("uri"), uris, reader);
        McpResourceItem resource;
        resource.uri = uri.value_or(QString());
        resource.name = reader.optionalString(QStringLiteral("name"), McpRefreshRequest::MaxNameLength);
        resource.description = reader.optionalString(QStringLiteral("description"), Unlimited);
        const QString mimeTypeMember =
            reader.spellingOf(QStringLiteral("mime_type"), QStringLiteral("mimeType"));
        if (!mimeTypeMember.isEmpty())
            resource.mimeType = reader.optionalString(mimeTypeMember, McpRefreshRequest::MaxMimeTypeLength);
        resource.text = reader.optionalString(QStringLiteral("text"), Unlimited);
        resources.append(resource);
    }
    return resources;
}

// Reads `arguments`: an object, an array or null.
QJsonValue readPromptArguments(const QJsonObject &object, FieldReader &reader)
{
    const QString member = QStringLiteral("arguments");
    if (!reader.has(member))
        return QJsonValue(QJsonValue::Null);
    const QJsonValue value = object.value(member);
    if (!value.isObject() && !value.isArray()) {
        reader.errors().add(reader.locOf(member), QStringLiteral("must be an object, an array or null"),
                            ErrorType::TypeError);
        return QJsonValue(QJsonValue::Null);
    }
    return value;
}

// Reads `messages`: null, or an array of {role, content} objects with string members.
// Only `role` and `content` are kept.
QJsonValue readPromptMessages(const QJsonObject &object, FieldReader &reader)
{
    const QString member = QStringLiteral("messages");
    if (!reader.has(member))
        return QJsonValue(QJsonValue::Null);
    const QJsonValue value = object.value(member);
    if (!value.isArray()) {
        reader.errors().add(reader.locOf(member), QStringLiteral("must be an array of messages or null"),
                            ErrorType::TypeError);
        return QJsonValue(QJsonValue::Null);
    }

    const QJsonArray items = value.toArray();
    QJsonArray messages;
    for (qsizetype i = 0; i < items.size(); ++i) {
        QJsonArray loc = reader.locOf(member);
        loc.append(i);
        if (!items.at(i).isObject()) {
            reader.errors().add(loc, QStringLiteral("must be an object"), ErrorType::TypeError);
            continue;
        }
        FieldReader messageReader(items.at(i).toObject(), loc, reader.errors());
        const auto role = messageReader.requiredString(QStringLiteral("role"), 1, McpRefreshRequest::MaxNameLength);
        const auto content = messageReader.requiredString(QStringLiteral("content"), 0, Unlimited);
        if (role && content)
            messages.append(QJsonObject{{QStringLiteral("role"), *role}, {QStringLiteral("content"), *content}});
    }
    return messages;
}

QList<McpPromptItem> readPrompts(const QJsonArray &items, ValidationErrors &errors)
{
    QList<McpPromptItem> prompts;
    QHash<QString, qsizetype> names;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject object = items.at(i).toObject();
        FieldReader reader(object, itemLoc(QStringLiteral("prompts"), i), errors);
        const std::optional<QString> name = reader.requiredString(QStringLiteral("name"), 1,
                                                                  McpRefreshRequest::MaxNameLength);
        checkUnique(name, i, QStringLiteral("name"), names, reader);
        McpPromptItem prompt;
        prompt.name = name.value_or(QString());
        prompt.description = reader.optionalString(QStringLiteral("description"), Unlimited);
        prompt.arguments = readPromptArguments(object, reader);
        prompt.messages = readPromptMessages(object, reader);
        prompts.append(prompt);
    }
    return prompts;
}

} // namespace

std::optional<McpRefreshRequest> McpRefreshRequest::fromJson(const QJsonValue &body, ValidationErrors &errors)
{
    if (!body.isObject()) {
        errors.add(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"),
                   ErrorType::TypeError);
        return std::nullopt;
    }

    const QJsonObject object = body.toObject();
    FieldReader reader(object, QJsonArray{QStringLiteral("body")}, errors);
    McpRefreshRequest request;
    // An invalid list reports its own error and its items are not read.
    if (const auto tools = reader.optionalObjectArray(QStringLiteral("tools")))
        request.tools = readTools(*tools, errors);
    if (const auto resources = reader.optionalObjectArray(QStringLiteral("resources")))
        request.resources = readResources(*resources, errors);
    if (const auto prompts = reader.optionalObjectArray(QStringLiteral("prompts")))
        request.prompts = readPrompts(*prompts, errors);

    if (!errors.isEmpty())
        return std::nullopt;
    return request;
}

} // namespace llmring
