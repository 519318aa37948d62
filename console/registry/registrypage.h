// SPDX-License-Identifier: MIT
// The Registry page: the models, prices and limits the service's registry lists.

#pragma once

#include "window/consolepage.h"

#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace llmring::api {
class ApiReply;
}

namespace llmring::console {

class RegistryFilterModel;
class RegistryModel;

// Loads GET /registry.json, which needs no project key, and shows one row per model
// with a search box, a provider filter and sortable columns.
class RegistryPage final : public ConsolePage
{
    Q_OBJECT

public:
    explicit RegistryPage(api::ApiClient &client, QWidget *parent = nullptr);
    ~RegistryPage() override;

    QString title() const override;
    // Cancels a load in flight and loads the registry again.
    void refresh() override;
    void reload() override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    RegistryModel *model() const { return m_model; }
    RegistryFilterModel *filterModel() const { return m_filterModel; }
    QTableView *tableView() const { return m_table; }

private:
    void onRegistryFinished(api::ApiReply *reply);
    void updateProviders(const QStringList &providers);
    void onProviderActivated();

    RegistryModel *m_model;
    RegistryFilterModel *m_filterModel;
    QLabel *m_sourceLabel;
    QLineEdit *m_searchEdit;
    QComboBox *m_providerBox;
    QTableView *m_table;
    QPointer<api::ApiReply> m_reply;
};

} // namespace llmring::console
