// SPDX-License-Identifier: MIT
// Rendering a stored MCP prompt: reading the arguments of a render request, checking
// them against the prompt's declared arguments, and filling the {{name}} placeholders
// of its messages. Pure functions without database access.

#pragma once

#include "domain/validationerrors.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace llmring {

// An argument that a prompt declares.
struct PromptArgument
{
    QString name;
    bool required = false;
};

// Returns the arguments declared by a prompt's stored `arguments` value, in stored order.
// The MCP form is an array of {name, description?, required?} objects, and an object
// form maps each name to an object with an optional `required`. An argument is required
// only when `required` is the JSON value true. Array entries without a string `name` are
// skipped. A name declared twice is listed once, and it is required when either entry
// marks it so. Any other value, null included, declares nothing.
QList<PromptArgument> declaredPromptArguments(const QJsonValue &arguments);

// Reads the arguments object of a render request body. A body whose only member is
// `arguments`, holding an object or null, is the wrapped form {"arguments": {...}}, and
// any other object is the arguments themselves (the bare form). So a prompt that takes a
// single argument named `arguments` with an object value must be sent wrapped. A body
// that is not an object adds "must be a JSON object" at ["body"] to `errors` and
// returns std::nullopt.
std::optional<QJsonObject> renderArgumentsFromBody(const QJsonValue &body, ValidationErrors &errors);

// Adds "required argument missing" at ["body", "arguments", name] to `errors` for each
// required argument that `values` lacks or sets to null, in declaration order. The loc
// names the wrapped form whichever form the body used.
void checkRequiredArguments(const QList<PromptArgument> &declared, const QJsonObject &values,
                            ValidationErrors &errors);

// Returns the text that `value` fills a placeholder with: a string as it is, and any
// other value as its compact JSON text (42, 2.5, true, {"a":1}, [1,"x"]). Object members come out in
// key order, because QJsonObject keeps its keys sorted.
QString placeholderText(const QJsonValue &value);

// Returns `text` with each {{name}} placeholder replaced by placeholderText() of the
// argument `name` in `values`. Whitespace around the name is ignored, so {{ name }} is {{name}}.
// A placeholder whose argument is absent or null, or whose braces enclose no name, is
// kept as written. The text between `{{` and the next `}}` must contain no brace, so in
// {{{name}}} the inner {{name}} is the placeholder. Inserted values are not searched for
// placeholders again.
QString fillPlaceholders(const QString &text, const QJsonObject &values);

// Returns the stored messages template ([{role, content}]) with the placeholders of every
// string in each message's `content`, at any depth, filled from `values`. Other members and
// items that are not objects are copied unchanged. Null, or any value that is not an
// array, is returned unchanged.
QJsonValue renderPromptMessages(const QJsonValue &messages, const QJsonObject &values);

} // namespace llmring
