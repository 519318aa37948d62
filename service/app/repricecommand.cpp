// SPDX-License-Identifier: MIT

#include "repricecommand.h"

#include "database/databaseconnection.h"
#include "database/databaseerror.h"
#include "database/transaction.h"
#include "registry/registryclient.h"
#include "settings.h"
#include "usage/repricestore.h"

namespace llmring {

namespace {

enum ExitCode { Success = 0, RuntimeFailure = 1, UsageError = 2 };

} // namespace

int runReprice(const Settings &settings, const QString &since, bool dryRun, QTextStream &out, QTextStream &err)
{
    const std::optional<Timestamp> start = Timestamp::parse(since.trimmed());
    if (!start) {
        err << "llmring-server: --since \"" << since
            << "\" is not a date; use YYYY-MM-DD or an RFC 3339 time such as 2025-08-01T00:00:00Z" << Qt::endl;
        return UsageError;
    }

    const QString source = settings.registry.baseUrl.toDisplayString(QUrl::RemovePassword);
    out << "Loading the registry from " << source << " ..." << Qt::endl;
    RegistryClient registry(settings.registry);
    // The first attempt ends by the fetch deadline; the margin covers reading Redis.
    registry.waitForAttemptsAfter(0, settings.registry.fetchTimeout + std::chrono::seconds(5));
    const RegistrySnapshot snapshot = registry.current();
    if (snapshot.isEmpty()) {
        err << "llmring-server: cannot reprice: Registry unavailable: " << source
            << " (check LLMRING_REGISTRY_BASE_URL; the lines above name each failed file)" << Qt::endl;
        return RuntimeFailure;
    }
    out << "Registry version " << snapshot.version() << " (" << snapshot.loadedProviders().join(QStringLiteral(", "))
        << ")" << Qt::endl;

    try {
        DatabaseConnection connection(settings.database, settings.schema, QStringLiteral("llmring-reprice"));
        Transaction transaction(connection);
        RepriceStore store(connection);
        const QList<RepriceStore::UnpricedModel> models = store.unpricedModels(*start);

        qint64 unpriced = 0;
        qint64 changed = 0;
        for (const RepriceStore::UnpricedModel &model : models) {
            unpriced += model.rows;
            const QString name = model.provider + u':' + model.model;
            const auto entry = snapshot.model(model.provider, model.model);
            const auto price = entry ? ModelPrice::fromEntry(*entry) : std::nullopt;
            if (!price) {
                out << "  " << name << ": " << model.rows << " row(s) left unpriced ("
                    << (entry ? "the registry lists no valid price" : "not in the registry") << ")" << Qt::endl;
                continue;
            }
            const qint64 rows = dryRun ? model.rows : store.reprice(model.provider, model.model, *price, *start);
            changed += rows;
            out << "  " << name << ": " << rows << " row(s) " << (dryRun ? "would be " : "") << "priced at $"
                << price->input << " input, $" << price->cacheRead << " cached input, $" << price->output
                << " output per million tokens" << Qt::endl;
        }
        if (!dryRun)
            transaction.commit();

        out << (dryRun ? "Dry run: " : "") << changed << " of " << unpriced << " unpriced row(s) since "
            << start->toRfc3339() << (dryRun ? " would change." : " changed.") << Qt::endl;
        return Success;
    } catch (const DatabaseError &error) {
        err << "llmring-server: cannot reprice in " << settings.database.redacted() << ": " << error.message()
            << Qt::endl;
        return RuntimeFailure;
    }
}

} // namespace llmring
