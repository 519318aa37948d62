// SPDX-License-Identifier: MIT

#include "mcppage.h"

#include "common/jsontext.h"
#include "mcpexecutionmodel.h"
#include "mcpservermodel.h"
#include "mcptoolmodel.h"

#include "api/apiclient.h"
#include "common/daterangefilter.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

constexpr int DefaultRangeDays = 7;

QTableView *listTable(const QString &objectName, QAbstractItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QPlainTextEdit *detailEdit(const QString &objectName, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setPlaceholderText(placeholder);
    return edit;
}

QWidget *titled(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(title, box);
    label->setBuddy(content);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

McpPage::McpPage(api::ApiClient &client, QWidget *parent)
    : ConsolePage(client, parent)
    , m_serverModel(new McpServerModel(this))
    , m_toolModel(new McpToolModel(this))
    , m_executionModel(new McpExecutionModel(client, this))
{
    buildLayout();
    connectSignals();
    updateFilterLabel();
}

McpPage::~McpPage()
{
    api::discardReply(m_serversReply, this);
    api::discardReply(m_toolsReply, this);
}

QString McpPage::title() const
{
    return tr("MCP");
}

void McpPage::buildLayout()
{
    m_dateRange = new DateRangeFilter(DefaultRangeDays, this);
    m_applyButton = new QPushButton(tr("Apply"), this);
    m_applyButton->setObjectName(QStringLiteral("apply"));
    m_showAllButton = new QPushButton(tr("All servers"), this);
    m_showAllButton->setObjectName(QStringLiteral("showAll"));
    m_showAllButton->setToolTip(tr("Clear the server and tool selection, so the list shows every execution."));
    m_filterLabel = new QLabel(this);
    m_filterLabel->setObjectName(QStringLiteral("filterLabel"));
    m_filterLabel->setWordWrap(true);
    m_filterLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_showAllButton);
    m_dateRange->addTo(filters);
    filters->addWidget(m_applyButton);
    filters->addWidget(m_filterLabel, 1);

    m_serverTable = listTable(QStringLiteral("servers"), m_serverModel, this);
    m_serversEmpty = new QLabel(this);
    m_serversEmpty->setObjectName(QStringLiteral("serversEmpty"));
    m_serversEmpty->setWordWrap(true);
    m_serversEmpty->hide();
    auto *servers = new QWidget(this);
    auto *serversLayout = new QVBoxLayout(servers);
    serversLayout->setContentsMargins(0, 0, 0, 0);
    serversLayout->addWidget(new QLabel(tr("Servers"), servers));
    serversLayout->addWidget(m_serverTable, 1);
    serversLayout->addWidget(m_serversEmpty);

    m_toolTable = listTable(QStringLiteral("tools"), m_toolModel, this);

    auto *catalog = new QSplitter(Qt::Vertical, this);
    catalog->addWidget(servers);
    catalog->addWidget(titled(tr("Tools of the selected server"), m_toolTable, this));

    m_executionTable = listTable(QStringLiteral("executions"), m_executionModel, this);
    // The service orders the rows, and sorting a partly loaded table would mislead.
    m_executionTable->setSortingEnabled(false);
    m_executionsEmpty = new QLabel(this);
    m_executionsEmpty->setObjectName(QStringLiteral("executionsEmpty"));
    m_executionsEmpty->hide();
    auto *executions = new QWidget(this);
    auto *executionsLayout = new QVBoxLayout(executions);
    executionsLayout->setContentsMargins(0, 0, 0, 0);
    executionsLayout->addWidget(m_executionTable, 1);
    executionsLayout->addWidget(m_executionsEmpty);

    m_executionSummary = new QLabel(this);
    m_executionSummary->setObjectName(QStringLiteral("executionSummary"));
    m_executionSummary->setWordWrap(true);
    m_executionSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_input = detailEdit(QStringLiteral("executionInput"), tr("Select an execution to see its input."), this);
    m_output = detailEdit(QStringLiteral("executionOutput"), tr("No output"), this);
    m_error = detailEdit(QStringLiteral("executionError"), tr("No error"), this);
    m_error->setMaximumHeight(m_error->fontMetrics().lineSpacing() * 4);

    auto *payloads = new QSplitter(Qt::Horizontal, this);
    payloads->addWidget(titled(tr("Input"), m_input, this));
    payloads->addWidget(titled(tr("Output"), m_output, this));
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_executionSummary);
    detailLayout->addWidget(payloads, 1);
    detailLayout->addWidget(titled(tr("Error"), m_error, this));

    m_executionSplitter = new QSplitter(Qt::Vertical, this);
    m_executionSplitter->addWidget(executions);
    m_executionSplitter->addWidget(detail);
    m_executionSplitter->setStretchFactor(0, 3);
    m_executionSplitter->setStretchFactor(1, 2);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->addWidget(catalog);
    m_mainSplitter->addWidget(m_executionSplitter);
    m_mainSplitter->setStretchFactor(0, 1);
    m_mainSplitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_mainSplitter, 1);
}

void McpPage::connectSignals()
{
    connect(m_applyButton, &QPushButton::clicked, this, [this] {
        m_failed = false;
        loadExecutions();
    });
    connect(m_showAllButton, &QPushButton::clicked, this, &McpPage::showAll);

    connect(m_serverTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &McpPage::onServerSelectionChanged);
    connect(m_toolTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &McpPage::onToolSelectionChanged);
    connect(m_executionTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &McpPage::onExecutionSelectionChanged);

    connect(m_executionModel, &McpExecutionModel::loadingChanged, this, [this] {
        updateBusy();
        updateExecutionsEmptyLabel();
    });
    connect(m_executionModel, &McpExecutionModel::pageLoaded, this, &McpPage::onExecutionsPageLoaded);
    connect(m_executionModel, &McpExecutionModel::errorOccurred, this, &McpPage::loadFailed);
    connect(m_executionModel, &McpExecutionModel::modelReset, this, [this] {
        clearExecutionDetail();
        updateExecutionsEmptyLabel();
    });
}

void McpPage::refresh()
{
    m_failed = false;
    loadServers();
    loadExecutions();
}

void McpPage::reload()
{
    m_serverId.clear();
    m_toolId.clear();
    m_executionId.clear();
    m_selecting = true;
    m_serverModel->clear();
    m_toolModel->clear();
    m_executionModel->clear();
    m_selecting = false;
    m_serversEmpty->hide();
    updateFilterLabel();
    refresh();
}

McpExecutionQuery McpPage::executionQuery() const
{
    McpExecutionQuery query;
    query.serverId = m_serverId;
    query.toolId = m_toolId;
    if (!m_dateRange->isAllTime()) {
        query.start = m_dateRange->start();
        query.end = m_dateRange->end();
    }
    return query;
}

void McpPage::loadServers()
{
    api::discardReply(m_serversReply, this);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("is_active"), QStringLiteral("all"));
    m_serversReply = client().get(QStringLiteral("/api/v1/mcp/servers"), query);
    connect(m_serversReply, &api::ApiReply::finished, this, &McpPage::onServersFinished);
    updateBusy();
}

void McpPage::loadTools()
{
    api::discardReply(m_toolsReply, this);
    if (m_serverId.isEmpty()) {
        m_selecting = true;
        m_toolModel->clear();
        m_selecting = false;
        updateBusy();
        return;
    }
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("server_id"), m_serverId);
    query.addQueryItem(QStringLiteral("is_active"), QStringLiteral("all"));
    m_toolsReply = client().get(QStringLiteral("/api/v1/mcp/tools"), query);
    connect(m_toolsReply, &api::ApiReply::finished, this, &McpPage::onToolsFinished);
    updateBusy();
}

void McpPage::loadExecutions()
{
    m_executionModel->setQuery(executionQuery());
    m_executionModel->fetchMore(QModelIndex());
    updateFilterLabel();
}

void McpPage::onServersFinished()
{
    api::ApiReply *reply = m_serversReply;
    m_serversReply = nullptr;
    updateBusy();
    if (!reply->isSuccess()) {
        loadFailed(reply->errorMessage());
        return;
    }
    if (!reply->json().isArray()) {
        loadFailed(tr("The server's MCP server listing is not a JSON array; it may not be an llmring server."));
        return;
    }

    m_selecting = true;
    m_serverModel->setServers(reply->json().toArray());
    const int row = m_serverModel->rowOf(m_serverId);
    selectRow(m_serverTable, row);
    m_selecting = false;
    m_serverTable->resizeColumnsToContents();
    m_serversEmpty->setText(m_serverModel->rowCount() == 0 ? tr("No MCP servers registered in this project")
                                                           : QString());
    m_serversEmpty->setVisible(m_serverModel->rowCount() == 0);

    if (row < 0 && !m_serverId.isEmpty()) {
        // The selected server is gone, so the executions were filtered by a server
        // the list no longer shows.
        m_serverId.clear();
        m_toolId.clear();
        loadExecutions();
    }
    loadTools();
    updateFilterLabel();
    finishLoad();
}

void McpPage::onToolsFinished()
{
    api::ApiReply *reply = m_toolsReply;
    m_toolsReply = nullptr;
    updateBusy();
    if (!reply->isSuccess()) {
        loadFailed(reply->errorMessage());
        return;
    }
    if (!reply->json().isArray()) {
        loadFailed(tr("The server's MCP tool listing is not a JSON array; it may not be an llmring server."));
        return;
    }

    m_selecting = true;
    m_toolModel->setTools(reply->json().toArray());
    const int row = m_toolModel->rowOf(m_toolId);
    selectRow(m_toolTable, row);
    m_selecting = false;
    m_toolTable->resizeColumnsToContents();
    if (row < 0 && !m_toolId.isEmpty()) {
        m_toolId.clear();
        loadExecutions();
    }
    updateFilterLabel();
    finishLoad();
}

void McpPage::onExecutionsPageLoaded()
{
    if (m_executionModel->rowCount() > 0 && !m_executionTable->selectionModel()->hasSelection()) {
        const int row = m_executionModel->rowOf(m_executionId);
        if (row >= 0) {
            m_selecting = true;
            selectRow(m_executionTable, row);
            m_selecting = false;
            showExecution(row);
        }
    }
    if (m_executionModel->rowCount() > 0 && m_executionModel->rowCount() <= McpExecutionModel::PageSize)
        m_executionTable->resizeColumnsToContents();
    updateExecutionsEmptyLabel();
    finishLoad();
}

void McpPage::onServerSelectionChanged()
{
    if (m_selecting)
        return;
    const QModelIndexList rows = m_serverTable->selectionModel()->selectedRows();
    m_serverId = rows.isEmpty() ? QString() : m_serverModel->serverId(rows.first().row());
    m_toolId.clear();
    m_failed = false;
    // The previous server's tools must not stay selectable while the new ones load.
    m_selecting = true;
    m_toolModel->clear();
    m_selecting = false;
    loadTools();
    loadExecutions();
}

void McpPage::onToolSelectionChanged()
{
    if (m_selecting)
        return;
    const QModelIndexList rows = m_toolTable->selectionModel()->selectedRows();
    m_toolId = rows.isEmpty() ? QString() : m_toolModel->toolId(rows.first().row());
    m_failed = false;
    loadExecutions();
}

void McpPage::onExecutionSelectionChanged()
{
    if (m_selecting)
        return;
    const QModelIndexList rows = m_executionTable->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_executionId.clear();
        clearExecutionDetail();
        return;
    }
    const int row = rows.first().row();
    m_executionId = m_executionModel->execution(row).value(QStringLiteral("id")).toString();
    showExecution(row);
}

void McpPage::showAll()
{
    // Clearing the server selection also clears the tools and reloads the executions.
    if (m_serverTable->selectionModel()->hasSelection())
        m_serverTable->clearSelection();
    else if (!m_serverId.isEmpty() || !m_toolId.isEmpty())
        onServerSelectionChanged();
}

void McpPage::selectRow(QTableView *table, int row)
{
    if (row < 0) {
        table->clearSelection();
        return;
    }
    table->selectRow(row);
    table->scrollTo(table->model()->index(row, 0));
}

void McpPage::showExecution(int row)
{
    const QJsonObject execution = m_executionModel->execution(row);
    const QString tool = execution.value(QStringLiteral("tool_name")).toString();
    const QString server = execution.value(QStringLiteral("server_name")).toString();
    const QString executedAt = execution.value(QStringLiteral("executed_at")).toString();
    m_executionSummary->setText(tr("%1 on %2, executed at %3").arg(tool, server, executedAt));
    m_input->setPlainText(prettyJsonText(execution.value(QStringLiteral("input"))));
    m_output->setPlainText(prettyJsonText(execution.value(QStringLiteral("output"))));
    m_error->setPlainText(execution.value(QStringLiteral("error")).toString());
}

void McpPage::clearExecutionDetail()
{
    m_executionSummary->clear();
    m_input->clear();
    m_output->clear();
    m_error->clear();
}

void McpPage::loadFailed(const QString &message)
{
    m_failed = true;
    updateExecutionsEmptyLabel();
    reportError(message);
}

void McpPage::finishLoad()
{
    if (!m_failed && !isBusy())
        reportLoaded();
}

void McpPage::updateBusy()
{
    setBusy(m_serversReply || m_toolsReply || m_executionModel->isLoading());
}

void McpPage::updateFilterLabel()
{
    QString scope;
    if (m_serverId.isEmpty()) {
        scope = tr("Executions of all servers");
    } else {
        const QString server = m_serverModel->serverName(m_serverModel->rowOf(m_serverId));
        const QString tool = m_toolModel->toolName(m_toolModel->rowOf(m_toolId));
        scope = m_toolId.isEmpty() || tool.isEmpty() ? tr("Executions of server %1").arg(server)
                                                     : tr("Executions of tool %1 of server %2").arg(tool, server);
    }
    m_filterLabel->setText(scope);
    m_showAllButton->setEnabled(!m_serverId.isEmpty());
}

void McpPage::updateExecutionsEmptyLabel()
{
    const bool empty = m_executionModel->hasLoaded() && m_executionModel->rowCount() == 0;
    m_executionsEmpty->setText(empty ? tr("No executions match these filters") : QString());
    m_executionsEmpty->setVisible(empty);
}

void McpPage::saveState(QSettings &settings) const
{
    m_dateRange->saveState(settings);
    settings.setValue(QStringLiteral("splitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("executionSplitter"), m_executionSplitter->saveState());
}

void McpPage::restoreState(QSettings &settings)
{
    m_dateRange->restoreState(settings);
    m_mainSplitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_executionSplitter->restoreState(settings.value(QStringLiteral("executionSplitter")).toByteArray());
}

} // namespace llmring::console
