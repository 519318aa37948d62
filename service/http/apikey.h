// SPDX-License-Identifier: MIT
// The X-API-Key rules of project routes.

#pragma once

#include "httperror.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace llmring {

// The project id carried by an X-API-Key header value, or std::nullopt with the error
// to return: 401 when missing or blank, 400 when longer than 255 characters or
// containing white space (checked in that order).
std::optional<QString> projectIdFromApiKey(const QByteArray &headerValue, HttpError *error);

// A short SHA-256 prefix of the key, safe to log; the key itself is a secret.
QString apiKeyFingerprint(const QString &projectId);

} // namespace llmring
