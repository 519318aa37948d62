// SPDX-License-Identifier: MIT

#include "httperror.h"

namespace llmring {

HttpError HttpError::validation(const QJsonArray &loc, const QString &msg, QLatin1StringView type)
{
    ValidationErrors errors;
    errors.add(loc, msg, type);
    return validation(errors);
}

} // namespace llmring
