// SPDX-License-Identifier: MIT

#include "messagelogginglevel.h"

namespace llmring {

QString messageLoggingLevelName(MessageLoggingLevel level)
{
    switch (level) {
    case MessageLoggingLevel::None:
        return QStringLiteral("none");
    case MessageLoggingLevel::Metadata:
        return QStringLiteral("metadata");
    case MessageLoggingLevel::Full:
        break;
    }
    return QStringLiteral("full");
}

std::optional<MessageLoggingLevel> messageLoggingLevelFromName(const QString &name)
{
    for (const MessageLoggingLevel level :
         {MessageLoggingLevel::None, MessageLoggingLevel::Metadata, MessageLoggingLevel::Full}) {
        if (name == messageLoggingLevelName(level))
            return level;
    }
    return std::nullopt;
}

QStringList messageLoggingLevelNames()
{
    return {messageLoggingLevelName(MessageLoggingLevel::None), messageLoggingLevelName(MessageLoggingLevel::Metadata),
            messageLoggingLevelName(MessageLoggingLevel::Full)};
}

} // namespace llmring
