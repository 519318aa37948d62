// SPDX-License-Identifier: MIT

#include "promptrenderer.h"

#include "json/compactjson.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace llmring {

namespace {

const QString ArgumentsMember = QStringLiteral("arguments");

// Adds `name` to `declared`, or marks the earlier entry required when `required` is set.
void declare(QList<PromptArgument> &declared, const QString &name, bool required)
{
    for (PromptArgument &argument : declared) {
        if (argument.name == name) {
            argument.required = argument.required || required;
            return;
        }
    }
    declared.append(PromptArgument{name, required});
}

bool isRequired(const QJsonValue &entry)
{
    return entry.toObject().value(QStringLiteral("required")) == QJsonValue(true);
}

bool isPresent(const QJsonValue &value)
{
    return !value.isUndefined() && !value.isNull();
}

// Fills the placeholders of every string in `value`, at any depth.
QJsonValue fillStrings(const QJsonValue &value, const QJsonObject &values)
{
    if (value.isString())
        return fillPlaceholders(value.toString(), values);
    if (value.isArray()) {
        QJsonArray filled;
        for (const QJsonValue &item : value.toArray())
            filled.append(fillStrings(item, values));
        return filled;
    }
    if (value.isObject()) {
        QJsonObject filled = value.toObject();
        for (auto it = filled.begin(); it != filled.end(); ++it)
            it.value() = fillStrings(it.value(), values);
        return filled;
    }
    return value;
}

} // namespace

QList<PromptArgument> declaredPromptArguments(const QJsonValue &arguments)
{
    QList<PromptArgument> declared;
    if (arguments.isArray()) {
        for (const QJsonValue &entry : arguments.toArray()) {
            const QJsonValue name = entry.toObject().value(QStringLiteral("name"));
            if (name.isString())
                declare(declared, name.toString(), isRequired(entry));
        }
    } else if (arguments.isObject()) {
        const QJsonObject object = arguments.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            declare(declared, it.key(), isRequired(it.value()));
    }
    return declared;
}

std::optional<QJsonObject> renderArgumentsFromBody(const QJsonValue &body, ValidationErrors &errors)
{
    if (!body.isObject()) {
        errors.add(QJsonArray{QStringLiteral("body")}, QStringLiteral("must be a JSON object"), ErrorType::TypeError);
        return std::nullopt;
    }
    const QJsonObject object = body.toObject();
    if (object.size() == 1 && object.contains(ArgumentsMember)) {
        const QJsonValue wrapped = object.value(ArgumentsMember);
        if (wrapped.isNull())
            return QJsonObject();
        if (wrapped.isObject())
            return wrapped.toObject();
    }
    return object;
}

void checkRequiredArguments(const QList<PromptArgument> &declared, const QJsonObject &values,
                            ValidationErrors &errors)
{
    for (const PromptArgument &argument : declared) {
        if (argument.required && !isPresent(values.value(argument.name))) {
            errors.add(QJsonArray{QStringLiteral("body"), ArgumentsMember, argument.name},
                       QStringLiteral("required argument missing"), ErrorType::Missing);
        }
    }
}

QString placeholderText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(json::compactJson(value));
}

QString fillPlaceholders(const QString &text, const QJsonObject &values)
{
    const QLatin1StringView open("{{");
    const QLatin1StringView close("}}");
    QString filled;
    filled.reserve(text.size());
    qsizetype position = 0;
    while (true) {
        const qsizetype start = text.indexOf(open, position);
        if (start < 0)
            break;
        const qsizetype end = text.indexOf(close, start + open.size());
        if (end < 0)
            break;
        const QStringView inner = QStringView(text).sliced(start + open.size(), end - start - open.size());
        if (inner.contains(u'{') || inner.contains(u'}')) {
            // This `{{` opens no placeholder; one starting a character later still may.
            filled += QStringView(text).sliced(position, start + 1 - position);
            position = start + 1;
            continue;
        }

        filled += QStringView(text).sliced(position, start - position);
        const QString name = inner.trimmed().toString();
        const QJsonValue value = name.isEmpty() ? QJsonValue(QJsonValue::Undefined) : values.value(name);
        if (isPresent(value))
            filled += placeholderText(value);
        else
            filled += QStringView(text).sliced(start, end + close.size() - start);
        position = end + close.size();
    }
    filled += QStringView(text).sliced(position);
    return filled;
}

QJsonValue renderPromptMessages(const QJsonValue &messages, const QJsonObject &values)
{
    if (!messages.isArray())
        return messages;
    QJsonArray rendered;
    for (const QJsonValue &message : messages.toArray()) {
        if (!message.isObject()) {
            rendered.append(message);
            continue;
        }
        QJsonObject object = message.toObject();
        const auto content = object.find(QStringLiteral("content"));
        if (content != object.end())
            content.value() = fillStrings(content.value(), values);
        rendered.append(object);
    }
    return rendered;
}

} // namespace llmring
