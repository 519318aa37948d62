// SPDX-License-Identifier: MIT
// Building JSON responses.

#pragma once

#include "httperror.h"

#include <QHttpServerResponse>
#include <QJsonValue>

namespace llmring {

QHttpServerResponse jsonResponse(const QJsonValue &body, StatusCode status = StatusCode::Ok);

// `{"detail": ...}` with the error's status.
QHttpServerResponse errorResponse(const HttpError &error);
QHttpServerResponse errorResponse(StatusCode status, const QString &detail);

} // namespace llmring
