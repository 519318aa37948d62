// SPDX-License-Identifier: MIT

#include "connectiondialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace llmring::console {

namespace {

const QString DefaultServerUrl = QStringLiteral("http://127.0.0.1:8000");

bool isServerUrl(const QUrl &url)
{
    return url.isValid() && !url.host().isEmpty()
        && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}

} // namespace

ConnectionDialog::ConnectionDialog(ConnectionSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
{
    setWindowTitle(tr("Connections"));
    buildLayout();

    connect(&m_tester, &ConnectionTester::finished, this, &ConnectionDialog::onTestFinished);
    connect(m_list, &QListWidget::currentRowChanged, this, &ConnectionDialog::onSelectionChanged);
    connect(m_newButton, &QPushButton::clicked, this, &ConnectionDialog::startNewConnection);
    connect(m_deleteButton, &QPushButton::clicked, this, &ConnectionDialog::deleteSelected);
    connect(m_showKeyButton, &QToolButton::toggled, this, [this](bool shown) {
        m_keyEdit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        m_showKeyButton->setText(shown ? tr("Hide") : tr("Show"));
    });
    connect(m_testButton, &QPushButton::clicked, this, [this] {
        if (isTesting())
            cancelTest();
        else
            testConnection();
    });
    for (QLineEdit *edit : {m_nameEdit, m_serverEdit, m_keyEdit})
        connect(edit, &QLineEdit::textEdited, this, &ConnectionDialog::onFormEdited);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectionDialog::reject);

    reloadList(m_settings.currentName());
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::buildLayout()
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("connectionList"));
    m_newButton = new QPushButton(tr("New"), this);
    m_newButton->setObjectName(QStringLiteral("newButton"));
    m_deleteButton = new QPushButton(tr("Delete"), this);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_newButton);
    listButtons->addWidget(m_deleteButton);
    auto *listColumn = new QVBoxLayout;
    listColumn->addWidget(new QLabel(tr("Saved connections:"), this));
    listColumn->addWidget(m_list);
    listColumn->addLayout(listButtons);

    m_nameEdit = new QLineEdit(this);
    m_nameEdit->setObjectName(QStringLiteral("nameEdit"));
    m_nameEdit->setPlaceholderText(tr("such as Production"));
    m_serverEdit = new QLineEdit(this);
    m_serverEdit->setObjectName(QStringLiteral("serverEdit"));
    m_serverEdit->setPlaceholderText(DefaultServerUrl);
    m_keyEdit = new QLineEdit(this);
    m_keyEdit->setObjectName(QStringLiteral("keyEdit"));
    m_keyEdit->setEchoMode(QLineEdit::Password);
    m_keyEdit->setPlaceholderText(tr("the project's X-API-Key"));
    m_showKeyButton = new QToolButton(this);
    m_showKeyButton->setObjectName(QStringLiteral("showKeyButton"));
    m_showKeyButton->setCheckable(true);
    m_showKeyButton->setText(tr("Show"));
    m_showKeyButton->setToolTip(tr("Show or hide the API key"));
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_keyEdit);
    keyRow->addWidget(m_showKeyButton);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_nameEdit);
    form->addRow(tr("&Server URL:"), m_serverEdit);
    auto *keyLabel = new QLabel(tr("API &key:"), this);
    keyLabel->setBuddy(m_keyEdit);
    form->addRow(keyLabel, keyRow);

    m_testButton = new QPushButton(tr("&Test connection"), this);
    m_testButton->setObjectName(QStringLiteral("testButton"));
    m_testProgress = new QProgressBar(this);
    m_testProgress->setRange(0, 0); // indeterminate: the test has no measurable progress
    m_testProgress->setTextVisible(false);
    m_testProgress->setVisible(false);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_testProgress, 1);

    m_resultLabel = new QLabel(this);
    m_resultLabel->setObjectName(QStringLiteral("resultLabel"));
    m_resultLabel->setWordWrap(true);
    m_resultLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resultLabel->setMinimumHeight(m_resultLabel->fontMetrics().lineSpacing() * 3);
    m_resultLabel->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *formColumn = new QVBoxLayout;
    formColumn->addLayout(form);
    formColumn->addLayout(testRow);
    formColumn->addWidget(m_resultLabel, 1);

    auto *columns = new QHBoxLayout;
    columns->addLayout(listColumn, 1);
    columns->addLayout(formColumn, 2);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_buttons);
    resize(720, 360);
}

Connection ConnectionDialog::formConnection() const
{
    Connection connection;
    connection.name = m_nameEdit->text().trimmed();
    const QString serverText = m_serverEdit->text().trimmed();
    connection.serverUrl = QUrl::fromUserInput(serverText);
    // Text that is no URL at all stays as typed, so the test names it instead of
    // reporting a missing URL.
    if (!serverText.isEmpty() && connection.serverUrl.isEmpty())
        connection.serverUrl = QUrl(serverText);
    connection.apiKey = m_keyEdit->text().trimmed();
    return connection;
}

void ConnectionDialog::selectConnection(const QString &name)
{
    reloadList(name);
}

void ConnectionDialog::testConnection()
{
    const Connection connection = formConnection();
    setTesting(true);
    showResult(tr("Testing %1…").arg(connection.serverUrl.toString(QUrl::RemoveUserInfo)), false);
    m_tester.start(connection.serverUrl, connection.apiKey);
}

void ConnectionDialog::cancelTest()
{
    m_tester.cancel();
}

QString ConnectionDialog::resultText() const
{
    return m_resultLabel->text();
}

void ConnectionDialog::accept()
{
    const Connection connection = formConnection();
    const QString error = validationError(connection);
    if (!error.isEmpty()) {
        showResult(error, true);
        return;
    }

    cancelTest();
    if (m_editedName.isEmpty())
        m_settings.save(connection);
    else
        m_settings.update(m_editedName, connection);
    m_settings.setCurrent(connection.name);
    QDialog::accept();
}

void ConnectionDialog::reject()
{
    cancelTest();
    QDialog::reject();
}

void ConnectionDialog::reloadList(const QString &selectName)
{
    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        m_list->addItems(m_settings.names());
    }
    const int row = static_cast<int>(m_settings.names().indexOf(selectName));
    if (row >= 0)
        m_list->setCurrentRow(row); // onSelectionChanged() fills the form
    else
        startNewConnection();
}

void ConnectionDialog::showConnection(const Connection &connection)
{
    cancelTest();
    m_nameEdit->setText(connection.name);
    m_serverEdit->setText(connection.serverUrl.isEmpty() ? DefaultServerUrl : connection.serverUrl.toString());
    m_keyEdit->setText(connection.apiKey);
    m_showKeyButton->setChecked(false);
    m_deleteButton->setEnabled(!m_editedName.isEmpty());
    showResult(QString(), false);
}

void ConnectionDialog::startNewConnection()
{
    {
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentRow(-1);
    }
    m_editedName.clear();
    showConnection(Connection{});
    m_nameEdit->setFocus();
}

void ConnectionDialog::deleteSelected()
{
    if (m_editedName.isEmpty())
        return;
    const QMessageBox::StandardButton answer =
        QMessageBox::question(this, tr("Delete connection"),
                              tr("Delete the saved connection \"%1\" and its API key?").arg(m_editedName));
    if (answer != QMessageBox::Yes)
        return;
    m_settings.remove(m_editedName);
    m_editedName.clear();
    reloadList(m_settings.currentName());
}

void ConnectionDialog::onSelectionChanged()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item) {
        startNewConnection();
        return;
    }
    const std::optional<Connection> connection = m_settings.connection(item->text());
    if (!connection) {
        startNewConnection();
        return;
    }
    m_editedName = connection->name;
    showConnection(*connection);
}

void ConnectionDialog::onFormEdited()
{
    // A result shown for other values would mislead.
    cancelTest();
    showResult(QString(), false);
}

void ConnectionDialog::onTestFinished(const ConnectionTester::Diagnosis &diagnosis)
{
    setTesting(false);
    showResult(diagnosis.message, diagnosis.outcome != ConnectionTester::Outcome::Ok);
}

void ConnectionDialog::setTesting(bool testing)
{
    m_testButton->setText(testing ? tr("Cancel &test") : tr("&Test connection"));
    m_testProgress->setVisible(testing);
}

void ConnectionDialog::showResult(const QString &text, bool isError)
{
    m_resultLabel->setText(text);
    QPalette palette = m_resultLabel->palette();
    palette.setColor(QPalette::WindowText, isError ? QColor(Qt::darkRed) : this->palette().color(QPalette::WindowText));
    m_resultLabel->setPalette(palette);
}

QString ConnectionDialog::validationError(const Connection &connection) const
{
    if (connection.name.isEmpty())
        return tr("Enter a name for the connection.");
    if (!isServerUrl(connection.serverUrl)) {
        return tr("Enter the server URL with http:// or https://, such as %1.").arg(DefaultServerUrl);
    }
    if (connection.name != m_editedName && m_settings.contains(connection.name))
        return tr("A connection named \"%1\" already exists. Choose another name, or select it in the list to "
                  "change it.")
            .arg(connection.name);
    return {};
}

} // namespace llmring::console
