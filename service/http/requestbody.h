// SPDX-License-Identifier: MIT
// Reading a request's JSON body.

#pragma once

#include "httperror.h"

#include <QHttpServerRequest>
#include <QJsonValue>

#include <optional>

namespace llmring {

// The parsed body, or std::nullopt with *error: 413 over `maxBytes`, 415 for a content
// type other than JSON (a missing one is accepted), 422 for an empty body or text
// the strict parser rejects, with the byte offset in `loc`.
// False with *error for a body over `maxBytes` (413) or a content type other than JSON
// (415; a missing one is accepted).
bool checkJsonBodyTransport(const QHttpServerRequest &request, qint64 maxBytes, HttpError *error);

std::optional<QJsonValue> parseJsonBody(const QHttpServerRequest &request, qint64 maxBytes, HttpError *error);

} // namespace llmring
