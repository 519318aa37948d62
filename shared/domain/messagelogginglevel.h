// SPDX-License-Identifier: MIT
// How much of a message the service keeps.

#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace llmring {

// Ordered from least to most kept, so the lower of two levels is std::min of them.
enum class MessageLoggingLevel {
    None,     // no message rows at all
    Metadata, // the row with a SHA-256 content hash, but no content
    Full,     // the row with its content
};

// "none", "metadata" or "full".
QString messageLoggingLevelName(MessageLoggingLevel level);

// The level a name spells (exactly as messageLoggingLevelName() writes it), or
// std::nullopt.
std::optional<MessageLoggingLevel> messageLoggingLevelFromName(const QString &name);

// Every name, lowest level first, for error messages and the OpenAPI document.
QStringList messageLoggingLevelNames();

} // namespace llmring
