// SPDX-License-Identifier: MIT
// The Conversations page against the real service. The suite checks the conversation list
// with its exact counters and order, lazy paging past 100 conversations, and a
// conversation's messages in order, with content stored in full or only as its hash. It
// also checks the note about messages removed by the retention cleanup, project isolation,
// refresh and reload, and a stopped service.

#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "api/apiclient.h"
#include "common/costformat.h"
#include "conversations/conversationspage.h"
#include "conversations/conversationtablemodel.h"
#include "conversations/messagetablemodel.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

namespace {

const QByteArray KeyA = QByteArrayLiteral("conversationspage-key-a");
const QByteArray KeyB = QByteArrayLiteral("conversationspage-key-b");
const QByteArray KeyPaged = QByteArrayLiteral("conversationspage-key-paged");
const QByteArray KeyEmpty = QByteArrayLiteral("conversationspage-key-empty");
const QByteArray KeyRetention = QByteArrayLiteral("conversationspage-key-retention");
const QByteArray KeyRefresh = QByteArrayLiteral("conversationspage-key-refresh");

constexpr int PagedCount = 130;
constexpr int TimeoutMs = 15000;

// Project A's conversations get updated_at = TimeOrigin plus these hours, so the list
// order is known: the plain one, the untitled one, then the summarizer.
const QDateTime TimeOrigin(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC);
constexpr int SummarizerHours = 1;
constexpr int UntitledHours = 2;
constexpr int PlainHours = 3;

const QString SecretQuestion = QStringLiteral("secret question");

QByteArray compact(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

QString sha256Hex(const QString &text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString localTime(const QDateTime &time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// A conversation as the suite created it, with the counters it expects.
struct ExpectedConversation
{
    QString id;
    QString title;
    QString modelAlias;
    int messages = 0;
    int inputTokens = 0;
    int outputTokens = 0;
    double cost = 0;
    QDateTime updatedAt;
};

const QJsonArray ToolCalls{QJsonObject{
    {"id", "call_1"},
    {"type", "function"},
    {"function", QJsonObject{{"name", "lookup"}, {"arguments", "{\"q\":\"part two\"}"}}},
}};

} // namespace

class tst_ConversationsPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void modelListsProjectConversations();
    void modelPagesPastOneHundred();
    void modelPassesItemModelTesterWhilePaging();
    void modelRefreshCancelsLoadInFlight();
    void messageModelLoadsInOrder();
    void messageModelReportsMissingConversation();
    void pageShowsMessagesOfSelection();
    void pageShowsHashOfMetadataLevelMessage();
    void pageNotesMessagesRemovedByRetention();
    void pageShowsEmptyProject();
    void pageNeverShowsOtherProjects();
    void pageRefreshKeepsSelection();
    void pageRefreshDropsDeletedSelection();
    void pageReloadClearsSelection();
    // Stops the service and starts it again, so it runs last.
    void stoppedServiceReportsErrorAndRecovers();

private:
    std::unique_ptr<api::ApiClient> newClient(const QByteArray &key) const;
    // Sends POST /conversations/log and returns the conversation id, or empty when it failed.
    QString logCall(const QByteArray &key, const QJsonObject &body);
    QString createConversation(const QByteArray &key, const QJsonObject &body);
    // Sends POST /conversations/{id}/messages/batch and returns the stored messages, or empty.
    QJsonArray postBatch(const QByteArray &key, const QString &id, const QJsonObject &body);
    void setUpdatedAt(const QString &id, const QDateTime &time);
    // Refreshes `page` and waits until its list is complete.
    bool loadAll(ConversationsPage &page);
    // Selects the conversation `id` in `page` and waits for its messages.
    bool select(ConversationsPage &page, const QString &id);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    Settings m_settings;
    std::unique_ptr<HttpClient> m_http;
    // Project A's conversations in the order the API lists them.
    QList<ExpectedConversation> m_expectedA;
    QStringList m_idsB;
    QString m_summarizerId;
    QString m_plainId;
};

void tst_ConversationsPage::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("conversationspage"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    m_settings = m_database->settings();
    QString error;
    QVERIFY2(m_service.start(m_settings, &error), qPrintable(error));
    m_http = std::make_unique<HttpClient>(m_service.baseUrl());

    // A call logged by the llmring client with an alias, then two more messages.
    m_summarizerId = logCall(KeyA, QJsonObject{
        {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Summarise this"}}}},
        {"response", QJsonObject{{"content", "Here it is"}, {"model", "gpt-4o-2024-08-06"}, {"finish_reason", "stop"},
                                 {"usage", QJsonObject{{"prompt_tokens", 12}, {"completion_tokens", 5}}}}},
        {"metadata", QJsonObject{{"provider", "openai"}, {"model", "gpt-4o"}, {"alias", "summarizer"},
                                 {"profile", QJsonValue::Null}, {"origin", "llmring"}, {"cost", 0.0001},
                                 {"input_cost", 0.00003}, {"output_cost", 0.00007}, {"input_tokens", 12},
                                 {"output_tokens", 5}, {"cached_tokens", 0}}},
    });
    QVERIFY(!m_summarizerId.isEmpty());
    const QJsonArray summarizerBatch = postBatch(KeyA, m_summarizerId, QJsonObject{{"messages", QJsonArray{
        QJsonObject{{"role", "user"}, {"content", "And the second part?"}, {"input_tokens", 7},
                    {"metadata", QJsonObject{{"cost", 0.00002}}}},
        QJsonObject{{"role", "assistant"}, {"content", "Second part done"}, {"output_tokens", 9},
                    {"tool_calls", ToolCalls}, {"metadata", QJsonObject{{"cost", 0.00003}}}},
    }}});
    QCOMPARE(summarizerBatch.size(), 2);

    // A call without an alias, and a message stored at the metadata logging level.
    m_plainId = logCall(KeyA, QJsonObject{
        {"messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "You are terse"}},
                                QJsonObject{{"role", "user"}, {"content", "Hi"}}}},
        {"response", QJsonObject{{"content", "Hello"}, {"model", "gpt-4o"}, {"finish_reason", "stop"},
                                 {"usage", QJsonObject{{"prompt_tokens", 20}, {"completion_tokens", 3}}}}},
        {"metadata", QJsonObject{{"provider", "openai"}, {"model", "gpt-4o"}, {"cost", 0.00005},
                                 {"input_tokens", 20}, {"output_tokens", 3}}},
    });
    QVERIFY(!m_plainId.isEmpty());
    const QJsonArray metadataBatch = postBatch(KeyA, m_plainId, QJsonObject{
        {"logging_level", "metadata"},
        {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", SecretQuestion}, {"input_tokens", 4}}}},
    });
    QCOMPARE(metadataBatch.size(), 1);

    const QString untitledId = createConversation(KeyA, QJsonObject{});
    QVERIFY(!untitledId.isEmpty());

    const ExpectedConversation summarizer{m_summarizerId, QStringLiteral("summarizer conversation"),
                                          QStringLiteral("summarizer"), 4, 12 + 7, 5 + 9, 0.0001 + 0.00002 + 0.00003,
                                          TimeOrigin.addSecs(3600 * SummarizerHours)};
    const ExpectedConversation plain{m_plainId, QStringLiteral("gpt-4o conversation"), QStringLiteral("openai:gpt-4o"),
                                     4, 20 + 4, 3, 0.00005, TimeOrigin.addSecs(3600 * PlainHours)};
    const ExpectedConversation untitled{untitledId, QString(), QStringLiteral("default"), 0, 0, 0, 0,
                                        TimeOrigin.addSecs(3600 * UntitledHours)};
    m_expectedA = {plain, untitled, summarizer};
    for (const ExpectedConversation &conversation : std::as_const(m_expectedA))
        setUpdatedAt(conversation.id, conversation.updatedAt);

    // Another project's conversations, updated later than all of project A's.
    for (int i = 0; i < 2; ++i) {
        const QString id = logCall(KeyB, QJsonObject{
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", QStringLiteral("b question %1").arg(i)}}}},
            {"response", QJsonObject{{"content", "b answer"}, {"model", "gpt-4o"}}},
            {"metadata", QJsonObject{{"provider", "openai"}, {"model", "gpt-4o"}, {"alias", "b-only"},
                                     {"cost", 0.5}, {"input_tokens", 1000}, {"output_tokens", 1000}}},
        });
        QVERIFY(!id.isEmpty());
        m_idsB.append(id);
    }

    // Paged conversation n is updated n minutes after TimeOrigin: newest first lists
    // "paged 129" down to "paged 0".
    for (int n = 0; n < PagedCount; ++n)
        QVERIFY(!createConversation(KeyPaged, QJsonObject{{"title", QStringLiteral("paged %1").arg(n)}}).isEmpty());
    m_database->exec(QStringLiteral("UPDATE {{schema}}.conversations"
                                    " SET updated_at = CAST(:origin AS timestamptz)"
                                    " + CAST(substring(title from 7) AS integer) * interval '1 minute'"
                                    " WHERE title LIKE 'paged %'"),
                     {{QStringLiteral("origin"), TimeOrigin.toString(Qt::ISODate)}});
}

void tst_ConversationsPage::cleanupTestCase()
{
    m_http.reset();
    m_service.stop();
    m_database.reset();
}

std::unique_ptr<api::ApiClient> tst_ConversationsPage::newClient(const QByteArray &key) const
{
    auto client = std::make_unique<api::ApiClient>();
    client->setServer(m_service.baseUrl());
    client->setApiKey(QString::fromLatin1(key));
    client->setTimeout(std::chrono::milliseconds(TimeoutMs));
    return client;
}

QString tst_ConversationsPage::logCall(const QByteArray &key, const QJsonObject &body)
{
    const HttpResponse response = m_http->post(QStringLiteral("/conversations/log"), compact(body), apiKey(key));
    if (response.status != 201) {
        qWarning().noquote() << "POST /conversations/log answered" << response.status << response.body;
        return {};
    }
    return response.json().toObject().value(QStringLiteral("conversation_id")).toString();
}

QString tst_ConversationsPage::createConversation(const QByteArray &key, const QJsonObject &body)
{
    const HttpResponse response = m_http->post(QStringLiteral("/conversations"), compact(body), apiKey(key));
    if (response.status != 201) {
        qWarning().noquote() << "POST /conversations answered" << response.status << response.body;
        return {};
    }
    return response.json().toObject().value(QStringLiteral("id")).toString();
}

QJsonArray tst_ConversationsPage::postBatch(const QByteArray &key, const QString &id, const QJsonObject &body)
{
    const HttpResponse response =
        m_http->post(QStringLiteral("/conversations/%1/messages/batch").arg(id), compact(body), apiKey(key));
    if (response.status != 201) {
        qWarning().noquote() << "POST /conversations/{id}/messages/batch answered" << response.status
                             << response.body;
        return {};
    }
    return response.json().toArray();
}

void tst_ConversationsPage::setUpdatedAt(const QString &id, const QDateTime &time)
{
    m_database->exec(QStringLiteral("UPDATE {{schema}}.conversations SET updated_at = CAST(:time AS timestamptz)"
                                    " WHERE id = CAST(:id AS uuid)"),
                     {{QStringLiteral("time"), time.toString(Qt::ISODate)}, {QStringLiteral("id"), id}});
}

bool tst_ConversationsPage::loadAll(ConversationsPage &page)
{
    page.refresh();
    ConversationTableModel *model = page.conversationModel();
    if (!QTest::qWaitFor([&] { return !model->isLoading() && model->reachedEnd(); }, TimeoutMs))
        return false;
    return page.lastError().isEmpty();
}

bool tst_ConversationsPage::select(ConversationsPage &page, const QString &id)
{
    const int row = page.conversationModel()->rowOf(id);
    if (row < 0)
        return false;
    auto *table = page.findChild<QTableView *>(QStringLiteral("conversationTable"));
    table->setCurrentIndex(page.conversationModel()->index(row, 0));
    MessageTableModel *messages = page.messageModel();
    return QTest::qWaitFor(
        [&] { return messages->conversationId() == id && !messages->isLoading() && !messages->conversation().isEmpty(); },
        TimeoutMs);
}

// The list contains exactly project A's conversations, in the API's order (most recently
// updated first), with the counters the suite computed from what it sent.
void tst_ConversationsPage::modelListsProjectConversations()
{
    const auto client = newClient(KeyA);
    ConversationTableModel model(*client);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy failures(&model, &ConversationTableModel::loadFailed);
    QVERIFY(!model.canFetchMore({}));

    model.refresh();
    QVERIFY(model.isLoading());
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), TimeoutMs);
    QCOMPARE(failures.size(), 0);
    QVERIFY(model.reachedEnd());
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.rowCount(), m_expectedA.size());

    const QLocale locale;
    for (int row = 0; row < m_expectedA.size(); ++row) {
        const ExpectedConversation &expected = m_expectedA.at(row);
        const auto text = [&](ConversationTableModel::Column column) {
            return model.index(row, column).data().toString();
        };
        QCOMPARE(model.conversationId(row), expected.id);
        QCOMPARE(model.rowOf(expected.id), row);
        QCOMPARE(text(ConversationTableModel::TitleColumn),
                 expected.title.isEmpty() ? QStringLiteral("(untitled)") : expected.title);
        QCOMPARE(text(ConversationTableModel::ModelAliasColumn), expected.modelAlias);
        QCOMPARE(text(ConversationTableModel::MessagesColumn), locale.toString(expected.messages));
        QCOMPARE(text(ConversationTableModel::InputTokensColumn), locale.toString(expected.inputTokens));
        QCOMPARE(text(ConversationTableModel::OutputTokensColumn), locale.toString(expected.outputTokens));
        QCOMPARE(text(ConversationTableModel::CostColumn), formatDollars(expected.cost));
        QCOMPARE(text(ConversationTableModel::UpdatedColumn), localTime(expected.updatedAt));

        const QJsonObject json = model.conversationJson(row);
        QCOMPARE(json.value(QStringLiteral("message_count")).toInt(), expected.messages);
        QCOMPARE(json.value(QStringLiteral("total_input_tokens")).toInt(), expected.inputTokens);
        QCOMPARE(json.value(QStringLiteral("total_output_tokens")).toInt(), expected.outputTokens);
        QVERIFY2(qAbs(json.value(QStringLiteral("total_cost")).toDouble() - expected.cost) < 1e-12,
                 qPrintable(QString::number(json.value(QStringLiteral("total_cost")).toDouble(), 'g', 17)));
        // A conversation without messages has no last message.
        QCOMPARE(text(ConversationTableModel::LastMessageColumn).isEmpty(), expected.messages == 0);
    }
    for (const QString &id : std::as_const(m_idsB))
        QCOMPARE(model.rowOf(id), -1);
}

// 130 conversations arrive as a page of 100 and a page of 30, newest first, none twice.
void tst_ConversationsPage::modelPagesPastOneHundred()
{
    const auto client = newClient(KeyPaged);
    // No QAbstractItemModelTester here: it calls fetchMore() after every change.
    ConversationTableModel model(*client);
    QSignalSpy pages(&model, &ConversationTableModel::pageLoaded);

    model.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(pages.size(), 1, TimeoutMs);
    QCOMPARE(model.rowCount(), ConversationTableModel::PageSize);
    QVERIFY(!model.reachedEnd());
    QVERIFY(model.canFetchMore({}));

    model.fetchMore({});
    QVERIFY(model.isLoading());
    QVERIFY(!model.canFetchMore({}));
    // A second request while one is in flight does nothing.
    model.fetchMore({});
    QTRY_COMPARE_WITH_TIMEOUT(pages.size(), 2, TimeoutMs);
    QCOMPARE(model.rowCount(), PagedCount);
    QVERIFY(model.reachedEnd());
    QVERIFY(!model.canFetchMore({}));

    QSet<QString> ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.index(row, ConversationTableModel::TitleColumn).data().toString(),
                 QStringLiteral("paged %1").arg(PagedCount - 1 - row));
        ids.insert(model.conversationId(row));
    }
    QCOMPARE(ids.size(), PagedCount);
    QTest::qWait(100);
    QCOMPARE(pages.size(), 2);
}

// QAbstractItemModelTester checks every change. It also calls fetchMore() after each
// one, so it pages through to the end by itself.
void tst_ConversationsPage::modelPassesItemModelTesterWhilePaging()
{
    const auto client = newClient(KeyPaged);
    ConversationTableModel model(*client);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy pages(&model, &ConversationTableModel::pageLoaded);

    model.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), PagedCount, TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), TimeoutMs);
    QVERIFY(model.reachedEnd());
    QCOMPARE(pages.size(), 2);

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.canFetchMore({}));
}

// A refresh while the first page is in flight cancels it, so one page arrives and no row twice.
void tst_ConversationsPage::modelRefreshCancelsLoadInFlight()
{
    const auto client = newClient(KeyA);
    ConversationTableModel model(*client);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy pages(&model, &ConversationTableModel::pageLoaded);
    QSignalSpy failures(&model, &ConversationTableModel::loadFailed);

    model.refresh();
    model.refresh();
    model.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), TimeoutMs);
    QTest::qWait(100);
    QCOMPARE(pages.size(), 1);
    QCOMPARE(failures.size(), 0);
    QCOMPARE(model.rowCount(), m_expectedA.size());
}

// The message model shows the conversation's messages oldest first, and loading another
// conversation cancels the load in flight.
void tst_ConversationsPage::messageModelLoadsInOrder()
{
    const auto client = newClient(KeyA);
    MessageTableModel model(*client);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &MessageTableModel::loaded);

    model.load(m_plainId);
    model.load(m_summarizerId);
    QCOMPARE(model.conversationId(), m_summarizerId);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, TimeoutMs);
    QTest::qWait(100);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(model.conversation().value(QStringLiteral("id")).toString(), m_summarizerId);
    QVERIFY(!model.conversation().contains(QStringLiteral("messages")));
    QCOMPARE(model.messageCount(), 4);

    const QStringList roles{"user", "assistant", "user", "assistant"};
    const QStringList contents{"Summarise this", "Here it is", "And the second part?", "Second part done"};
    const QStringList inputTokens{QString(), "12", "7", QString()};
    const QStringList outputTokens{QString(), "5", QString(), "9"};
    QCOMPARE(model.rowCount(), roles.size());
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.index(row, MessageTableModel::RoleColumn).data().toString(), roles.at(row));
        QCOMPARE(model.index(row, MessageTableModel::ContentColumn).data().toString(), contents.at(row));
        QCOMPARE(model.index(row, MessageTableModel::InputTokensColumn).data().toString(), inputTokens.at(row));
        QCOMPARE(model.index(row, MessageTableModel::OutputTokensColumn).data().toString(), outputTokens.at(row));
    }
    // The tool calls appear in the row's tooltip as compact JSON.
    const QString toolTip = model.index(3, MessageTableModel::RoleColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(toolTip.contains(QStringLiteral("Tool calls: ") + QString::fromUtf8(compact(ToolCalls))),
             qPrintable(toolTip));

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.conversationId().isEmpty());
}

// A conversation that does not exist, or belongs to another project, is the API's 404.
void tst_ConversationsPage::messageModelReportsMissingConversation()
{
    const auto client = newClient(KeyA);
    MessageTableModel model(*client);
    QSignalSpy failures(&model, &MessageTableModel::loadFailed);

    model.load(m_idsB.first());
    QTRY_COMPARE_WITH_TIMEOUT(failures.size(), 1, TimeoutMs);
    QVERIFY2(failures.first().at(0).toString().startsWith(QStringLiteral("The server answered with HTTP status 404")),
             qPrintable(failures.first().at(0).toString()));
    QVERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 0);
}

// Selecting a conversation shows its counters, its messages and the selected message.
void tst_ConversationsPage::pageShowsMessagesOfSelection()
{
    const auto client = newClient(KeyA);
    ConversationsPage page(*client);
    QCOMPARE(page.title(), QStringLiteral("Conversations"));
    QVERIFY(loadAll(page));
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("statusLabel"))->text(), QStringLiteral("3 conversations"));

    QVERIFY(select(page, m_summarizerId));
    QCOMPARE(page.selectedConversationId(), m_summarizerId);
    QVERIFY(!page.isBusy());
    QCOMPARE(page.messageModel()->rowCount(), 4);
    const QString summary = page.findChild<QLabel *>(QStringLiteral("summary"))->text();
    QVERIFY2(summary.startsWith(QStringLiteral("summarizer conversation (model alias summarizer): 4 messages, "
                                               "19 input tokens, 14 output tokens, cost %1.")
                                    .arg(formatDollars(0.00015))),
             qPrintable(summary));
    QVERIFY(page.findChild<QLabel *>(QStringLiteral("messagesNote"))->isHidden());

    auto *messageTable = page.findChild<QTableView *>(QStringLiteral("messageTable"));
    auto *detail = page.findChild<QPlainTextEdit *>(QStringLiteral("messageDetail"));
    QVERIFY(detail->toPlainText().isEmpty());
    messageTable->setCurrentIndex(page.messageModel()->index(3, 0));
    const QString text = detail->toPlainText();
    QVERIFY2(text.startsWith(QStringLiteral("Role: assistant\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Tokens: none input, 9 output\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("\n\nSecond part done\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Tool calls: ") + QString::fromUtf8(compact(ToolCalls))), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Content SHA-256: ") + sha256Hex(QStringLiteral("Second part done"))),
             qPrintable(text));
}

// A message stored at the metadata logging level shows the hash of its content.
void tst_ConversationsPage::pageShowsHashOfMetadataLevelMessage()
{
    const auto client = newClient(KeyA);
    ConversationsPage page(*client);
    QVERIFY(loadAll(page));
    QVERIFY(select(page, m_plainId));

    MessageTableModel *messages = page.messageModel();
    QAbstractItemModelTester tester(messages, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QStringList roles{"system", "user", "assistant", "user"};
    QCOMPARE(messages->rowCount(), roles.size());
    for (int row = 0; row < roles.size(); ++row)
        QCOMPARE(messages->index(row, MessageTableModel::RoleColumn).data().toString(), roles.at(row));
    QCOMPARE(messages->index(0, MessageTableModel::ContentColumn).data().toString(), QStringLiteral("You are terse"));
    QCOMPARE(messages->index(2, MessageTableModel::ContentColumn).data().toString(), QStringLiteral("Hello"));

    const QString hash = sha256Hex(SecretQuestion);
    QCOMPARE(messages->messageJson(3).value(QStringLiteral("content")), QJsonValue(QJsonValue::Null));
    QCOMPARE(messages->index(3, MessageTableModel::ContentColumn).data().toString(),
             QStringLiteral("Content not stored (SHA-256 %1)").arg(hash));
    QCOMPARE(messages->index(3, MessageTableModel::InputTokensColumn).data().toString(), QStringLiteral("4"));

    page.findChild<QTableView *>(QStringLiteral("messageTable"))->setCurrentIndex(messages->index(3, 0));
    const QString text = page.findChild<QPlainTextEdit *>(QStringLiteral("messageDetail"))->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("\n\nContent not stored (SHA-256 %1)").arg(hash)), qPrintable(text));
    QVERIFY(!text.contains(SecretQuestion));
}

// After the retention cleanup removed a message, the note counts the messages left.
void tst_ConversationsPage::pageNotesMessagesRemovedByRetention()
{
    const QString id = logCall(KeyRetention, QJsonObject{
        {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "old question"}},
                                QJsonObject{{"role", "user"}, {"content", "new question"}}}},
        {"response", QJsonObject{{"content", "answer"}, {"model", "gpt-4o"}}},
        {"metadata", QJsonObject{{"provider", "openai"}, {"model", "gpt-4o"}, {"cost", 0.001},
                                 {"input_tokens", 2}, {"output_tokens", 1}}},
    });
    QVERIFY(!id.isEmpty());
    m_database->exec(QStringLiteral("UPDATE {{schema}}.messages SET created_at = now() - interval '40 days'"
                                    " WHERE conversation_id = CAST(:id AS uuid) AND content = 'old question'"),
                     {{QStringLiteral("id"), id}});
    const HttpResponse cleanup = m_http->send("DELETE", QStringLiteral("/conversations/old-messages?retention_days=30"),
                                              QByteArray(), apiKey(KeyRetention));
    QCOMPARE(cleanup.status, 200);
    QCOMPARE(cleanup.json().toObject().value(QStringLiteral("deleted_count")).toInt(), 1);

    const auto client = newClient(KeyRetention);
    ConversationsPage page(*client);
    QVERIFY(loadAll(page));
    QVERIFY(select(page, id));
    QCOMPARE(page.messageModel()->messageCount(), 3);
    QCOMPARE(page.messageModel()->rowCount(), 2);
    QCOMPARE(page.messageModel()->index(0, MessageTableModel::ContentColumn).data().toString(),
             QStringLiteral("new question"));
    auto *note = page.findChild<QLabel *>(QStringLiteral("messagesNote"));
    QVERIFY(!note->isHidden());
    QVERIFY2(note->text().startsWith(QStringLiteral("2 of 3 messages are still stored;")), qPrintable(note->text()));
}

// A project without conversations reads as such, not as an error.
void tst_ConversationsPage::pageShowsEmptyProject()
{
    const auto client = newClient(KeyEmpty);
    ConversationsPage page(*client);
    QSignalSpy errors(&page, &ConsolePage::errorOccurred);
    QVERIFY(loadAll(page));
    QCOMPARE(page.conversationModel()->rowCount(), 0);
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("statusLabel"))->text(),
             QStringLiteral("No conversations in this project yet."));
    QCOMPARE(errors.size(), 0);
}

// Project B's page lists its own two conversations and none of project A's.
void tst_ConversationsPage::pageNeverShowsOtherProjects()
{
    const auto client = newClient(KeyB);
    ConversationsPage page(*client);
    QVERIFY(loadAll(page));
    ConversationTableModel *model = page.conversationModel();
    QCOMPARE(model->rowCount(), m_idsB.size());
    // Both were logged in this order without changes since, so the later one is first.
    QCOMPARE(model->conversationId(0), m_idsB.at(1));
    QCOMPARE(model->conversationId(1), m_idsB.at(0));
    for (const ExpectedConversation &conversation : std::as_const(m_expectedA))
        QCOMPARE(model->rowOf(conversation.id), -1);
}

// refresh() keeps the selected conversation selected where it moved to, and shows its
// new messages.
void tst_ConversationsPage::pageRefreshKeepsSelection()
{
    const QString first = createConversation(KeyRefresh, QJsonObject{{"title", "first"}});
    const QString second = createConversation(KeyRefresh, QJsonObject{{"title", "second"}});
    QVERIFY(!first.isEmpty());
    QVERIFY(!second.isEmpty());
    setUpdatedAt(first, TimeOrigin);
    setUpdatedAt(second, TimeOrigin.addSecs(60));

    const auto client = newClient(KeyRefresh);
    ConversationsPage page(*client);
    QVERIFY(loadAll(page));
    QCOMPARE(page.conversationModel()->conversationId(1), first);
    QVERIFY(select(page, first));
    QCOMPARE(page.messageModel()->rowCount(), 0);

    // A new message moves "first" to the top.
    QCOMPARE(postBatch(KeyRefresh, first,
                       QJsonObject{{"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "later"}}}}})
                 .size(),
             1);
    page.refresh();
    auto *table = page.findChild<QTableView *>(QStringLiteral("conversationTable"));
    QTRY_COMPARE_WITH_TIMEOUT(table->currentIndex().row(), 0, TimeoutMs);
    QCOMPARE(page.conversationModel()->conversationId(0), first);
    QCOMPARE(page.selectedConversationId(), first);
    QTRY_COMPARE_WITH_TIMEOUT(page.messageModel()->rowCount(), 1, TimeoutMs);
    QCOMPARE(page.messageModel()->index(0, MessageTableModel::ContentColumn).data().toString(),
             QStringLiteral("later"));
    QCOMPARE(page.messageModel()->messageCount(), 1);
}

// refresh() after the selected conversation was deleted clears the detail view.
void tst_ConversationsPage::pageRefreshDropsDeletedSelection()
{
    const QString doomed = createConversation(KeyRefresh, QJsonObject{{"title", "doomed"}});
    QVERIFY(!doomed.isEmpty());
    const auto client = newClient(KeyRefresh);
    ConversationsPage page(*client);
    QVERIFY(loadAll(page));
    const int rowsBefore = page.conversationModel()->rowCount();
    QVERIFY(select(page, doomed));

    const HttpResponse deleted =
        m_http->send("DELETE", QStringLiteral("/conversations/%1").arg(doomed), QByteArray(), apiKey(KeyRefresh));
    QCOMPARE(deleted.status, 200);
    QVERIFY(loadAll(page));
    QCOMPARE(page.conversationModel()->rowCount(), rowsBefore - 1);
    QCOMPARE(page.conversationModel()->rowOf(doomed), -1);
    QVERIFY(page.selectedConversationId().isEmpty());
    QCOMPARE(page.messageModel()->rowCount(), 0);
    QVERIFY(!page.findChild<QTableView *>(QStringLiteral("conversationTable"))->currentIndex().isValid());
}

// reload() drops the selection and the messages shown, then lists the conversations.
void tst_ConversationsPage::pageReloadClearsSelection()
{
    const auto client = newClient(KeyA);
    ConversationsPage page(*client);
    QVERIFY(loadAll(page));
    QVERIFY(select(page, m_summarizerId));

    page.reload();
    QVERIFY(page.selectedConversationId().isEmpty());
    QCOMPARE(page.messageModel()->rowCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), TimeoutMs);
    QVERIFY(page.conversationModel()->reachedEnd());
    QCOMPARE(page.conversationModel()->rowCount(), m_expectedA.size());
    QVERIFY(page.selectedConversationId().isEmpty());
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("summary"))->text(),
             QStringLiteral("Select a conversation to see its messages."));
}

// With the service gone the page reports the error and stops being busy. Once the
// service is back, a refresh lists the conversations again and clears the error.
void tst_ConversationsPage::stoppedServiceReportsErrorAndRecovers()
{
    const auto client = newClient(KeyA);
    ConversationsPage page(*client);
    QSignalSpy errors(&page, &ConsolePage::errorOccurred);
    QSignalSpy loaded(&page, &ConsolePage::loaded);
    const quint16 port = m_service.port();
    m_service.stop();

    page.refresh();
    QVERIFY(page.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, TimeoutMs);
    QVERIFY2(errors.first().at(0).toString().startsWith(QStringLiteral("Cannot reach ")),
             qPrintable(errors.first().at(0).toString()));
    QCOMPARE(page.lastError(), errors.first().at(0).toString());
    QVERIFY(!page.isBusy());
    QCOMPARE(page.conversationModel()->rowCount(), 0);
    QVERIFY(!page.conversationModel()->canFetchMore({}));
    QCOMPARE(loaded.size(), 0);

    Settings settings = m_settings;
    settings.port = port;
    QString error;
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));
    page.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, TimeoutMs);
    QCOMPARE(errors.size(), 1);
    QVERIFY(page.lastError().isEmpty());
    QCOMPARE(page.conversationModel()->rowCount(), m_expectedA.size());
}

QTEST_MAIN(tst_ConversationsPage)
#include "tst_conversationspage.moc"
