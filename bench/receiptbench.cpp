// SPDX-License-Identifier: MIT
// Measures receipt signing and verification on one core: receipts per second, and the
// share of the time spent in RFC 8785 canonicalization.
//
// Usage: llmring-receipt-bench [COUNT]   (default 20000 receipts per measurement)

#include "json/canonicaljson.h"
#include "receipts/receiptverifier.h"
#include "receipts/signatureencoding.h"
#include "receipts/signingkey.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTextStream>

using namespace llmring;

namespace {

QJsonObject sampleReceipt()
{
    return QJsonObject{
        {"id", "rcpt_5b0f0c2a9d4e4f7c"},
        {"timestamp", "2025-08-26T12:00:00Z"},
        {"model", "openai:gpt-4o"},
        {"alias", "summarizer"},
        {"profile", "default"},
        {"lock_digest", "sha256:3f1c5d0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"},
        {"key_id", "k_bench"},
        {"registry_version", "2025-08-20"},
        {"tokens", QJsonObject{{"input", 1200}, {"output", 350}, {"cached_input", 200}}},
        {"cost", QJsonObject{{"amount", 0.00625}, {"calculation", "1000*2.5/1e6 + 200*1.25/1e6 + 350*10/1e6"}}},
    };
}

double perSecond(qint64 count, qint64 nanoseconds)
{
    return nanoseconds > 0 ? count * 1e9 / nanoseconds : 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    const qint64 count = argc > 1 ? QByteArray(argv[1]).toLongLong() : 20000;
    QTextStream out(stdout);
    const auto key = receipts::SigningKey::generate();
    const receipts::VerifyingKey publicKey = key->publicKey();
    const QJsonObject members = sampleReceipt();

    QElapsedTimer timer;
    timer.start();
    qsizetype checksum = 0;
    for (qint64 i = 0; i < count; ++i)
        checksum += json::canonicalize(QJsonValue(members)).size();
    const qint64 canonicalizeNs = timer.nsecsElapsed();

    timer.restart();
    QByteArray signature;
    for (qint64 i = 0; i < count; ++i)
        signature = key->sign(json::canonicalize(QJsonValue(members)));
    const qint64 signNs = timer.nsecsElapsed();

    QJsonObject signedMembers = members;
    signedMembers.insert("signature", receipts::encodeSignature(signature));
    const QByteArray receiptText = json::canonicalize(QJsonValue(signedMembers));
    const KeyLookup lookup = [&publicKey](const QString &) { return &publicKey; };
    timer.restart();
    qint64 valid = 0;
    for (qint64 i = 0; i < count; ++i)
        valid += verifyReceipt(receiptText, lookup).valid ? 1 : 0;
    const qint64 verifyNs = timer.nsecsElapsed();

    out << "receipts per measurement: " << count << " (canonical form " << checksum / count << " bytes)\n";
    out << "canonicalize: " << qRound(perSecond(count, canonicalizeNs)) << " receipts/s\n";
    out << "sign (canonicalize + Ed25519): " << qRound(perSecond(count, signNs)) << " receipts/s, "
        << qRound(100.0 * canonicalizeNs / signNs) << "% in canonicalization\n";
    out << "verify (strict parse + validation + canonicalize + Ed25519): " << qRound(perSecond(count, verifyNs))
        << " receipts/s, " << qRound(100.0 * canonicalizeNs / verifyNs) << "% in canonicalization, " << valid
        << " valid\n";
    return valid == count ? 0 : 1;
}
