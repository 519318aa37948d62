// SPDX-License-Identifier: MIT
// The receipt commands of the llmring-server program: keygen, and receipt
// canonicalize, sign and verify with keys from the environment, --public-key, --jwks
// and --server.

#include "httpclient.h"
#include "serverprocess.h"
#include "testdatabase.h"
#include "testservice.h"

#include "receipts/receiptkeys.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace llmring;
using namespace llmring::test;

namespace {

const QByteArray UnsignedReceipt = R"({"model":"openai:gpt-4o","alias":"summarizer","lock_digest":"sha256:3f1c",
    "tokens":{"input":1200,"output":350},"cost":{"amount":0.00625,"calculation":"x"},"extension":{"b":1,"a":[1e30]}})";

} // namespace

class tst_ReceiptCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void keygenPrintsUsablePair();
    void signThenVerify();
    void verifyWithPublicKey();
    void verifyWithJwksFile();
    void verifyWithServer();
    void tamperedReceiptInvalid();
    void unknownKeyInvalid();
    void canonicalizeLeavesOutSignature();
    void usageErrors_data();
    void usageErrors();

private:
    ProcessResult run(const QStringList &arguments, const QList<QPair<QString, QString>> &variables = {});
    QString writeFile(const QString &name, const QByteArray &contents);
    QByteArray signedReceipt();

    QTemporaryDir m_folder;
    QList<QPair<QString, QString>> m_keyVariables;
    QString m_publicKey;
    QString m_keyId;
};

void tst_ReceiptCli::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("LLMRING_SERVER_BINARY").isEmpty(), "run through ctest, or set LLMRING_SERVER_BINARY");
    QVERIFY(m_folder.isValid());
    const ProcessResult keygen = run({QStringLiteral("keygen")});
    QCOMPARE(keygen.exitCode, 0);
    for (const QString &line : keygen.standardOutput.split(u'\n', Qt::SkipEmptyParts)) {
        const qsizetype equals = line.indexOf(u'=');
        m_keyVariables.append({line.left(equals), line.mid(equals + 1)});
    }
    QCOMPARE(m_keyVariables.size(), 3);
    m_publicKey = m_keyVariables.at(1).second;
    m_keyId = m_keyVariables.at(2).second;
}

ProcessResult tst_ReceiptCli::run(const QStringList &arguments, const QList<QPair<QString, QString>> &variables)
{
    QProcess process;
    process.setProcessEnvironment(serverEnvironment(variables));
    process.start(qEnvironmentVariable("LLMRING_SERVER_BINARY"), arguments);
    process.closeWriteChannel(); // `-` as FILE reads an empty standard input
    return finishProcess(process, 30'000);
}

QString tst_ReceiptCli::writeFile(const QString &name, const QByteArray &contents)
{
    const QString path = m_folder.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(contents);
    return path;
}

QByteArray tst_ReceiptCli::signedReceipt()
{
    const ProcessResult signing = run({QStringLiteral("receipt"), QStringLiteral("sign"),
                                       writeFile(QStringLiteral("unsigned.json"), UnsignedReceipt)},
                                      m_keyVariables);
    return signing.standardOutput.trimmed().toUtf8();
}

void tst_ReceiptCli::keygenPrintsUsablePair()
{
    const QString expectedKeyId = QStringLiteral("k_")
        + QString::fromLatin1(QCryptographicHash::hash(QByteArray::fromBase64(m_publicKey.toLatin1(),
                                                                              QByteArray::Base64UrlEncoding),
                                                      QCryptographicHash::Sha256)
                                  .toHex()
                                  .left(16));
    QString error;

    QProcessEnvironment environment;
    for (const auto &[name, value] : m_keyVariables)
        environment.insert(name, value);
    const auto keys = ReceiptKeys::fromEnvironment(environment, &error);

    QCOMPARE(m_keyVariables.at(0).first, QStringLiteral("LLMRING_RECEIPTS_PRIVATE_KEY_B64"));
    QCOMPARE(m_keyVariables.at(1).first, QStringLiteral("LLMRING_RECEIPTS_PUBLIC_KEY_B64"));
    QCOMPARE(m_keyVariables.at(2).first, QStringLiteral("LLMRING_RECEIPTS_KEY_ID"));
    QVERIFY2(keys, qPrintable(error));
    QVERIFY(keys->canSign());
    QCOMPARE(m_keyId, expectedKeyId);
}

void tst_ReceiptCli::signThenVerify()
{
    const QByteArray receipt = signedReceipt();

    const ProcessResult verify = run({QStringLiteral("receipt"), QStringLiteral("verify"),
                                      writeFile(QStringLiteral("signed.json"), receipt)},
                                     m_keyVariables);

    const QJsonObject object = QJsonDocument::fromJson(receipt).object();
    QCOMPARE(object.value(QStringLiteral("key_id")).toString(), m_keyId);
    QVERIFY(object.value(QStringLiteral("signature")).toString().startsWith(QLatin1String("ed25519:")));
    QCOMPARE(verify.exitCode, 0);
    QCOMPARE(verify.standardOutput.trimmed(),
             QStringLiteral("valid: receipt %1 is signed by key %2").arg(object.value(QStringLiteral("id")).toString(), m_keyId));
}

void tst_ReceiptCli::verifyWithPublicKey()
{
    const QString file = writeFile(QStringLiteral("signed.json"), signedReceipt());

    const ProcessResult verify = run({QStringLiteral("receipt"), QStringLiteral("verify"), file,
                                      QStringLiteral("--public-key"), m_publicKey});
    const ProcessResult otherId = run({QStringLiteral("receipt"), QStringLiteral("verify"), file,
                                       QStringLiteral("--public-key"), m_publicKey, QStringLiteral("--key-id"),
                                       QStringLiteral("k_other")});

    QCOMPARE(verify.exitCode, 0);
    QCOMPARE(otherId.exitCode, 1);
    QVERIFY2(otherId.standardOutput.startsWith(QLatin1String("invalid: unknown key_id")), qPrintable(otherId.standardOutput));
}

void tst_ReceiptCli::verifyWithJwksFile()
{
    const QString file = writeFile(QStringLiteral("signed.json"), signedReceipt());
    const QByteArray jwks = QStringLiteral(R"({"keys":[{"kid":"%1","kty":"OKP","crv":"Ed25519","x":"%2"}]})")
                                .arg(m_keyId, m_publicKey)
                                .toUtf8();

    const ProcessResult verify = run({QStringLiteral("receipt"), QStringLiteral("verify"), file, QStringLiteral("--jwks"),
                                      writeFile(QStringLiteral("keys.json"), jwks)});

    QCOMPARE(verify.exitCode, 0);
}

void tst_ReceiptCli::verifyWithServer()
{
    TestDatabase database(QStringLiteral("receiptcli"));
    QVERIFY2(database.isConfigured(), qPrintable(database.error()));
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("LLMRING_RECEIPTS_PUBLIC_KEY_B64"), m_publicKey);
    Settings settings = database.settings();
    QString error;
    settings.receiptKeys = ReceiptKeys::fromEnvironment(environment, &error);
    TestService service;
    QVERIFY2(service.start(settings, &error), qPrintable(error));
    const QString file = writeFile(QStringLiteral("signed.json"), signedReceipt());

    const ProcessResult verify = run({QStringLiteral("receipt"), QStringLiteral("verify"), file,
                                      QStringLiteral("--server"), service.baseUrl().toString() + u'/'});

    QCOMPARE(verify.exitCode, 0);
    QVERIFY2(verify.standardOutput.startsWith(QLatin1String("valid: ")), qPrintable(verify.standardOutput));
}

void tst_ReceiptCli::tamperedReceiptInvalid()
{
    QByteArray receipt = signedReceipt();
    receipt.replace("\"input\":1200", "\"input\":1201");

    const ProcessResult verify = run({QStringLiteral("receipt"), QStringLiteral("verify"),
                                      writeFile(QStringLiteral("tampered.json"), receipt)},
                                     m_keyVariables);

    QCOMPARE(verify.exitCode, 1);
    QVERIFY2(verify.standardOutput.startsWith(QLatin1String("invalid: bad signature (receipt rcpt_")),
             qPrintable(verify.standardOutput));
}

void tst_ReceiptCli::unknownKeyInvalid()
{
    const QString file = writeFile(QStringLiteral("signed.json"), signedReceipt());

    // Without a key source and without LLMRING_RECEIPTS_* variables there is no key.
    const ProcessResult verify = run({QStringLiteral("receipt"), QStringLiteral("verify"), file});

    QCOMPARE(verify.exitCode, 1);
    QVERIFY2(verify.standardOutput.startsWith(QLatin1String("invalid: unknown key_id")), qPrintable(verify.standardOutput));
}

void tst_ReceiptCli::canonicalizeLeavesOutSignature()
{
    const QByteArray receipt = signedReceipt();
    QJsonObject object = QJsonDocument::fromJson(receipt).object();
    const QString id = object.value(QStringLiteral("id")).toString();
    const QString timestamp = object.value(QStringLiteral("timestamp")).toString();

    const ProcessResult canonical = run({QStringLiteral("receipt"), QStringLiteral("canonicalize"),
                                         writeFile(QStringLiteral("signed.json"), receipt)});

    QCOMPARE(canonical.exitCode, 0);
    QCOMPARE(canonical.standardOutput.trimmed(),
             QStringLiteral(R"({"alias":"summarizer","cost":{"amount":0.00625,"calculation":"x"},)"
                            R"("extension":{"a":[1e+30],"b":1},"id":"%1","key_id":"%2","lock_digest":"sha256:3f1c",)"
                            R"("model":"openai:gpt-4o","profile":"default","timestamp":"%3",)"
                            R"("tokens":{"cached_input":0,"input":1200,"output":350}})")
                 .arg(id, m_keyId, timestamp));
}

void tst_ReceiptCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown subcommand") << QStringList{"receipt", "check", "x"} << 2
                                        << "usage: receipt canonicalize|sign|verify FILE";
    QTest::newRow("missing file argument") << QStringList{"receipt", "verify"} << 2
                                           << "usage: receipt canonicalize|sign|verify FILE";
    QTest::newRow("two key sources") << QStringList{"receipt", "verify", "x", "--jwks", "a", "--server", "b"} << 2
                                     << "give at most one of --public-key, --jwks and --server";
    QTest::newRow("unreadable file") << QStringList{"receipt", "verify", "/nonexistent/receipt.json"} << 1
                                     << "cannot read /nonexistent/receipt.json";
    QTest::newRow("sign without key") << QStringList{"receipt", "sign", "/dev/null"} << 2
                                      << "no signing key: set LLMRING_RECEIPTS_PRIVATE_KEY_B64";
    QTest::newRow("invalid public key") << QStringList{"receipt", "verify", "/dev/null", "--public-key", "abc"} << 2
                                        << "--public-key is invalid";
}

void tst_ReceiptCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const ProcessResult result = run(arguments);

    QCOMPARE(result.exitCode, exitCode);
    QVERIFY2(result.standardError.contains(message), qPrintable(result.standardError));
}

QTEST_GUILESS_MAIN(tst_ReceiptCli)
#include "tst_receiptcli.moc"
