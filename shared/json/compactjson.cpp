// SPDX-License-Identifier: MIT

#include "compactjson.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace llmring::json {

QByteArray compactJson(const QJsonValue &value)
{
    // The value is written as the only item of an array whose brackets are then removed.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.sliced(1, wrapped.size() - 2);
}

} // namespace llmring::json
