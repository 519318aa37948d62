// SPDX-License-Identifier: MIT

#include "uuidparameter.h"

#include <QJsonArray>

namespace llmring {

namespace {

bool isHyphenatedUuid(const QString &text)
{
    if (text.size() != 36)
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return false;
        } else if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'))) {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<QString> readUuidPathParameter(const QString &text, const QString &name, ValidationErrors &errors)
{
    if (!isHyphenatedUuid(text)) {
        errors.add(QJsonArray{QStringLiteral("path"), name}, QStringLiteral("must be a UUID"), ErrorType::ValueError);
        return std::nullopt;
    }
    return text.toLower();
}

} // namespace llmring
