// SPDX-License-Identifier: MIT

#include "registrypage.h"

#include "api/apiclient.h"
#include "api/apireply.h"
#include "registrydocument.h"
#include "registryfiltermodel.h"
#include "registrymodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

// Settings keys, in the group the window gives the page.
const QString SearchKey = QStringLiteral("search");
const QString ProviderKey = QStringLiteral("provider");
const QString SortColumnKey = QStringLiteral("sortColumn");
const QString SortOrderKey = QStringLiteral("sortOrder");

// Formats the API's "2025-08-26T12:00:00.000000Z" as "2025-08-26 12:00:00 UTC". Text
// that is not such a timestamp is returned unchanged.
QString generatedText(const QString &generatedAt)
{
    if (generatedAt.isEmpty())
        return RegistryPage::tr("(unknown)");
    const QDateTime time = QDateTime::fromString(generatedAt, Qt::ISODateWithMs);
    if (!time.isValid())
        return generatedAt;
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

} // namespace

RegistryPage::RegistryPage(api::ApiClient &client, QWidget *parent)
    : ConsolePage(client, parent)
    , m_model(new RegistryModel(this))
    , m_filterModel(new RegistryFilterModel(this))
    , m_sourceLabel(new QLabel(this))
    , m_searchEdit(new QLineEdit(this))
    , m_providerBox(new QComboBox(this))
    , m_table(new QTableView(this))
{
    m_filterModel->setSourceModel(m_model);

    m_sourceLabel->setObjectName(QStringLiteral("sourceLabel"));
    m_sourceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sourceLabel->setWordWrap(true);

    m_searchEdit->setObjectName(QStringLiteral("searchEdit"));
    m_searchEdit->setPlaceholderText(tr("Search provider, model or display name"));
    m_searchEdit->setClearButtonEnabled(true);

    m_providerBox->setObjectName(QStringLiteral("providerBox"));
    m_providerBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    updateProviders({});

    m_table->setModel(m_filterModel);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RegistryModel::Model, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

    auto *searchLabel = new QLabel(tr("&Search:"), this);
    searchLabel->setBuddy(m_searchEdit);
    auto *providerLabel = new QLabel(tr("&Provider:"), this);
    providerLabel->setBuddy(m_providerBox);

    auto *filters = new QHBoxLayout;
    filters->addWidget(searchLabel);
    filters->addWidget(m_searchEdit, 1);
    filters->addWidget(providerLabel);
    filters->addWidget(m_providerBox);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_sourceLabel);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);

    connect(m_searchEdit, &QLineEdit::textChanged, m_filterModel, &RegistryFilterModel::setSearchText);
    connect(m_providerBox, &QComboBox::currentIndexChanged, this, &RegistryPage::onProviderActivated);
}

RegistryPage::~RegistryPage()
{
    // The reply outlives the page otherwise, and its finished() must not reach it.
    api::discardReply(m_reply, this);
}

QString RegistryPage::title() const
{
    return tr("Registry");
}

void RegistryPage::refresh()
{
    api::discardReply(m_reply, this);
    api::ApiReply *reply = client().registry();
    m_reply = reply;
    connect(reply, &api::ApiReply::finished, this, [this, reply] { onRegistryFinished(reply); });
    setBusy(true);
}

void RegistryPage::reload()
{
    m_model->setEntries({});
    m_sourceLabel->clear();
    refresh();
}

void RegistryPage::onRegistryFinished(api::ApiReply *reply)
{
    m_reply = nullptr;
    setBusy(false);
    if (reply->error() == api::ApiError::Canceled)
        return;
    if (!reply->isSuccess()) {
        // A 503 carries the server's reason, such as "Registry unavailable: <base URL>".
        m_sourceLabel->setText(reply->errorMessage());
        reportError(reply->errorMessage());
        return;
    }

    QString invalidMember;
    const std::optional<RegistryDocument> document =
        RegistryDocument::fromJson(reply->json().toObject(), &invalidMember);
    if (!document) {
        const QString message = tr("The registry from %1 has a missing or invalid \"%2\". Check that the server "
                                   "is an llmring-server of a matching version.")
                                    .arg(client().server().toDisplayString(), invalidMember);
        m_sourceLabel->setText(message);
        reportError(message);
        return;
    }

    m_sourceLabel->setText(tr("Registry version %1, generated %2. Models: %3")
                               .arg(document->version.isEmpty() ? tr("(none)") : document->version,
                                    generatedText(document->generatedAt),
                                    QLocale().toString(document->entries.size())));
    // Columns fit the first registry shown, and later loads keep the widths the user set.
    const bool firstEntries = m_model->rowCount() == 0;
    updateProviders(document->providers);
    m_model->setEntries(document->entries);
    if (firstEntries)
        m_table->resizeColumnsToContents();
    reportLoaded();
}

// Refills the provider box, keeping the provider the filter names even when the
// registry no longer lists it, so that a restored filter is never dropped silently.
void RegistryPage::updateProviders(const QStringList &providers)
{
    const QSignalBlocker blocker(m_providerBox);
    m_providerBox->clear();
    m_providerBox->addItem(tr("All providers"), QString());
    QStringList names = providers;
    const QString selected = m_filterModel->provider();
    if (!selected.isEmpty() && !names.contains(selected))
        names.append(selected);
    for (const QString &name : names)
        m_providerBox->addItem(name, name);
    m_providerBox->setCurrentIndex(std::max(0, m_providerBox->findData(selected)));
}

void RegistryPage::onProviderActivated()
{
    m_filterModel->setProvider(m_providerBox->currentData().toString());
}

void RegistryPage::saveState(QSettings &settings) const
{
    settings.setValue(SearchKey, m_searchEdit->text());
    settings.setValue(ProviderKey, m_filterModel->provider());
    const QHeaderView *header = m_table->horizontalHeader();
    settings.setValue(SortColumnKey, header->sortIndicatorSection());
    settings.setValue(SortOrderKey, header->sortIndicatorOrder() == Qt::AscendingOrder ? QStringLiteral("ascending")
                                                                                       : QStringLiteral("descending"));
}

void RegistryPage::restoreState(QSettings &settings)
{
    m_searchEdit->setText(settings.value(SearchKey).toString());
    m_filterModel->setProvider(settings.value(ProviderKey).toString());
    QStringList providers;
    for (int i = 1; i < m_providerBox->count(); ++i)
        providers.append(m_providerBox->itemData(i).toString());
    updateProviders(providers);

    const int column = settings.value(SortColumnKey, static_cast<int>(RegistryModel::Model)).toInt();
    const Qt::SortOrder order = settings.value(SortOrderKey).toString() == QLatin1String("descending")
        ? Qt::DescendingOrder
        : Qt::AscendingOrder;
    if (column >= 0 && column < RegistryModel::ColumnCount)
        m_table->sortByColumn(column, order);
}

} // namespace llmring::console
