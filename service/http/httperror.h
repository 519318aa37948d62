// SPDX-License-Identifier: MIT
// An error response: a status code and the `detail` of its JSON body.

#pragma once

#include "domain/validationerrors.h"

#include <QHttpServerResponse>
#include <QJsonValue>
#include <QString>

namespace llmring {

using StatusCode = QHttpServerResponse::StatusCode;

struct HttpError
{
    StatusCode status = StatusCode::InternalServerError;
    QJsonValue detail; // a message string, or the list of field problems of a 422

    static HttpError message(StatusCode status, const QString &detail) { return {status, detail}; }
    static HttpError notFound(const QString &detail) { return {StatusCode::NotFound, detail}; }
    static HttpError validation(const ValidationErrors &errors) { return {StatusCode::UnprocessableEntity, errors.toJson()}; }
    static HttpError validation(const QJsonArray &loc, const QString &msg, QLatin1StringView type);
};

} // namespace llmring
