// SPDX-License-Identifier: MIT
// Receipts against an independent implementation: the canonicalize package from npm
// (RFC 8785) and Node's built-in Ed25519. Receipts signed by llmring-server verify in
// Node, receipts signed in Node verify with llmring-server, and both canonicalize the
// same documents to the same bytes.

#include "httpclient.h"
#include "serverprocess.h"
#include "testdatabase.h"
#include "testservice.h"

#include "receipts/receiptkeys.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

class tst_CrossCheck final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void serverSignedReceiptVerifiesInNode();
    void issuedReceiptVerifiesEverywhere();
    void nodeSignedReceiptVerifiesInServer();
    void canonicalFormsMatch_data();
    void canonicalFormsMatch();

private:
    ProcessResult runServer(const QStringList &arguments, const QList<QPair<QString, QString>> &variables = {});
    ProcessResult runNode(const QStringList &arguments);
    QString writeFile(const QString &name, const QByteArray &contents);

    QString m_node;
    QString m_script;
    QTemporaryDir m_folder;
};

void tst_CrossCheck::initTestCase()
{
    m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (m_node.isEmpty())
        QSKIP("Node.js is not installed, so the cross-implementation check cannot run; install the nodejs package");
    const QString folder = qEnvironmentVariable("LLMRING_CROSSCHECK_DIR");
    QVERIFY2(!folder.isEmpty(), "LLMRING_CROSSCHECK_DIR is not set; run the suite through ctest");
    QVERIFY2(QDir(folder).exists(QStringLiteral("node_modules/canonicalize")),
             qPrintable(QStringLiteral("the canonicalize package is missing from %1; scripts/test installs it, "
                                       "or run npm install there")
                            .arg(folder)));
    m_script = QDir(folder).filePath(QStringLiteral("crosscheck.mjs"));
    QVERIFY(m_folder.isValid());
}

ProcessResult tst_CrossCheck::runServer(const QStringList &arguments, const QList<QPair<QString, QString>> &variables)
{
    QProcess process;
    process.setProcessEnvironment(serverEnvironment(variables));
    process.start(qEnvironmentVariable("LLMRING_SERVER_BINARY"), arguments);
    process.closeWriteChannel();
    return finishProcess(process, 30'000);
}

ProcessResult tst_CrossCheck::runNode(const QStringList &arguments)
{
    QProcess process;
    process.start(m_node, QStringList{m_script} + arguments);
    process.closeWriteChannel();
    return finishProcess(process, 30'000);
}

QString tst_CrossCheck::writeFile(const QString &name, const QByteArray &contents)
{
    const QString path = m_folder.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(contents);
    return path;
}

void tst_CrossCheck::serverSignedReceiptVerifiesInNode()
{
    const ProcessResult keygen = runServer({QStringLiteral("keygen")});
    QList<QPair<QString, QString>> keys;
    for (const QString &line : keygen.standardOutput.split(u'\n', Qt::SkipEmptyParts))
        keys.append({line.section(u'=', 0, 0), line.section(u'=', 1)});
    QCOMPARE(keys.size(), 3);
    const QString unsignedFile = writeFile(
        QStringLiteral("unsigned.json"),
        R"({"model":"openai:gpt-4o","alias":"r\u00e9sum\u00e9","lock_digest":"sha256:3f1c","tokens":{"input":1200,"output":350},
            "cost":{"amount":0.00625,"calculation":"1000*2.5/1e6"},"extension":{"\ud83d\ude00":[1e21,1e-7,-0.0,333333333.33333329],"\ufb33":"/\u000f"}})");

    const ProcessResult signing = runServer({QStringLiteral("receipt"), QStringLiteral("sign"), unsignedFile}, keys);
    const QString signedFile = writeFile(QStringLiteral("signed.json"), signing.standardOutput.toUtf8());
    const ProcessResult verification = runNode({QStringLiteral("verify"), signedFile, keys.at(1).second});
    QByteArray tampered = signing.standardOutput.toUtf8();
    tampered.replace("\"input\":1200", "\"input\":1201");
    const ProcessResult tamperedVerification =
        runNode({QStringLiteral("verify"), writeFile(QStringLiteral("tampered.json"), tampered), keys.at(1).second});

    QCOMPARE(signing.exitCode, 0);
    QCOMPARE(verification.standardOutput.trimmed(), QStringLiteral("valid"));
    QCOMPARE(verification.exitCode, 0);
    QCOMPARE(tamperedVerification.standardOutput.trimmed(), QStringLiteral("invalid"));
}

// A receipt issued over HTTP, fetched back, verifies with the command line against the
// service's published keys and with Node against the public key.
void tst_CrossCheck::issuedReceiptVerifiesEverywhere()
{
    const ProcessResult keygen = runServer({QStringLiteral("keygen")});
    QProcessEnvironment keyEnvironment;
    for (const QString &line : keygen.standardOutput.split(u'\n', Qt::SkipEmptyParts))
        keyEnvironment.insert(line.section(u'=', 0, 0), line.section(u'=', 1));
    TestDatabase database(QStringLiteral("crosscheck"));
    QVERIFY2(database.isConfigured(), qPrintable(database.error()));
    Settings settings = database.settings();
    QString error;
    settings.receiptKeys = llmring::ReceiptKeys::fromEnvironment(keyEnvironment, &error);
    QVERIFY2(settings.receiptKeys, qPrintable(error));
    TestService service;
    QVERIFY2(service.start(settings, &error), qPrintable(error));
    HttpClient client(service.baseUrl());

    const HttpResponse issued = client.post(
        QStringLiteral("/api/v1/receipts/issue"),
        R"({"model":"openai:gpt-4o","alias":"summarizer","lock_digest":"sha256:3f1c","tokens":{"input":7,"output":9},
            "cost":{"amount":1e-7,"calculation":"tiny"},"extra":{"z":[0.1,1e21]}})",
        apiKey("crosscheck-project"));
    const QString receiptId = issued.json().toObject().value(QStringLiteral("id")).toString();
    const HttpResponse fetched = client.get(QStringLiteral("/api/v1/receipts/") + receiptId, apiKey("crosscheck-project"));
    const QString file = writeFile(QStringLiteral("issued.json"), fetched.body);
    const ProcessResult cli = runServer({QStringLiteral("receipt"), QStringLiteral("verify"), file,
                                         QStringLiteral("--server"), service.baseUrl().toString()});
    const ProcessResult node =
        runNode({QStringLiteral("verify"), file, keyEnvironment.value(QStringLiteral("LLMRING_RECEIPTS_PUBLIC_KEY_B64"))});

    QCOMPARE(issued.status, 201);
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.body, issued.body);
    QCOMPARE(cli.exitCode, 0);
    QCOMPARE(cli.standardOutput.trimmed(),
             QStringLiteral("valid: receipt %1 is signed by key %2")
                 .arg(receiptId, keyEnvironment.value(QStringLiteral("LLMRING_RECEIPTS_KEY_ID"))));
    QCOMPARE(node.standardOutput.trimmed(), QStringLiteral("valid"));
}

void tst_CrossCheck::nodeSignedReceiptVerifiesInServer()
{
    const QString unsignedFile = writeFile(
        QStringLiteral("node-unsigned.json"),
        R"({"id":"rcpt_node","timestamp":"2025-08-26T12:00:00+02:00","model":"anthropic:claude","alias":"a",
            "profile":"default","lock_digest":"sha256:1","tokens":{"input":1,"output":2,"cached_input":0},
            "cost":{"amount":1.5e-7,"calculation":"tiny"},"registry_version":"2025-08-20","note":"\u2028\"quoted\""})");

    const ProcessResult signing = runNode({QStringLiteral("sign"), unsignedFile, QStringLiteral("k_node")});
    const QJsonObject output = QJsonDocument::fromJson(signing.standardOutput.toUtf8()).object();
    const QString receiptFile = writeFile(
        QStringLiteral("node-signed.json"),
        QJsonDocument(output.value(QStringLiteral("receipt")).toObject()).toJson(QJsonDocument::Compact));
    const ProcessResult verification = runServer({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile,
                                                  QStringLiteral("--public-key"),
                                                  output.value(QStringLiteral("public_key")).toString(),
                                                  QStringLiteral("--key-id"), QStringLiteral("k_node")});

    QCOMPARE(signing.exitCode, 0);
    QCOMPARE(verification.exitCode, 0);
    QCOMPARE(verification.standardOutput.trimmed(),
             QStringLiteral("valid: receipt rcpt_node is signed by key k_node"));
}

void tst_CrossCheck::canonicalFormsMatch_data()
{
    QTest::addColumn<QByteArray>("document");

    QTest::newRow("numbers") << QByteArray(R"({"n":[0,-0,1e21,1e20,1e-6,1e-7,5e-324,1.7976931348623157e308,
        0.30000000000000004,9007199254740992,9007199254740993,333333333.33333329,-1.5e3,4.50,2e-3,1E30,1e-27]})");
    QTest::newRow("key order") << QByteArray(R"({"\ufb33":1,"\ud83d\ude00":2,"b":3,"a":4,"\u00e9":5,"":6,"A":7})");
    QTest::newRow("escapes") << QByteArray(R"({"s":"\u0001\b\t\n\f\r\u001f\"\\/\u007f\u2028\ud83d\ude00"})");
    QTest::newRow("nesting") << QByteArray(R"({"a":[{"z":null,"y":[true,false,[]],"x":{}}],"b":"text"})");
    QTest::newRow("receipt") << QByteArray(R"({"id":"rcpt_1","tokens":{"output":350,"input":1200},
        "cost":{"calculation":"x","amount":0.00625},"model":"m","alias":"a","lock_digest":"d","key_id":"k"})");
}

void tst_CrossCheck::canonicalFormsMatch()
{
    QFETCH(QByteArray, document);
    const QString file = writeFile(QStringLiteral("document.json"), document);

    const ProcessResult ours = runServer({QStringLiteral("receipt"), QStringLiteral("canonicalize"), file});
    const ProcessResult theirs = runNode({QStringLiteral("canonicalize"), file});

    QCOMPARE(ours.exitCode, 0);
    QCOMPARE(theirs.exitCode, 0);
    QCOMPARE(ours.standardOutput.toUtf8(), theirs.standardOutput.toUtf8());
}

QTEST_GUILESS_MAIN(tst_CrossCheck)
#include "tst_crosscheck.moc"
