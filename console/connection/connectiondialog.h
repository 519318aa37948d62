// SPDX-License-Identifier: MIT
// The dialog that edits, tests and picks the console's saved connections.

#pragma once

#include "connectionsettings.h"
#include "connectiontester.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace llmring::console {

// Lists the saved connections beside a form for the selected one (name, server URL and
// API key). "Test connection" runs a ConnectionTester on the form's values and shows its
// diagnosis; it can be canceled. OK saves the form (adding or renaming the connection)
// and makes it the current connection; Cancel discards the form.
class ConnectionDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectionDialog(ConnectionSettings &settings, QWidget *parent = nullptr);
    ~ConnectionDialog() override;

    // The values in the form, trimmed.
    Connection formConnection() const;
    // Shows `name` in the form, or an empty form for a new connection when it is unknown.
    void selectConnection(const QString &name);

    // Tests the form's values; the diagnosis appears below the form.
    void testConnection();
    void cancelTest();
    bool isTesting() const { return m_tester.isRunning(); }
    // The last test's diagnosis or the last validation message.
    QString resultText() const;

    // Saves the form and closes the dialog, unless the form is invalid: then the reason
    // is shown and the dialog stays open.
    void accept() override;
    void reject() override;

private:
    void buildLayout();
    void reloadList(const QString &selectName);
    void showConnection(const Connection &connection);
    void startNewConnection();
    void deleteSelected();
    void onSelectionChanged();
    void onFormEdited();
    void onTestFinished(const ConnectionTester::Diagnosis &diagnosis);
    void setTesting(bool testing);
    void showResult(const QString &text, bool isError);
    // The reason the form cannot be saved, or an empty string.
    QString validationError(const Connection &connection) const;

    ConnectionSettings &m_settings;
    ConnectionTester m_tester;
    // The saved connection the form edits; empty while it describes a new one.
    QString m_editedName;

    QListWidget *m_list = nullptr;
    QPushButton *m_newButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QLineEdit *m_serverEdit = nullptr;
    QLineEdit *m_keyEdit = nullptr;
    QToolButton *m_showKeyButton = nullptr;
    QPushButton *m_testButton = nullptr;
    QProgressBar *m_testProgress = nullptr;
    QLabel *m_resultLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace llmring::console
