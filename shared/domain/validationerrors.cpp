// SPDX-License-Identifier: MIT

#include "validationerrors.h"

#include <QJsonObject>

namespace llmring {

void ValidationErrors::add(const QJsonArray &loc, const QString &msg, const QString &type)
{
    m_errors.append({loc, msg, type});
}

QJsonArray ValidationErrors::toJson() const
{
    QJsonArray detail;
    for (const FieldError &error : m_errors) {
        detail.append(QJsonObject{
            {QStringLiteral("loc"), error.loc},
            {QStringLiteral("msg"), error.msg},
            {QStringLiteral("type"), error.type},
        });
    }
    return detail;
}

} // namespace llmring
