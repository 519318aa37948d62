// SPDX-License-Identifier: MIT
// The Receipts page against the real service: the receipt table and its lazy paging,
// local verification of stored receipts and receipt files (valid, changed, signed by
// another key, malformed), key files, and a server that stopped.

#include "httpclient.h"
#include "testdatabase.h"
#include "testservice.h"

#include "api/apiclient.h"
#include "json/canonicaljson.h"
#include "receipts/keyset.h"
#include "receipts/receiptinspection.h"
#include "receipts/receiptkeys.h"
#include "receipts/receiptspage.h"
#include "receipts/receipttablemodel.h"
#include "receipts/signingkey.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

namespace {

const QByteArray Project = "receiptspage";
constexpr int IssuedCount = 5;
constexpr int TimeoutMs = 15000;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// An unsigned receipt for POST /api/v1/receipts/issue; `day` makes its id, timestamp and
// output tokens distinct, so the newest-first order is known.
QJsonObject issueRequest(int day, const QString &model)
{
    return QJsonObject{
        {"id", QStringLiteral("rcpt_page_%1").arg(day)},
        {"timestamp", QStringLiteral("2025-08-%1T12:00:00Z").arg(day, 2, 10, QLatin1Char('0'))},
        {"model", model},
        {"alias", "summarizer"},
        {"lock_digest", "sha256:3f1c"},
        {"tokens", QJsonObject{{"input", 1000 + day}, {"output", 300 + day}, {"cached_input", day}}},
        {"cost", QJsonObject{{"amount", 0.001 * day}, {"calculation", "fixed by the test"}}},
    };
}

// A complete receipt signed with `key` under the key's default id, as another
// service would issue it.
QJsonObject receiptSignedBy(const receipts::SigningKey &key, const QString &id)
{
    QJsonObject members{
        {"id", id},
        {"timestamp", "2025-09-01T08:30:00Z"},
        {"model", "anthropic:claude-3-5-sonnet"},
        {"alias", "writer"},
        {"profile", "default"},
        {"lock_digest", "sha256:9a9a"},
        {"key_id", key.publicKey().keyId()},
        {"tokens", QJsonObject{{"input", 10}, {"output", 20}, {"cached_input", 0}}},
        {"cost", QJsonObject{{"amount", 0.0003}, {"calculation", "10*3/1e6 + 20*15/1e6"}}},
    };
    const QByteArray signature = key.sign(json::canonicalize(QJsonValue(members)));
    members.insert("signature", QStringLiteral("ed25519:") + QString::fromLatin1(signature.toBase64(
                                    QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
    return members;
}

QStringList differencePaths(const QListWidget *list)
{
    QStringList paths;
    for (int i = 0; i < list->count(); ++i)
        paths.append(list->item(i)->data(Qt::UserRole).toString());
    return paths;
}

} // namespace

class tst_ReceiptsPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void keySetReadsKeyFiles_data();
    void keySetReadsKeyFiles();
    void keySetRejectsBadFiles_data();
    void keySetRejectsBadFiles();
    void inspectionListsMembers();
    void compareMembersNamesChanges();

    void tableLoadsPagesLazily();
    void tableModelPassesTester();
    void tableFiltersByModel();
    void selectedRowIsValid();
    void changedFileIsInvalid();
    void otherKeyNeedsKeyFile();
    void malformedFiles_data();
    void malformedFiles();
    void unreadableKeyFileReported();

    // Stops the service, so it runs last.
    void stoppedServerReportsError();

private:
    std::unique_ptr<ReceiptsPage> makePage();
    QString writeFile(const QString &name, const QByteArray &contents);
    static QLabel *badge(const ReceiptsPage &page);
    static QListWidget *differences(const ReceiptsPage &page);

    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    std::unique_ptr<HttpClient> m_http;
    api::ApiClient m_client;
    QTemporaryDir m_files;
    std::optional<receipts::SigningKey> m_otherKey;
    // The receipts issued by initTestCase, oldest first, as the service returned them.
    QList<QByteArray> m_issued;
};

void tst_ReceiptsPage::initTestCase()
{
    QVERIFY(m_files.isValid());
    m_database = std::make_unique<TestDatabase>(QStringLiteral("receiptspage"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));

    const auto serverKey = receipts::SigningKey::generate();
    QVERIFY(serverKey);
    QProcessEnvironment environment;
    environment.insert("LLMRING_RECEIPTS_PRIVATE_KEY_B64", QString::fromLatin1(serverKey->seed().toBase64()));
    Settings settings = m_database->settings();
    QString error;
    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, &error);
    QVERIFY2(settings.receiptKeys, qPrintable(error));
    QVERIFY2(m_service.start(settings, &error), qPrintable(error));

    m_http = std::make_unique<HttpClient>(m_service.baseUrl());
    for (int day = 1; day <= IssuedCount; ++day) {
        const QString model = day <= 2 ? QStringLiteral("openai:gpt-4o-mini") : QStringLiteral("openai:gpt-4o");
        const HttpResponse issued =
            m_http->post(QStringLiteral("/api/v1/receipts/issue"), compact(issueRequest(day, model)), apiKey(Project));
        QCOMPARE(issued.status, 201);
        m_issued.append(issued.body);
    }

    m_otherKey = receipts::SigningKey::generate();
    QVERIFY(m_otherKey);
    m_client.setServer(m_service.baseUrl());
    m_client.setApiKey(QString::fromLatin1(Project));
    m_client.setTimeout(std::chrono::milliseconds(TimeoutMs / 2));
}

void tst_ReceiptsPage::cleanupTestCase()
{
    m_http.reset();
    m_service.stop();
    m_database.reset();
}

std::unique_ptr<ReceiptsPage> tst_ReceiptsPage::makePage()
{
    return std::make_unique<ReceiptsPage>(m_client);
}

QString tst_ReceiptsPage::writeFile(const QString &name, const QByteArray &contents)
{
    const QString path = m_files.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size())
        qFatal("cannot write the test file %s", qPrintable(path));
    return path;
}

QLabel *tst_ReceiptsPage::badge(const ReceiptsPage &page)
{
    return page.findChild<QLabel *>(QStringLiteral("verificationBadge"));
}

QListWidget *tst_ReceiptsPage::differences(const ReceiptsPage &page)
{
    return page.findChild<QListWidget *>(QStringLiteral("differences"));
}

void tst_ReceiptsPage::keySetReadsKeyFiles_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("expectedKeyId");

    const receipts::VerifyingKey key = m_otherKey->publicKey();
    const QByteArray bytes = key.bytes();
    QTest::newRow("base64") << bytes.toBase64() + '\n' << key.keyId();
    QTest::newRow("base64url-unpadded")
        << bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) << key.keyId();
    QTest::newRow("pem") << key.toPem() << key.keyId();
    QTest::newRow("jwk") << compact(key.toJwk(QStringLiteral("k_named"), QStringLiteral("active")))
                         << QStringLiteral("k_named");
    QTest::newRow("jwks")
        << compact(QJsonObject{{"keys", QJsonArray{QJsonObject{{"kty", "RSA"}, {"kid", "k_rsa"}},
                                                   key.toJwk(QStringLiteral("k_set"), QStringLiteral("rotated"))}},
                               {"current_key_id", "k_set"}})
        << QStringLiteral("k_set");
}

void tst_ReceiptsPage::keySetReadsKeyFiles()
{
    QFETCH(QByteArray, contents);
    QFETCH(QString, expectedKeyId);

    QString error;
    const auto keys = receipts::KeySet::fromKeyFile(contents, &error);

    QVERIFY2(keys, qPrintable(error));
    QCOMPARE(keys->keyIds(), QStringList{expectedKeyId});
    QVERIFY(keys->keyFor(expectedKeyId));
    QCOMPARE(*keys->keyFor(expectedKeyId), m_otherKey->publicKey());
    QCOMPARE(keys->keyFor(QStringLiteral("k_other")), nullptr);
}

void tst_ReceiptsPage::keySetRejectsBadFiles_data()
{
    QTest::addColumn<QByteArray>("contents");

    QTest::newRow("short key") << QByteArray("AAAA");
    QTest::newRow("not base64") << QByteArray("not a key at all");
    QTest::newRow("private pem") << QByteArray("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    QTest::newRow("pem of another algorithm")
        << QByteArray("-----BEGIN PUBLIC KEY-----\n" + QByteArray(44, 'A').toBase64() + "\n-----END PUBLIC KEY-----\n");
    QTest::newRow("json without keys") << QByteArray(R"({"current_key_id": null})");
    QTest::newRow("jwk without kid") << QByteArray(R"({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]})");
    QTest::newRow("invalid json") << QByteArray(R"({"keys": [)");
}

void tst_ReceiptsPage::keySetRejectsBadFiles()
{
    QFETCH(QByteArray, contents);

    QString error;
    const auto keys = receipts::KeySet::fromKeyFile(contents, &error);

    QVERIFY(!keys);
    QVERIFY(!error.isEmpty());
}

void tst_ReceiptsPage::inspectionListsMembers()
{
    const QByteArray text = m_issued.first();
    const QJsonObject receipt = QJsonDocument::fromJson(text).object();

    const ReceiptInspection inspection = inspectReceipt(text, nullptr);

    QVERIFY(inspection.isObject);
    QCOMPARE(inspection.verdict, std::nullopt);
    QCOMPARE(inspection.receiptId, QStringLiteral("rcpt_page_1"));
    QCOMPARE(inspection.canonicalForm, json::canonicalizeWithout(receipt, u"signature"));
    QStringList paths;
    for (const ReceiptMember &member : inspection.members)
        paths.append(member.path);
    const QStringList expected{"alias",         "cost.amount", "cost.calculation", "id",
                               "key_id",        "lock_digest", "model",            "profile",
                               "signature",     "timestamp",   "tokens.cached_input", "tokens.input",
                               "tokens.output"};
    QCOMPARE(paths, expected);
    QCOMPARE(inspection.members.last().value, QJsonValue(301));
}

void tst_ReceiptsPage::compareMembersNamesChanges()
{
    const QJsonObject stored{{"id", "r"},
                             {"tokens", QJsonObject{{"input", 1}, {"output", 2}}},
                             {"tags", QJsonArray{"a", "b"}},
                             {"gone", true}};
    const QJsonObject file{{"id", "r"},
                           {"tokens", QJsonObject{{"input", 1.0}, {"output", 3}}},
                           {"tags", QJsonArray{"a", "c"}},
                           {"extra", QJsonObject{}}};

    const QList<MemberDifference> differences = compareMembers(file, stored);

    QCOMPARE(differences.size(), 4);
    QCOMPARE(differences.at(0).path, QStringLiteral("extra"));
    QCOMPARE(differences.at(0).kind, MemberDifference::Kind::Added);
    QCOMPARE(differences.at(1).path, QStringLiteral("gone"));
    QCOMPARE(differences.at(1).kind, MemberDifference::Kind::Removed);
    QCOMPARE(differences.at(2).path, QStringLiteral("tags[1]"));
    QCOMPARE(differences.at(2).kind, MemberDifference::Kind::Changed);
    QCOMPARE(differences.at(2).fileValue, QJsonValue("c"));
    QCOMPARE(differences.at(2).storedValue, QJsonValue("b"));
    QCOMPARE(differences.at(3).path, QStringLiteral("tokens.output"));
    QCOMPARE(differences.at(3).kind, MemberDifference::Kind::Changed);
}

void tst_ReceiptsPage::tableLoadsPagesLazily()
{
    const auto page = makePage();
    ReceiptTableModel *model = page->receiptModel();
    model->setPageSize(2);

    page->refresh();

    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, TimeoutMs);
    QCOMPARE(model->total(), IssuedCount);
    QVERIFY(model->canFetchMore({}));
    QCOMPARE(model->receiptId(0), QStringLiteral("rcpt_page_5"));
    QCOMPARE(model->receiptId(1), QStringLiteral("rcpt_page_4"));

    model->fetchMore({});
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), TimeoutMs);
    model->fetchMore({});
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), IssuedCount, TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), TimeoutMs);

    QVERIFY(!model->canFetchMore({}));
    QVERIFY(!page->isBusy());
    QCOMPARE(page->lastError(), QString());
    for (int row = 0; row < IssuedCount; ++row)
        QCOMPARE(model->receiptId(row), QStringLiteral("rcpt_page_%1").arg(IssuedCount - row));
    // The oldest receipt, day 1, is the last row.
    const int last = IssuedCount - 1;
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::TimestampColumn)).toString(),
             QStringLiteral("2025-08-01T12:00:00Z"));
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::ModelColumn)).toString(),
             QStringLiteral("openai:gpt-4o-mini"));
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::AliasColumn)).toString(), QStringLiteral("summarizer"));
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::ProfileColumn)).toString(), QStringLiteral("default"));
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::InputTokensColumn)).toLongLong(), 1001);
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::OutputTokensColumn)).toLongLong(), 301);
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::CachedInputTokensColumn)).toLongLong(), 1);
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::CostColumn)).toString(), QStringLiteral("$0.001"));
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::CostColumn), Qt::ToolTipRole).toString(),
             QStringLiteral("0.001"));
    QCOMPARE(model->data(model->index(last, ReceiptTableModel::KeyIdColumn)).toString(),
             QJsonDocument::fromJson(m_issued.first()).object().value("key_id").toString());
}

void tst_ReceiptsPage::tableModelPassesTester()
{
    const auto page = makePage();
    ReceiptTableModel *model = page->receiptModel();
    // The tester calls fetchMore() itself after every change, so it pages to the end.
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model->setPageSize(2);

    page->refresh();

    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), IssuedCount, TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), TimeoutMs);
    QCOMPARE(model->columnCount(), int(ReceiptTableModel::ColumnCount));
    QCOMPARE(model->headerData(ReceiptTableModel::CostColumn, Qt::Horizontal).toString(), QStringLiteral("Cost"));

    page->refresh();

    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), IssuedCount, TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), TimeoutMs);
}

void tst_ReceiptsPage::tableFiltersByModel()
{
    const auto page = makePage();
    ReceiptTableModel *model = page->receiptModel();
    page->findChild<QLineEdit *>(QStringLiteral("modelFilter"))->setText(QStringLiteral("openai:gpt-4o-mini"));

    page->refresh();

    QTRY_COMPARE_WITH_TIMEOUT(model->total(), 2, TimeoutMs);
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->receiptId(0), QStringLiteral("rcpt_page_2"));
    QCOMPARE(model->receiptId(1), QStringLiteral("rcpt_page_1"));
}

void tst_ReceiptsPage::selectedRowIsValid()
{
    const auto page = makePage();
    ReceiptTableModel *model = page->receiptModel();
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), IssuedCount, TimeoutMs);
    auto *table = page->findChild<QTableView *>(QStringLiteral("receiptTable"));

    table->selectionModel()->setCurrentIndex(model->index(2, 0),
                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);

    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Valid")), TimeoutMs);
    const QJsonObject receipt = QJsonDocument::fromJson(m_issued.at(2)).object();
    QCOMPARE(receipt.value("id").toString(), QStringLiteral("rcpt_page_3"));
    QCOMPARE(badge(*page)->text(), QStringLiteral("Valid: signed by key %1").arg(receipt.value("key_id").toString()));
    QCOMPARE(page->findChild<QPlainTextEdit *>(QStringLiteral("canonicalForm"))->toPlainText(),
             QString::fromUtf8(json::canonicalizeWithout(receipt, u"signature")));
    QCOMPARE(page->findChild<QTreeWidget *>(QStringLiteral("members"))->topLevelItemCount(), 13);
    QCOMPARE(page->findChild<QLabel *>(QStringLiteral("comparisonStatus"))->text(),
             QStringLiteral("This is the copy stored on this server."));
    QCOMPARE(differences(*page)->count(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
    QCOMPARE(page->lastError(), QString());
}

void tst_ReceiptsPage::changedFileIsInvalid()
{
    QJsonObject receipt = QJsonDocument::fromJson(m_issued.at(3)).object();
    QJsonObject tokens = receipt.value("tokens").toObject();
    tokens.insert("output", 9999);
    receipt.insert("tokens", tokens);
    QJsonObject cost = receipt.value("cost").toObject();
    cost.insert("amount", 0.5);
    receipt.insert("cost", cost);
    const QString path = writeFile(QStringLiteral("changed.json"), QJsonDocument(receipt).toJson());
    const auto page = makePage();

    page->openReceiptFile(path);

    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Invalid")), TimeoutMs);
    QVERIFY2(badge(*page)->text().contains(QLatin1String("bad signature")), qPrintable(badge(*page)->text()));
    QTRY_COMPARE_WITH_TIMEOUT(differencePaths(differences(*page)),
                              QStringList({QStringLiteral("cost.amount"), QStringLiteral("tokens.output")}), TimeoutMs);
    QCOMPARE(differences(*page)->item(1)->text(), QStringLiteral("tokens.output: changed to 9999 (stored: 304)"));
    QCOMPARE(page->findChild<QPlainTextEdit *>(QStringLiteral("canonicalForm"))->toPlainText(),
             QString::fromUtf8(json::canonicalizeWithout(receipt, u"signature")));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
    QCOMPARE(page->lastError(), QString());
}

void tst_ReceiptsPage::otherKeyNeedsKeyFile()
{
    const QJsonObject receipt = receiptSignedBy(*m_otherKey, QStringLiteral("rcpt_elsewhere"));
    const QString receiptPath = writeFile(QStringLiteral("other.json"), QJsonDocument(receipt).toJson());
    const QString keyPath = writeFile(QStringLiteral("other.pub"), m_otherKey->publicKey().bytes().toBase64());
    const QString pemPath = writeFile(QStringLiteral("other.pem"), m_otherKey->publicKey().toPem());
    const QString keyId = m_otherKey->publicKey().keyId();
    const auto page = makePage();
    auto *comparisonStatus = page->findChild<QLabel *>(QStringLiteral("comparisonStatus"));

    page->openReceiptFile(receiptPath);

    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Unknown key")), TimeoutMs);
    QCOMPARE(badge(*page)->text(),
             QStringLiteral("Unknown key: unknown key_id %1 is not among the keys verified against").arg(keyId));
    QTRY_COMPARE_WITH_TIMEOUT(comparisonStatus->text(),
                              QStringLiteral("Receipt rcpt_elsewhere is not stored on this server."), TimeoutMs);

    QVERIFY(page->setKeyFile(keyPath));
    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Valid")), TimeoutMs);
    QCOMPARE(badge(*page)->text(), QStringLiteral("Valid: signed by key %1").arg(keyId));
    QTRY_COMPARE_WITH_TIMEOUT(comparisonStatus->text(),
                              QStringLiteral("Receipt rcpt_elsewhere is not stored on this server."), TimeoutMs);

    // A page shares a 1280 by 800 screen with the window's page list and toolbar, so it
    // asks for at most 1000 by 700 pixels.
    QVERIFY2(page->minimumSizeHint().width() <= 1000, qPrintable(QString::number(page->minimumSizeHint().width())));
    QVERIFY2(page->minimumSizeHint().height() <= 700, qPrintable(QString::number(page->minimumSizeHint().height())));

    page->useServerKeys();
    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Unknown key")), TimeoutMs);

    QVERIFY(page->setKeyFile(pemPath));
    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Valid")), TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
    QCOMPARE(page->lastError(), QString());
}

void tst_ReceiptsPage::malformedFiles_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("expectedBadgeStart");

    QTest::newRow("not json") << QByteArray("this is not JSON")
                              << QStringLiteral("Malformed: malformed receipt (unexpected character 'h' at byte 1)");

    QByteArray duplicate = m_issued.first();
    QVERIFY(duplicate.contains("\"alias\":\"summarizer\""));
    duplicate.replace("\"alias\":\"summarizer\"", "\"alias\":\"summarizer\",\"alias\":\"other\"");
    QTest::newRow("duplicate member") << duplicate
                                      << QStringLiteral("Malformed: malformed receipt (duplicate member name \"alias\"");

    QJsonObject missing = QJsonDocument::fromJson(m_issued.first()).object();
    missing.remove("model");
    QTest::newRow("missing member") << compact(missing)
                                    << QStringLiteral("Malformed: malformed receipt (model: field required)");

    QJsonObject badSignature = QJsonDocument::fromJson(m_issued.first()).object();
    badSignature.insert("signature", "rsa:AAAA");
    QTest::newRow("signature without prefix") << compact(badSignature)
                                              << QStringLiteral("Malformed: malformed signature (");
}

void tst_ReceiptsPage::malformedFiles()
{
    QFETCH(QByteArray, contents);
    QFETCH(QString, expectedBadgeStart);
    const QString path = writeFile(QStringLiteral("malformed.json"), contents);
    const auto page = makePage();

    page->openReceiptFile(path);

    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Malformed")), TimeoutMs);
    QVERIFY2(badge(*page)->text().startsWith(expectedBadgeStart), qPrintable(badge(*page)->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
}

void tst_ReceiptsPage::unreadableKeyFileReported()
{
    const QString notAKey = writeFile(QStringLiteral("not-a-key.txt"), "hello");
    const auto page = makePage();

    QVERIFY(!page->setKeyFile(m_files.filePath(QStringLiteral("missing.pub"))));
    QVERIFY2(page->lastError().startsWith(QLatin1String("Cannot read")), qPrintable(page->lastError()));
    QVERIFY(!page->setKeyFile(notAKey));
    QVERIFY2(page->lastError().contains(QLatin1String("is not a valid key file")), qPrintable(page->lastError()));
}

void tst_ReceiptsPage::stoppedServerReportsError()
{
    const QString path = writeFile(QStringLiteral("valid.json"), m_issued.first());
    m_service.stop();
    const auto page = makePage();

    page->refresh();

    QTRY_VERIFY_WITH_TIMEOUT(!page->lastError().isEmpty(), TimeoutMs);
    QVERIFY2(page->lastError().startsWith(QLatin1String("Cannot reach")), qPrintable(page->lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
    QCOMPARE(page->receiptModel()->rowCount(), 0);
    QVERIFY(!page->receiptModel()->canFetchMore({}));

    page->openReceiptFile(path);

    QTRY_VERIFY_WITH_TIMEOUT(badge(*page)->text().startsWith(QLatin1String("Not verified")), TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), TimeoutMs);
    QVERIFY2(page->lastError().contains(QLatin1String("Cannot reach")), qPrintable(page->lastError()));
}

QTEST_MAIN(tst_ReceiptsPage)
#include "tst_receiptspage.moc"
