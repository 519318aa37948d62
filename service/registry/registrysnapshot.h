// SPDX-License-Identifier: MIT
// One immutable copy of the model registry: provider files merged into the document
// that GET /registry serves, its filters, its ETag, and model lookup for pricing.

#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <utility>

namespace llmring {

// A merged registry. Copies share one read-only payload, so a snapshot is cheap to copy
// and safe to read from several threads once build() has returned it. A
// default-constructed snapshot is empty: no provider loaded, no version.
class RegistrySnapshot
{
    // One provider's models.json as loaded: its models and its "providers" entry.
    struct ProviderFile
    {
        QString provider;
        QJsonObject models;
        QJsonObject metadata;
        QString updatedAt; // the file's top-level "updated_at", when it is a string

        friend bool operator==(const ProviderFile &, const ProviderFile &) = default;
    };

public:
    // Collects provider files one by one. A provider file that fails to load is skipped
    // without touching what other files added, so a partial registry can still be served.
    class Builder
    {
    public:
        void setVersion(const QString &version);

        // Sets the RFC 3339 time of the build. toJson() writes null for generated_at when it is unset.
        void setGeneratedAt(const QString &generatedAt);

        // Adds the models of one provider file (its "models" object, keyed
        // "provider:model"), keeping each entry exactly as given. Loading a provider again
        // replaces its earlier models. Returns false and adds nothing for the provider
        // when the text is not strict JSON, has no "models" object, or has an entry that
        // is not an object; *error (may be null) then names the provider and the problem.
        bool addProviderFile(const QString &provider, const QByteArray &modelsJsonText, QString *error);

        // Adds the models `previous` holds for `provider`, as it loaded them, so that a
        // provider whose refresh failed keeps its last good copy. Returns false and
        // adds nothing when `previous` never loaded that provider.
        bool carryOver(const RegistrySnapshot &previous, const QString &provider);

        RegistrySnapshot build() const;

        // The latest "updated_at" of the loaded provider files (RFC 3339 text compared as
        // text), or an empty string when none has one.
        QString latestUpdatedAt() const;

    private:
        void addFile(ProviderFile file);

        QString m_version;
        QString m_generatedAt;
        QList<ProviderFile> m_files; // in load order, and a later file wins when two share a model key
    };

    RegistrySnapshot();

    // The snapshot written by toCacheText(), or std::nullopt when the text is not one.
    static std::optional<RegistrySnapshot> fromCacheText(const QByteArray &text);

    // The registry version a manifest declares: its "version", else "schema_version",
    // else "updated_at", skipping members that are missing, empty or neither string nor
    // number. Numbers are written as text ("3", "2.5"). When the manifest is missing,
    // invalid or declares none of them, returns today's date as "YYYY.MM.DD".
    static QString versionFromManifest(const QByteArray &manifestText, const QDate &today);

    // The providers to fetch: "openai", "anthropic", "google", then the other keys of the
    // manifest's "providers" object in sorted order. Keys that are not a plain path
    // segment (ASCII letters, digits, '_' and '-', not starting with '_' or '-') are
    // ignored, because each name becomes part of a URL path.
    static QStringList providersFromManifest(const QByteArray &manifestText);

    // Returns true while no provider file has loaded.
    bool isEmpty() const;

    // Returns true when both have the same version and the same provider files, whatever
    // their build times: a refresh that changed nothing keeps the earlier snapshot, and
    // with it the ETag that clients hold.
    bool hasSameContent(const RegistrySnapshot &other) const;

    QString version() const;
    QString generatedAt() const;

    // Providers whose file loaded, in load order.
    QStringList loadedProviders() const;

    // The registry document {"version", "generated_at", "models", "providers"} as compact
    // JSON, members in key order. A non-empty providers list keeps the models whose key
    // prefix (before the first ':') or "provider" member is listed, and only those
    // entries of "providers". A non-empty capabilities list keeps the models for which
    // every listed capability c has "supports_<c>" or "<c>" equal to true. Names are
    // compared exactly, so callers trim query values first.
    // Without filters the document is built once, when the snapshot is.
    QByteArray toJson(const QStringList &providers = {}, const QStringList &capabilities = {}) const;

    // The unfiltered toJson() body's ETag, computed once.
    QByteArray etag() const;

    // A toJson() body with its ETag.
    struct Document
    {
        QByteArray body;
        QByteArray etag;
    };

    // toJson(providers, capabilities) and its ETag. The last MaxCachedDocuments filtered
    // documents are kept with the snapshot, so repeated filters are built once per copy.
    // Thread-safe.
    Document document(const QStringList &providers, const QStringList &capabilities) const;
    static constexpr int MaxCachedDocuments = 64;

    // Every loaded provider file with the version and build time, as compact JSON, for
    // a shared cache that other instances read back with fromCacheText().
    QByteArray toCacheText() const;

    // A strong HTTP validator for a response body: the first 32 lowercase hex digits of
    // its SHA-256, in double quotes. Any change to the body changes the tag, barring a
    // 128-bit hash collision.
    static QByteArray etagFor(const QByteArray &body);

    // The model entry for the key "provider:model", else for the key `model` itself, so
    // "openai:gpt-4o" sent as the model name also matches. std::nullopt when neither key
    // exists. A bare name is never matched against another provider's models, because
    // their prices can differ.
    std::optional<QJsonObject> model(const QString &provider, const QString &model) const;

private:
    struct Data
    {
        QString version;
        QString generatedAt;
        QList<ProviderFile> files; // in load order
        QJsonObject models;        // "provider:model" -> entry, merged from every loaded file
        QJsonObject providers;     // provider -> metadata object
        QStringList loadedProviders;
        QByteArray document;       // toJson() without filters
        QByteArray etag;           // etagFor(document)
        // Filtered documents built so far, by filter; the only mutable part.
        mutable QMutex filteredMutex;
        mutable QHash<QString, Document> filtered;
    };

    static RegistrySnapshot fromFiles(const QString &version, const QString &generatedAt,
                                      const QList<ProviderFile> &files);
    static QByteArray documentOf(const Data &data, const QStringList &providers, const QStringList &capabilities);

    explicit RegistrySnapshot(std::shared_ptr<const Data> data);

    std::shared_ptr<const Data> m_data;
};

} // namespace llmring
