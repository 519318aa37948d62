// SPDX-License-Identifier: MIT
// The MCP page: registered MCP servers, their tools, and the tool execution audit trail.

#pragma once

#include "window/consolepage.h"

#include <QPointer>
#include <QString>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableView;

namespace llmring::api {
class ApiReply;
}

namespace llmring::console {

class DateRangeFilter;
class McpExecutionModel;
class McpServerModel;
class McpToolModel;
struct McpExecutionQuery;

// Lists the project's MCP servers (active and inactive) and, for the selected server, its
// tools. The audit trail of recorded tool executions fills the main table, newest first,
// and loads pages as the user scrolls. The selected server or tool and the date range
// narrow it. Selecting an execution shows its input, output and error below the table.
class McpPage final : public ConsolePage
{
    Q_OBJECT

public:
    explicit McpPage(api::ApiClient &client, QWidget *parent = nullptr);
    ~McpPage() override;

    QString title() const override;
    // Loads the servers, the selected server's tools and the executions again, keeping
    // the selected server, tool and execution when they still exist.
    void refresh() override;
    // Forgets the selections and everything loaded, then refreshes.
    void reload() override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    McpServerModel *serverModel() const { return m_serverModel; }
    McpToolModel *toolModel() const { return m_toolModel; }
    McpExecutionModel *executionModel() const { return m_executionModel; }
    // The filters the selections and the date range describe now.
    McpExecutionQuery executionQuery() const;

private:
    void buildLayout();
    void connectSignals();
    void loadServers();
    void loadTools();
    void loadExecutions();
    void onServersFinished();
    void onToolsFinished();
    void onExecutionsPageLoaded();
    void onServerSelectionChanged();
    void onToolSelectionChanged();
    void onExecutionSelectionChanged();
    void showAll();
    void selectRow(QTableView *table, int row);
    void showExecution(int row);
    void clearExecutionDetail();
    void loadFailed(const QString &message);
    void finishLoad();
    void updateBusy();
    void updateFilterLabel();
    void updateExecutionsEmptyLabel();

    McpServerModel *m_serverModel = nullptr;
    McpToolModel *m_toolModel = nullptr;
    McpExecutionModel *m_executionModel = nullptr;
    QPointer<api::ApiReply> m_serversReply;
    QPointer<api::ApiReply> m_toolsReply;

    // The selections, kept by id so a reload of the lists can select the same items again.
    QString m_serverId;
    QString m_toolId;
    QString m_executionId;
    // Set while the page changes a selection itself, so the handlers do not react.
    bool m_selecting = false;
    // A load since the last refresh() failed, so finishing the others must not clear the error.
    bool m_failed = false;

    DateRangeFilter *m_dateRange = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_showAllButton = nullptr;
    QLabel *m_filterLabel = nullptr;
    QTableView *m_serverTable = nullptr;
    QLabel *m_serversEmpty = nullptr;
    QTableView *m_toolTable = nullptr;
    QTableView *m_executionTable = nullptr;
    QLabel *m_executionsEmpty = nullptr;
    QLabel *m_executionSummary = nullptr;
    QPlainTextEdit *m_input = nullptr;
    QPlainTextEdit *m_output = nullptr;
    QPlainTextEdit *m_error = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_executionSplitter = nullptr;
};

} // namespace llmring::console
