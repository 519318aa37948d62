// SPDX-License-Identifier: MIT
// Merging, filtering and hashing of the model registry.

#include "registry/registrysnapshot.h"

#include "json/strictjsonparser.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace llmring {

namespace {

const QStringList DefaultProviders = {QStringLiteral("openai"), QStringLiteral("anthropic"),
                                      QStringLiteral("google")};

// Manifest members tried in this order for the registry version.
const QStringList VersionMembers = {QStringLiteral("version"), QStringLiteral("schema_version"),
                                    QStringLiteral("updated_at")};

// Top-level provider file members copied into the "providers" entry when the file has no
// metadata object of its own.
const QStringList ProviderMetadataMembers = {QStringLiteral("name"), QStringLiteral("base_url"),
                                             QStringLiteral("models_endpoint")};

std::optional<QJsonObject> parseObject(const QByteArray &text)
{
    const std::optional<QJsonValue> value = json::parse(text, nullptr);
    if (!value || !value->isObject())
        return std::nullopt;
    return value->toObject();
}

// Integral numbers print without a fraction, so schema_version 3 becomes "3", not "3.0".
QString numberText(double number)
{
    if (std::trunc(number) == number && std::abs(number) < 9007199254740992.0)
        return QString::number(static_cast<qint64>(number));
    return QString::number(number, 'g', QLocale::FloatingPointShortest);
}

// The "providers" entry for one file: a "provider" or "provider_info" object as given,
// else the top-level name, base_url and models_endpoint members, with "name" defaulting
// to the provider id.
QJsonObject providerMetadata(const QString &provider, const QJsonObject &file)
{
    for (const QString &member : {QStringLiteral("provider"), QStringLiteral("provider_info")}) {
        const QJsonValue value = file.value(member);
        if (value.isObject())
            return value.toObject();
    }

    QJsonObject metadata;
    for (const QString &member : ProviderMetadataMembers) {
        if (file.contains(member))
            metadata.insert(member, file.value(member));
    }
    if (!metadata.contains(QStringLiteral("name")))
        metadata.insert(QStringLiteral("name"), provider);
    return metadata;
}

// The provider a model key names: the text before the first ':', or the whole key.
QString keyPrefix(const QString &key)
{
    const qsizetype colon = key.indexOf(u':');
    return colon < 0 ? key : key.left(colon);
}

bool matchesProviders(const QString &key, const QJsonObject &entry, const QStringList &providers)
{
    if (providers.contains(keyPrefix(key)))
        return true;
    const QJsonValue provider = entry.value(QStringLiteral("provider"));
    return provider.isString() && providers.contains(provider.toString());
}

bool hasCapabilities(const QJsonObject &entry, const QStringList &capabilities)
{
    for (const QString &capability : capabilities) {
        const bool supported = entry.value(QStringLiteral("supports_") + capability) == QJsonValue(true)
            || entry.value(capability) == QJsonValue(true);
        if (!supported)
            return false;
    }
    return true;
}

} // namespace

void RegistrySnapshot::Builder::setVersion(const QString &version)
{
    m_version = version;
}

void RegistrySnapshot::Builder::setGeneratedAt(const QString &generatedAt)
{
    m_generatedAt = generatedAt;
}

bool RegistrySnapshot::Builder::addProviderFile(const QString &provider, const QByteArray &modelsJsonText,
                                                QString *error)
{
    const auto fail = [&](const QString &problem) {
        if (error)
            *error = QStringLiteral("registry file for provider \"%1\" %2").arg(provider, problem);
        return false;
    };

    json::ParseError parseError;
    const std::optional<QJsonValue> document = json::parse(modelsJsonText, &parseError);
    if (!document)
        return fail(QStringLiteral("is not valid JSON: %1 at byte %2").arg(parseError.message).arg(parseError.offset));
    if (!document->isObject())
        return fail(QStringLiteral("is not a JSON object"));

    const QJsonObject file = document->toObject();
    const QJsonValue models = file.value(QStringLiteral("models"));
    if (!models.isObject())
        return fail(QStringLiteral("has no \"models\" object"));

    const QJsonObject modelObject = models.toObject();
    for (auto it = modelObject.begin(); it != modelObject.end(); ++it) {
        if (!it.value().isObject())
            return fail(QStringLiteral("has a model \"%1\" that is not a JSON object").arg(it.key()));
    }

    const QJsonValue updatedAt = file.value(QStringLiteral("updated_at"));
    addFile(ProviderFile{provider, modelObject, providerMetadata(provider, file),
                         updatedAt.isString() ? updatedAt.toString() : QString()});
    if (error)
        error->clear();
    return true;
}

bool RegistrySnapshot::Builder::carryOver(const RegistrySnapshot &previous, const QString &provider)
{
    for (const ProviderFile &file : previous.m_data->files) {
        if (file.provider == provider) {
            addFile(file);
            return true;
        }
    }
    return false;
}

void RegistrySnapshot::Builder::addFile(ProviderFile file)
{
    for (ProviderFile &existing : m_files) {
        if (existing.provider == file.provider) {
            existing = std::move(file);
            return;
        }
    }
    m_files.append(std::move(file));
}

QString RegistrySnapshot::Builder::latestUpdatedAt() const
{
    QString latest;
    for (const ProviderFile &file : m_files)
        latest = std::max(latest, file.updatedAt);
    return latest;
}

RegistrySnapshot RegistrySnapshot::Builder::build() const
{
    return fromFiles(m_version, m_generatedAt, m_files);
}

RegistrySnapshot RegistrySnapshot::fromFiles(const QString &version, const QString &generatedAt,
                                             const QList<ProviderFile> &files)
{
    auto data = std::make_shared<Data>();
    data->version = version;
    data->generatedAt = generatedAt;
    data->files = files;

    for (const ProviderFile &file : files) {
        for (auto it = file.models.begin(); it != file.models.end(); ++it)
            data->models.insert(it.key(), it.value());
        data->providers.insert(file.provider, file.metadata);
        data->loadedProviders.append(file.provider);
    }

    data->document = documentOf(*data, {}, {});
    data->etag = etagFor(data->document);
    return RegistrySnapshot(std::move(data));
}

RegistrySnapshot::RegistrySnapshot()
    : RegistrySnapshot(fromFiles(QString(), QString(), {}))
{
}

RegistrySnapshot::RegistrySnapshot(std::shared_ptr<const Data> data)
    : m_data(std::move(data))
{
}

QString RegistrySnapshot::versionFromManifest(const QByteArray &manifestText, const QDate &today)
{
    if (const std::optional<QJsonObject> manifest = parseObject(manifestText)) {
        for (const QString &member : VersionMembers) {
            const QJsonValue value = manifest->value(member);
            if (value.isString() && !value.toString().isEmpty())
                return value.toString();
            if (value.isDouble())
                return numberText(value.toDouble());
        }
    }
    return today.toString(QStringLiteral("yyyy.MM.dd"));
}

QStringList RegistrySnapshot::providersFromManifest(const QByteArray &manifestText)
{
    static const QRegularExpression PathSegment(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_-]*$"));

    QStringList providers = DefaultProviders;
    const std::optional<QJsonObject> manifest = parseObject(manifestText);
    if (!manifest)
        return providers;

    // QJsonObject::keys() is already sorted.
    const QStringList extras = manifest->value(QStringLiteral("providers")).toObject().keys();
    for (const QString &name : extras) {
        if (!providers.contains(name) && PathSegment.match(name).hasMatch())
            providers.append(name);
    }
    return providers;
}

bool RegistrySnapshot::isEmpty() const
{
    return m_data->loadedProviders.isEmpty();
}

bool RegistrySnapshot::hasSameContent(const RegistrySnapshot &other) const
{
    return m_data->version == other.m_data->version && m_data->files == other.m_data->files;
}

QString RegistrySnapshot::version() const
{
    return m_data->version;
}

QString RegistrySnapshot::generatedAt() const
{
    return m_data->generatedAt;
}

QStringList RegistrySnapshot::loadedProviders() const
{
    return m_data->loadedProviders;
}

QByteArray RegistrySnapshot::toJson(const QStringList &providers, const QStringList &capabilities) const
{
    if (providers.isEmpty() && capabilities.isEmpty())
        return m_data->document;
    return documentOf(*m_data, providers, capabilities);
}

QByteArray RegistrySnapshot::etag() const
{
    return m_data->etag;
}

RegistrySnapshot::Document RegistrySnapshot::document(const QStringList &providers,
                                                     const QStringList &capabilities) const
{
    if (providers.isEmpty() && capabilities.isEmpty())
        return Document{m_data->document, m_data->etag};

    // '\n' cannot occur in a query value that was split at commas and trimmed.
    const QString key = providers.join(u',') + u'\n' + capabilities.join(u',');
    {
        QMutexLocker locker(&m_data->filteredMutex);
        const auto cached = m_data->filtered.constFind(key);
        if (cached != m_data->filtered.constEnd())
            return cached.value();
    }

    Document built;
    built.body = documentOf(*m_data, providers, capabilities);
    built.etag = etagFor(built.body);
    QMutexLocker locker(&m_data->filteredMutex);
    // Arbitrary filters must not grow the cache without bound; starting over is enough.
    if (m_data->filtered.size() >= MaxCachedDocuments)
        m_data->filtered.clear();
    m_data->filtered.insert(key, built);
    return built;
}

QByteArray RegistrySnapshot::toCacheText() const
{
    QJsonArray files;
    for (const ProviderFile &file : m_data->files) {
        files.append(QJsonObject{{QStringLiteral("provider"), file.provider},
                                 {QStringLiteral("models"), file.models},
                                 {QStringLiteral("metadata"), file.metadata},
                                 {QStringLiteral("updated_at"), file.updatedAt}});
    }
    const QJsonObject cache{{QStringLiteral("version"), m_data->version},
                            {QStringLiteral("generated_at"), m_data->generatedAt},
                            {QStringLiteral("files"), files}};
    return QJsonDocument(cache).toJson(QJsonDocument::Compact);
}

std::optional<RegistrySnapshot> RegistrySnapshot::fromCacheText(const QByteArray &text)
{
    const std::optional<QJsonObject> cache = parseObject(text);
    if (!cache)
        return std::nullopt;
    const QJsonValue version = cache->value(QStringLiteral("version"));
    const QJsonValue generatedAt = cache->value(QStringLiteral("generated_at"));
    const QJsonValue files = cache->value(QStringLiteral("files"));
    if (!version.isString() || !generatedAt.isString() || !files.isArray())
        return std::nullopt;

    QList<ProviderFile> loaded;
    for (const QJsonValue &value : files.toArray()) {
        const QJsonObject file = value.toObject();
        const QJsonValue provider = file.value(QStringLiteral("provider"));
        const QJsonValue models = file.value(QStringLiteral("models"));
        const QJsonValue metadata = file.value(QStringLiteral("metadata"));
        if (!provider.isString() || !models.isObject() || !metadata.isObject())
            return std::nullopt;
        const QJsonObject modelObject = models.toObject();
        for (auto it = modelObject.begin(); it != modelObject.end(); ++it) {
            if (!it.value().isObject())
                return std::nullopt;
        }
        loaded.append(ProviderFile{provider.toString(), modelObject, metadata.toObject(),
                                   file.value(QStringLiteral("updated_at")).toString()});
    }
    return fromFiles(version.toString(), generatedAt.toString(), loaded);
}

QByteArray RegistrySnapshot::documentOf(const Data &data, const QStringList &providers,
                                        const QStringList &capabilities)
{
    QJsonObject models;
    for (auto it = data.models.begin(); it != data.models.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        if (!providers.isEmpty() && !matchesProviders(it.key(), entry, providers))
            continue;
        if (!hasCapabilities(entry, capabilities))
            continue;
        models.insert(it.key(), entry);
    }

    QJsonObject providerEntries = data.providers;
    if (!providers.isEmpty()) {
        providerEntries = {};
        for (auto it = data.providers.begin(); it != data.providers.end(); ++it) {
            if (providers.contains(it.key()))
                providerEntries.insert(it.key(), it.value());
        }
    }

    const QJsonObject document{
        {QStringLiteral("version"), data.version},
        {QStringLiteral("generated_at"),
         data.generatedAt.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(data.generatedAt)},
        {QStringLiteral("models"), models},
        {QStringLiteral("providers"), providerEntries},
    };
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

QByteArray RegistrySnapshot::etagFor(const QByteArray &body)
{
    const QByteArray digest = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32);
    return '"' + digest + '"';
}

std::optional<QJsonObject> RegistrySnapshot::model(const QString &provider, const QString &model) const
{
    if (model.isEmpty())
        return std::nullopt;

    const QJsonObject &models = m_data->models;
    for (const QString &key : {provider + u':' + model, model}) {
        const auto found = models.constFind(key);
        if (found != models.constEnd())
            return found.value().toObject();
    }
    return std::nullopt;
}

} // namespace llmring
