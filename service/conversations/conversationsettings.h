// SPDX-License-Identifier: MIT
// The server-wide switches of conversation and message storage.

#pragma once

#include "domain/messagelogginglevel.h"

namespace llmring {

struct ConversationSettings
{
    static constexpr qint64 MaxRetentionDays = 1'000'000;

    // LLMRING_MESSAGE_LOGGING_LEVEL: the most a request may store. A request asking for
    // more gets this level.
    MessageLoggingLevel loggingLevel = MessageLoggingLevel::Full;
    // LLMRING_MESSAGE_RETENTION_DAYS: the default of DELETE /conversations/old-messages.
    qint64 retentionDays = 30;
    // LLMRING_ENABLE_CONVERSATION_TRACKING: false refuses new conversations and lists none.
    bool trackingEnabled = true;

    // The level a request gets: the lower of `requested` (when given) and the ceiling.
    MessageLoggingLevel effectiveLevel(std::optional<MessageLoggingLevel> requested) const
    {
        return requested ? std::min(*requested, loggingLevel) : loggingLevel;
    }
};

} // namespace llmring
