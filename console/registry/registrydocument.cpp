// SPDX-License-Identifier: MIT

#include "registrydocument.h"

#include <QCoreApplication>

namespace llmring::console {

namespace {

// The capabilities the API filters on. An entry has one when `supports_<name>` or
// `<name>` is true, as the service's `capabilities` filter reads it.
struct KnownCapability
{
    const char *name;
    const char *label;
};

constexpr KnownCapability KnownCapabilities[] = {
    {"vision", QT_TRANSLATE_NOOP("llmring::console::RegistryDocument", "vision")},
    {"function_calling", QT_TRANSLATE_NOOP("llmring::console::RegistryDocument", "function calling")},
    {"json_mode", QT_TRANSLATE_NOOP("llmring::console::RegistryDocument", "json mode")},
    {"parallel_tool_calls", QT_TRANSLATE_NOOP("llmring::console::RegistryDocument", "parallel tool calls")},
};

const QString SupportsPrefix = QStringLiteral("supports_");

std::optional<double> optionalNumber(const QJsonObject &entry, const QString &name)
{
    const QJsonValue value = entry.value(name);
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

std::optional<qint64> optionalInteger(const QJsonObject &entry, const QString &name)
{
    const QJsonValue value = entry.value(name);
    return value.isDouble() ? std::optional<qint64>(value.toInteger()) : std::nullopt;
}

QStringList capabilitiesOf(const QJsonObject &entry)
{
    QStringList capabilities;
    QStringList known;
    for (const KnownCapability &capability : KnownCapabilities) {
        const QString name = QString::fromLatin1(capability.name);
        known.append(name);
        if (entry.value(SupportsPrefix + name) == QJsonValue(true) || entry.value(name) == QJsonValue(true))
            capabilities.append(QCoreApplication::translate("llmring::console::RegistryDocument", capability.label));
    }
    // Registry files may add capabilities, so unknown `supports_` flags follow in key order.
    for (auto it = entry.constBegin(); it != entry.constEnd(); ++it) {
        if (!it.key().startsWith(SupportsPrefix) || it.value() != QJsonValue(true))
            continue;
        const QString name = it.key().mid(SupportsPrefix.size());
        if (!known.contains(name))
            capabilities.append(QString(name).replace(u'_', u' '));
    }
    return capabilities;
}

} // namespace

std::optional<RegistryDocument> RegistryDocument::fromJson(const QJsonObject &json, QString *error)
{
    const QJsonValue models = json.value(QStringLiteral("models"));
    if (!models.isObject()) {
        if (error)
            *error = QStringLiteral("models");
        return std::nullopt;
    }

    RegistryDocument document;
    document.version = json.value(QStringLiteral("version")).toString();
    document.generatedAt = json.value(QStringLiteral("generated_at")).toString();

    const QJsonObject modelObject = models.toObject();
    for (auto it = modelObject.constBegin(); it != modelObject.constEnd(); ++it) {
        if (!it.value().isObject()) {
            if (error)
                *error = QStringLiteral("models.") + it.key();
            return std::nullopt;
        }
        const QJsonObject entry = it.value().toObject();

        RegistryEntry model;
        model.key = it.key();
        model.provider = entry.value(QStringLiteral("provider")).toString();
        if (model.provider.isEmpty())
            model.provider = model.key.section(u':', 0, 0);
        model.displayName = entry.value(QStringLiteral("display_name")).toString();
        model.description = entry.value(QStringLiteral("description")).toString();
        model.inputPrice = optionalNumber(entry, QStringLiteral("dollars_per_million_tokens_input"));
        model.outputPrice = optionalNumber(entry, QStringLiteral("dollars_per_million_tokens_output"));
        model.cacheReadPrice = optionalNumber(entry, QStringLiteral("dollars_per_million_tokens_cache_read"));
        model.maxInputTokens = optionalInteger(entry, QStringLiteral("max_input_tokens"));
        model.maxOutputTokens = optionalInteger(entry, QStringLiteral("max_output_tokens"));
        model.capabilities = capabilitiesOf(entry);
        const QJsonValue active = entry.value(QStringLiteral("is_active"));
        if (active.isBool())
            model.active = active.toBool();

        if (!document.providers.contains(model.provider))
            document.providers.append(model.provider);
        document.entries.append(model);
    }
    document.providers.sort(Qt::CaseInsensitive);
    return document;
}

} // namespace llmring::console
