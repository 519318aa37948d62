// SPDX-License-Identifier: MIT
// RequestFramer on byte streams, whole and split: complete, pipelined and chunked requests, connection flags, 100-continue, rejections, limits, reading state.

#include "server/requestframer.h"

#include <QTest>

using namespace llmring;

namespace {

// Small limits, so that rows can break them with a few hundred bytes.
constexpr qint64 MaxHeaderBytes = 256;
constexpr qint64 MaxBodyBytes = 100;

RequestFramer::Limits testLimits()
{
    return RequestFramer::Limits{MaxHeaderBytes, MaxBodyBytes};
}

// What a framer made of a stream: the requests it completed, then its rejection if any.
struct Framing
{
    QList<QByteArray> requests;
    QList<bool> closeAfterResponse;
    int status = 0; // 0 unless rejected
    QString detail;
    qsizetype bufferedBytes = 0;
};

// Appends `pieces` one at a time and advances after each, as the guard does.
Framing frame(const QList<QByteArray> &pieces)
{
    RequestFramer framer(testLimits());
    Framing framing;
    for (const QByteArray &piece : pieces) {
        framer.append(piece);
        RequestFramer::Result result = framer.advance();
        while (result == RequestFramer::Result::Complete) {
            framing.closeAfterResponse.append(framer.closeAfterResponse());
            framing.requests.append(framer.takeRequest());
            result = framer.advance();
        }
        if (result == RequestFramer::Result::Rejected) {
            framing.status = framer.rejection().status;
            framing.detail = framer.rejection().detail;
            break;
        }
    }
    framing.bufferedBytes = framer.bufferedBytes();
    return framing;
}

QList<QByteArray> byteByByte(const QByteArray &stream)
{
    QList<QByteArray> pieces;
    for (const char c : stream)
        pieces.append(QByteArray(1, c));
    return pieces;
}

QByteArray chunkedPost(const QByteArray &chunks)
{
    return "POST /api/v1/log HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
}

QByteArray postWithLength(const QByteArray &contentLength, const QByteArray &body = {})
{
    return "POST /api/v1/log HTTP/1.1\r\nHost: x\r\nContent-Length: " + contentLength + "\r\n\r\n" + body;
}

// A GET whose header block, final CRLFCRLF included, is exactly `size` bytes.
QByteArray getWithHeaderBlockOf(qsizetype size)
{
    const QByteArray start = "GET / HTTP/1.1\r\nX-Padding: ";
    const QByteArray end = "\r\n\r\n";
    return start + QByteArray(size - start.size() - end.size(), 'p') + end;
}

const QByteArray SimpleGet = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

} // namespace

class tst_RequestFramer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void completeRequests_data();
    void completeRequests();
    void completeRequestsAnySplit_data();
    void completeRequestsAnySplit();
    void connectionFlags_data();
    void connectionFlags();
    void expectContinue_data();
    void expectContinue();

    void rejections_data();
    void rejections();
    void rejectionAtBreakingByte_data();
    void rejectionAtBreakingByte();
    void rejectionAfterPipelinedRequest();
    void rejectionIsFinal();

    void readingState_data();
    void readingState();
    void requestIdHeader_data();
    void requestIdHeader();
};

void tst_RequestFramer::completeRequests_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QList<QByteArray>>("requests");
    QTest::addColumn<qsizetype>("bufferedBytes");

    const QByteArray post = postWithLength("5", "hello");
    const QByteArray chunkedOne = chunkedPost("5\r\nhello\r\n0\r\n\r\n");
    const QByteArray chunkedSeveral = chunkedPost("5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\n\r\n");
    const QByteArray statsGet = "GET /api/v1/stats HTTP/1.1\r\nX-API-Key: k\r\n\r\n";
    const QByteArray partialNext = "GET /api/v1/stats HTTP/1.1\r\nX-A";

    QTest::newRow("simple GET") << SimpleGet << QList<QByteArray>{SimpleGet} << qsizetype(0);
    QTest::newRow("GET without header fields")
        << QByteArray("GET / HTTP/1.1\r\n\r\n") << QList<QByteArray>{"GET / HTTP/1.1\r\n\r\n"} << qsizetype(0);
    QTest::newRow("HTTP/1.0 GET") << QByteArray("GET / HTTP/1.0\r\n\r\n")
                                  << QList<QByteArray>{"GET / HTTP/1.0\r\n\r\n"} << qsizetype(0);
    QTest::newRow("lowercase method is a token")
        << QByteArray("get / HTTP/1.1\r\n\r\n") << QList<QByteArray>{"get / HTTP/1.1\r\n\r\n"} << qsizetype(0);
    QTest::newRow("POST with Content-Length") << post << QList<QByteArray>{post} << qsizetype(0);
    QTest::newRow("Content-Length 0") << postWithLength("0") << QList<QByteArray>{postWithLength("0")}
                                      << qsizetype(0);
    QTest::newRow("Content-Length with leading zeros")
        << postWithLength("0000000000000000000005", "hello")
        << QList<QByteArray>{postWithLength("0000000000000000000005", "hello")} << qsizetype(0);
    QTest::newRow("body at the limit") << postWithLength("100", QByteArray(100, 'b'))
                                       << QList<QByteArray>{postWithLength("100", QByteArray(100, 'b'))}
                                       << qsizetype(0);
    QTest::newRow("header block at the limit")
        << getWithHeaderBlockOf(MaxHeaderBytes) << QList<QByteArray>{getWithHeaderBlockOf(MaxHeaderBytes)}
        << qsizetype(0);
    QTest::newRow("tab and obs-text in header value")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: a\tb\xe9\r\n\r\n")
        << QList<QByteArray>{"GET / HTTP/1.1\r\nX-Note: a\tb\xe9\r\n\r\n"} << qsizetype(0);
    QTest::newRow("chunked, one chunk") << chunkedOne << QList<QByteArray>{chunkedOne} << qsizetype(0);
    QTest::newRow("chunked, several chunks") << chunkedSeveral << QList<QByteArray>{chunkedSeveral} << qsizetype(0);
    QTest::newRow("chunk extensions") << chunkedPost("5;name=value\r\nhello\r\n0;last\r\n\r\n")
                                      << QList<QByteArray>{chunkedPost("5;name=value\r\nhello\r\n0;last\r\n\r\n")}
                                      << qsizetype(0);
    QTest::newRow("uppercase hex size") << chunkedPost("A\r\n0123456789\r\n0\r\n\r\n")
                                        << QList<QByteArray>{chunkedPost("A\r\n0123456789\r\n0\r\n\r\n")}
                                        << qsizetype(0);
    QTest::newRow("lowercase hex size") << chunkedPost("a\r\n0123456789\r\n0\r\n\r\n")
                                        << QList<QByteArray>{chunkedPost("a\r\n0123456789\r\n0\r\n\r\n")}
                                        << qsizetype(0);
    QTest::newRow("chunk size with leading zeros")
        << chunkedPost("00000000000000000005\r\nhello\r\n0\r\n\r\n")
        << QList<QByteArray>{chunkedPost("00000000000000000005\r\nhello\r\n0\r\n\r\n")} << qsizetype(0);
    QTest::newRow("chunked total at the limit")
        << chunkedPost("32\r\n" + QByteArray(50, 'c') + "\r\n32\r\n" + QByteArray(50, 'c') + "\r\n0\r\n\r\n")
        << QList<QByteArray>{chunkedPost("32\r\n" + QByteArray(50, 'c') + "\r\n32\r\n" + QByteArray(50, 'c')
                                         + "\r\n0\r\n\r\n")}
        << qsizetype(0);
    QTest::newRow("Transfer-Encoding in mixed case")
        << QByteArray("POST / HTTP/1.1\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n")
        << QList<QByteArray>{"POST / HTTP/1.1\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n"} << qsizetype(0);
    QTest::newRow("pipelined GET, POST, GET") << SimpleGet + post + statsGet
                                              << QList<QByteArray>{SimpleGet, post, statsGet} << qsizetype(0);
    QTest::newRow("pipelined chunked then GET") << chunkedSeveral + SimpleGet
                                                << QList<QByteArray>{chunkedSeveral, SimpleGet} << qsizetype(0);
    QTest::newRow("partial request after a complete one")
        << SimpleGet + partialNext << QList<QByteArray>{SimpleGet} << partialNext.size();
    QTest::newRow("body not complete") << postWithLength("5", "hel") << QList<QByteArray>{}
                                       << postWithLength("5", "hel").size();
}

void tst_RequestFramer::completeRequests()
{
    QFETCH(QByteArray, stream);
    QFETCH(QList<QByteArray>, requests);
    QFETCH(qsizetype, bufferedBytes);

    const Framing whole = frame({stream});
    const Framing bytewise = frame(byteByByte(stream));

    QCOMPARE(whole.requests, requests);
    QCOMPARE(whole.status, 0);
    QCOMPARE(whole.bufferedBytes, bufferedBytes);
    QCOMPARE(bytewise.requests, requests);
    QCOMPARE(bytewise.status, 0);
    QCOMPARE(bytewise.bufferedBytes, bufferedBytes);
}

void tst_RequestFramer::completeRequestsAnySplit_data()
{
    completeRequests_data();
}

void tst_RequestFramer::completeRequestsAnySplit()
{
    QFETCH(QByteArray, stream);
    QFETCH(QList<QByteArray>, requests);

    // The offsets at which splitting the stream in two changes the outcome.
    QList<qsizetype> differingSplits;
    for (qsizetype offset = 1; offset < stream.size(); ++offset) {
        const Framing split = frame({stream.left(offset), stream.mid(offset)});
        if (split.requests != requests || split.status != 0)
            differingSplits.append(offset);
    }

    QCOMPARE(differingSplits, QList<qsizetype>{});
}

void tst_RequestFramer::connectionFlags_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("closeAfterResponse");

    QTest::newRow("HTTP/1.1 default") << QByteArray("GET / HTTP/1.1\r\n\r\n") << false;
    QTest::newRow("HTTP/1.1 close") << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") << true;
    QTest::newRow("HTTP/1.1 Close") << QByteArray("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n") << true;
    QTest::newRow("HTTP/1.1 CLOSE, header name lowercase")
        << QByteArray("GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n") << true;
    QTest::newRow("HTTP/1.1 keep-alive") << QByteArray("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n") << false;
    QTest::newRow("close in a token list")
        << QByteArray("GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n") << true;
    QTest::newRow("close in a second Connection header")
        << QByteArray("GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n") << true;
    QTest::newRow("token that only contains close")
        << QByteArray("GET / HTTP/1.1\r\nConnection: x-close\r\n\r\n") << false;
    QTest::newRow("HTTP/1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << true;
    QTest::newRow("HTTP/1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                                         << false;
    QTest::newRow("HTTP/1.0 Keep-Alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
                                         << false;
    QTest::newRow("HTTP/1.0 close") << QByteArray("GET / HTTP/1.0\r\nConnection: close\r\n\r\n") << true;
}

void tst_RequestFramer::connectionFlags()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, closeAfterResponse);

    const Framing framing = frame({stream});

    QCOMPARE(framing.requests.size(), 1);
    QCOMPARE(framing.closeAfterResponse, QList<bool>{closeAfterResponse});
}

void tst_RequestFramer::expectContinue_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("expectsContinue");

    QTest::newRow("100-continue")
        << QByteArray("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n") << true;
    QTest::newRow("100-Continue in mixed case")
        << QByteArray("POST / HTTP/1.1\r\nexpect: 100-Continue\r\nContent-Length: 5\r\n\r\n") << true;
    QTest::newRow("chunked body") << QByteArray(
        "POST / HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n") << true;
    QTest::newRow("no Expect header") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n") << false;
    // RFC 9110 section 10.1.1: a server ignores 100-continue in an HTTP/1.0 request.
    QTest::newRow("HTTP/1.0 request")
        << QByteArray("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n") << false;
}

void tst_RequestFramer::expectContinue()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, expectsContinue);
    RequestFramer framer(testLimits());

    framer.append(head);
    const RequestFramer::Result result = framer.advance();

    QCOMPARE(result, RequestFramer::Result::NeedMoreData);
    QVERIFY(framer.isReadingBody());
    QCOMPARE(framer.expectsContinue(), expectsContinue);
}

void tst_RequestFramer::rejections_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail");

    const QString crlfOnly = QStringLiteral("Malformed request: line ends must be CRLF");
    const QString folded = QStringLiteral("Malformed request: folded header lines are not allowed");
    const QString invalidHeaderLine = QStringLiteral("Malformed request: invalid header line");
    const QString invalidRequestLine = QStringLiteral("Malformed request: invalid request line");
    const QString versionNotSupported = QStringLiteral("HTTP version not supported: use HTTP/1.1");
    const QString repeated = QStringLiteral("Malformed request: repeated Content-Length or Transfer-Encoding");
    const QString digitsOnly = QStringLiteral("Malformed request: Content-Length must be digits only");
    const QString chunkedOnly = QStringLiteral("Malformed request: Transfer-Encoding must be chunked");
    const QString both = QStringLiteral("Malformed request: Transfer-Encoding and Content-Length together");
    const QString bodyTooLarge = QStringLiteral("Request body too large (max 100 bytes)");
    const QString invalidChunkSize = QStringLiteral("Malformed request: invalid chunk size");
    const QString headerTooLarge = QStringLiteral("Request header fields too large (max 256 bytes)");

    QTest::newRow("bare LF after request line") << QByteArray("GET / HTTP/1.1\nHost: x\r\n\r\n") << 400 << crlfOnly;
    QTest::newRow("bare LF after header") << QByteArray("GET / HTTP/1.1\r\nHost: x\n\r\n") << 400 << crlfOnly;
    QTest::newRow("bare LF ends the head") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\n") << 400 << crlfOnly;
    QTest::newRow("bare LF as first byte") << QByteArray("\n") << 400 << crlfOnly;
    QTest::newRow("bare LF line ends throughout") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 400 << crlfOnly;

    QTest::newRow("folded header line, space")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: a\r\n b\r\n\r\n") << 400 << folded;
    QTest::newRow("folded header line, tab")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: a\r\n\tb\r\n\r\n") << 400 << folded;
    QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400
                                          << invalidHeaderLine;
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400
                                        << invalidHeaderLine;
    QTest::newRow("empty header name") << QByteArray("GET / HTTP/1.1\r\n: x\r\n\r\n") << 400 << invalidHeaderLine;
    QTest::newRow("control byte in header name")
        << QByteArray("GET / HTTP/1.1\r\nX-\x01: a\r\n\r\n") << 400 << invalidHeaderLine;

    QTest::newRow("request line with 2 parts") << QByteArray("GET /\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("request line with 4 parts") << QByteArray("GET / HTTP/1.1 extra\r\n\r\n") << 400
                                               << invalidRequestLine;
    QTest::newRow("two spaces after method") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("empty request line") << QByteArray("\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("method with invalid character") << QByteArray("G(T / HTTP/1.1\r\n\r\n") << 400
                                                   << invalidRequestLine;
    QTest::newRow("method with control byte") << QByteArray("GE\x01T / HTTP/1.1\r\n\r\n") << 400
                                              << invalidRequestLine;
    QTest::newRow("TLS handshake bytes, no line end")
        << QByteArray::fromHex("1603010200010001fc0303") << 400 << invalidRequestLine;
    QTest::newRow("target without leading slash") << QByteArray("GET health HTTP/1.1\r\n\r\n") << 400
                                                  << invalidRequestLine;
    QTest::newRow("absolute-form target") << QByteArray("GET http://example.com/ HTTP/1.1\r\n\r\n") << 400
                                          << invalidRequestLine;
    QTest::newRow("asterisk target") << QByteArray("OPTIONS * HTTP/1.1\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("control byte in target") << QByteArray("GET /a\x01" "b HTTP/1.1\r\n\r\n") << 400
                                            << invalidRequestLine;
    QTest::newRow("DEL in target") << QByteArray("GET /a\x7f" "b HTTP/1.1\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("byte above 0x7F in target") << QByteArray("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n") << 400
                                               << invalidRequestLine;
    QTest::newRow("lowercase protocol name") << QByteArray("GET / http/1.1\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("missing version") << QByteArray("GET / \r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << versionNotSupported;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\n\r\n") << 505 << versionNotSupported;
    QTest::newRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9\r\n\r\n") << 505 << versionNotSupported;
    QTest::newRow("HTTP/2 connection preface")
        << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 400 << invalidRequestLine;
    QTest::newRow("CONNECT, authority form") << QByteArray("CONNECT example.com:443 HTTP/1.1\r\n\r\n") << 400
                                             << QStringLiteral("Malformed request: CONNECT is not supported");
    QTest::newRow("CONNECT, origin form") << QByteArray("CONNECT / HTTP/1.1\r\n\r\n") << 400
                                          << QStringLiteral("Malformed request: CONNECT is not supported");

    QTest::newRow("two equal Content-Length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello") << 400 << repeated;
    QTest::newRow("two different Content-Length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!") << 400 << repeated;
    QTest::newRow("Content-Length with plus sign") << postWithLength("+5", "hello") << 400 << digitsOnly;
    QTest::newRow("Content-Length with minus sign") << postWithLength("-5") << 400 << digitsOnly;
    QTest::newRow("Content-Length with inner space") << postWithLength("5 5") << 400 << digitsOnly;
    QTest::newRow("Content-Length in hex") << postWithLength("0x5", "hello") << 400 << digitsOnly;
    QTest::newRow("Content-Length empty") << postWithLength("") << 400 << digitsOnly;
    QTest::newRow("Content-Length as a list") << postWithLength("5, 5", "hello") << 400 << digitsOnly;
    QTest::newRow("Content-Length with fraction") << postWithLength("5.0", "hello") << 400 << digitsOnly;

    QTest::newRow("Transfer-Encoding gzip")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << 400 << chunkedOnly;
    QTest::newRow("Transfer-Encoding chunked, gzip")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") << 400 << chunkedOnly;
    QTest::newRow("Transfer-Encoding gzip, chunked")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 400 << chunkedOnly;
    QTest::newRow("Transfer-Encoding twice")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") << 400
        << repeated;
    QTest::newRow("Transfer-Encoding, then Content-Length")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") << 400 << both;
    QTest::newRow("Content-Length, then Transfer-Encoding")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") << 400 << both;

    QTest::newRow("Content-Length over the limit") << postWithLength("101") << 413 << bodyTooLarge;
    QTest::newRow("Content-Length of 10000000000") << postWithLength("10000000000") << 413 << bodyTooLarge;
    QTest::newRow("Content-Length of 30 digits") << postWithLength("123456789012345678901234567890") << 413
                                                 << bodyTooLarge;
    QTest::newRow("chunked total over the limit")
        << chunkedPost("32\r\n" + QByteArray(50, 'c') + "\r\n33\r\n") << 413 << bodyTooLarge;
    QTest::newRow("one chunk over the limit") << chunkedPost("65\r\n") << 413 << bodyTooLarge;
    QTest::newRow("chunk size of 20 hex digits") << chunkedPost("ffffffffffffffffffff\r\n") << 413 << bodyTooLarge;

    QTest::newRow("chunk size g") << chunkedPost("g\r\n") << 400 << invalidChunkSize;
    QTest::newRow("chunk size empty") << chunkedPost("\r\n") << 400 << invalidChunkSize;
    QTest::newRow("chunk size -1") << chunkedPost("-1\r\n") << 400 << invalidChunkSize;
    QTest::newRow("chunk size +5") << chunkedPost("+5\r\nhello\r\n") << 400 << invalidChunkSize;
    QTest::newRow("chunk size 0x10") << chunkedPost("0x10\r\n") << 400 << invalidChunkSize;
    QTest::newRow("chunk size with bare LF") << chunkedPost("5\nhello\r\n") << 400 << invalidChunkSize;
    QTest::newRow("chunk data not followed by CRLF")
        << chunkedPost("5\r\nhello\rX") << 400 << QStringLiteral("Malformed request: chunk data must end with CRLF");
    QTest::newRow("chunk data longer than its size")
        << chunkedPost("5\r\nhello!\r\n0\r\n\r\n") << 400
        << QStringLiteral("Malformed request: chunk data must end with CRLF");
    QTest::newRow("trailer field") << chunkedPost("5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n") << 400
                                   << QStringLiteral("Malformed request: trailer fields are not supported");
    QTest::newRow("chunk size line over 1024 bytes")
        << chunkedPost("5;" + QByteArray(1100, 'e') + "\r\nhello\r\n0\r\n\r\n") << 400
        << QStringLiteral("Malformed request: chunk size line too long");

    QTest::newRow("header block over the limit")
        << getWithHeaderBlockOf(MaxHeaderBytes + 1) << 431 << headerTooLarge;
    QTest::newRow("header block over the limit, no end")
        << getWithHeaderBlockOf(MaxHeaderBytes + 5).chopped(4) << 431 << headerTooLarge;
    QTest::newRow("many small header fields")
        << "GET / HTTP/1.1\r\n" + QByteArray("X-A: 1\r\n").repeated(40) + "\r\n" << 431 << headerTooLarge;

    QTest::newRow("Upgrade header")
        << QByteArray("GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n") << 400
        << QStringLiteral("Malformed request: protocol upgrades are not supported");
    QTest::newRow("h2c upgrade")
        << QByteArray("GET / HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                      "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
        << 400 << QStringLiteral("Malformed request: protocol upgrades are not supported");
    QTest::newRow("HEAD request")
        << QByteArray("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n") << 501
        << QStringLiteral("HEAD is not supported; use GET");
    QTest::newRow("X-API-Key twice")
        << QByteArray("GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nX-API-Key: a\r\nx-api-key: b\r\n\r\n") << 400
        << QStringLiteral("X-API-Key must be sent once");
    QTest::newRow("Expect other than 100-continue")
        << QByteArray("POST / HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n") << 417
        << QStringLiteral("Expectation not supported: only 100-continue is");

    QTest::newRow("control byte in header value")
        << QByteArray("GET / HTTP/1.1\r\nX-API-Key: a\x01" "b\r\n\r\n") << 400
        << QStringLiteral("Malformed request: invalid character in header x-api-key");
    QTest::newRow("NUL in header value")
        << "GET / HTTP/1.1\r\nX-Note: a" + QByteArray(1, '\0') + "b\r\n\r\n" << 400
        << QStringLiteral("Malformed request: invalid character in header x-note");
    QTest::newRow("DEL in header value")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: a\x7f" "b\r\n\r\n") << 400
        << QStringLiteral("Malformed request: invalid character in header x-note");
    QTest::newRow("CR in header value")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: a\rb\r\n\r\n") << 400
        << QStringLiteral("Malformed request: invalid character in header x-note");
    QTest::newRow("vertical tab before header value")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: \x0b" "b\r\n\r\n") << 400
        << QStringLiteral("Malformed request: invalid character in header x-note");
    QTest::newRow("form feed after header value")
        << QByteArray("GET / HTTP/1.1\r\nX-Note: b\x0c\r\n\r\n") << 400
        << QStringLiteral("Malformed request: invalid character in header x-note");
}

void tst_RequestFramer::rejections()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, status);
    QFETCH(QString, detail);

    const Framing whole = frame({stream});
    const Framing bytewise = frame(byteByByte(stream));

    QCOMPARE(whole.requests, QList<QByteArray>{});
    QCOMPARE(whole.status, status);
    QCOMPARE(whole.detail, detail);
    QCOMPARE(bytewise.requests, QList<QByteArray>{});
    QCOMPARE(bytewise.status, status);
    QCOMPARE(bytewise.detail, detail);
}

void tst_RequestFramer::rejectionAtBreakingByte_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("status");

    // Each stream ends with the byte that breaks a rule or a limit.
    QTest::newRow("Content-Length of 10000000000, no body sent") << postWithLength("10000000000") << 413;
    QTest::newRow("Content-Length over the limit, no body sent") << postWithLength("101") << 413;
    QTest::newRow("first chunk size line over the limit") << chunkedPost("65\r\n") << 413;
    QTest::newRow("second chunk size line over the limit")
        << chunkedPost("32\r\n" + QByteArray(50, 'c') + "\r\n33\r\n") << 413;
    QTest::newRow("header block without end") << getWithHeaderBlockOf(MaxHeaderBytes + 5).left(MaxHeaderBytes + 1)
                                              << 431;
    QTest::newRow("chunk size line of 1025 bytes") << chunkedPost("5;" + QByteArray(1023, 'e')) << 400;
    QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\r\nHost: x\n") << 400;
    QTest::newRow("TLS handshake byte") << QByteArray("\x16") << 400;
    QTest::newRow("control byte in method") << QByteArray("GE\x01") << 400;
}

void tst_RequestFramer::rejectionAtBreakingByte()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, status);
    RequestFramer framer(testLimits());

    qsizetype bytesWhenRejected = 0;
    for (qsizetype i = 0; i < stream.size() && bytesWhenRejected == 0; ++i) {
        framer.append(stream.mid(i, 1));
        if (framer.advance() == RequestFramer::Result::Rejected)
            bytesWhenRejected = i + 1;
    }

    QCOMPARE(bytesWhenRejected, stream.size());
    QCOMPARE(framer.rejection().status, status);
}

void tst_RequestFramer::rejectionAfterPipelinedRequest()
{
    const QByteArray stream = SimpleGet + "GET / HTTP/1.1\nHost: x\r\n\r\n";

    const Framing framing = frame({stream});

    QCOMPARE(framing.requests, QList<QByteArray>{SimpleGet});
    QCOMPARE(framing.status, 400);
    QCOMPARE(framing.detail, QStringLiteral("Malformed request: line ends must be CRLF"));
}

void tst_RequestFramer::rejectionIsFinal()
{
    RequestFramer framer(testLimits());
    framer.append("GET / HTTP/1.1\nHost: x\r\n\r\n");
    const RequestFramer::Result first = framer.advance();

    framer.append(SimpleGet);
    const RequestFramer::Result second = framer.advance();

    QCOMPARE(first, RequestFramer::Result::Rejected);
    QCOMPARE(second, RequestFramer::Result::Rejected);
    QCOMPARE(framer.rejection().status, 400);
}

void tst_RequestFramer::readingState_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("takeRequest");
    QTest::addColumn<RequestFramer::Result>("result");
    QTest::addColumn<bool>("readingHeaders");
    QTest::addColumn<bool>("readingBody");
    QTest::addColumn<bool>("idle");

    using Result = RequestFramer::Result;
    QTest::newRow("nothing received") << QByteArray() << false << Result::NeedMoreData << false << false << true;
    QTest::newRow("first byte") << QByteArray("G") << false << Result::NeedMoreData << true << false << false;
    QTest::newRow("request line only") << QByteArray("POST / HTTP/1.1\r\n") << false << Result::NeedMoreData
                                       << true << false << false;
    QTest::newRow("headers complete, body pending")
        << postWithLength("5", "he") << false << Result::NeedMoreData << false << true << false;
    QTest::newRow("headers complete, no body byte yet")
        << postWithLength("5") << false << Result::NeedMoreData << false << true << false;
    QTest::newRow("chunked body pending") << chunkedPost("5\r\nhello\r\n") << false << Result::NeedMoreData
                                          << false << true << false;
    QTest::newRow("request complete, not taken") << postWithLength("5", "hello") << false << Result::Complete
                                                 << false << false << false;
    QTest::newRow("request taken") << postWithLength("5", "hello") << true << Result::Complete << false << false
                                   << true;
    QTest::newRow("request taken, next one started")
        << postWithLength("5", "hello") + "GET" << true << Result::Complete << true << false << false;
    QTest::newRow("rejected") << QByteArray("GET / HTTP/1.1\nHost: x\r\n\r\n") << false << Result::Rejected << false
                              << false << false;
}

void tst_RequestFramer::readingState()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, takeRequest);
    QFETCH(RequestFramer::Result, result);
    QFETCH(bool, readingHeaders);
    QFETCH(bool, readingBody);
    QFETCH(bool, idle);
    RequestFramer framer(testLimits());

    framer.append(stream);
    const RequestFramer::Result advanced = framer.advance();
    if (takeRequest && advanced == RequestFramer::Result::Complete)
        framer.takeRequest();

    QCOMPARE(advanced, result);
    QCOMPARE(framer.isReadingHeaders(), readingHeaders);
    QCOMPARE(framer.isReadingBody(), readingBody);
    QCOMPARE(framer.isIdle(), idle);
}

void tst_RequestFramer::requestIdHeader_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("takeRequest");
    QTest::addColumn<QByteArray>("requestId");

    const QByteArray withId = "POST / HTTP/1.1\r\nX-Request-Id: abc-123\r\nContent-Length: 5\r\n\r\n";
    QTest::newRow("headers incomplete") << withId.chopped(2) << false << QByteArray();
    QTest::newRow("headers complete, body pending") << withId << false << QByteArray("abc-123");
    QTest::newRow("request complete") << withId + "hello" << false << QByteArray("abc-123");
    QTest::newRow("request taken") << withId + "hello" << true << QByteArray();
    QTest::newRow("request taken, next headers incomplete")
        << withId + "hello" + "GET / HTTP/1.1\r\nHost: x\r\n" << true << QByteArray();
    QTest::newRow("rejected after its headers")
        << QByteArray("POST / HTTP/1.1\r\nX-Request-Id: big-1\r\nContent-Length: 101\r\n\r\n") << false
        << QByteArray("big-1");
    QTest::newRow("rejected at a header line before the id")
        << QByteArray("POST / HTTP/1.1\r\nExpect: 200-ok\r\nX-Request-Id: late-1\r\n\r\n") << false
        << QByteArray("late-1");
    QTest::newRow("rejected for its version")
        << QByteArray("GET / HTTP/2.0\r\nX-Request-Id: v2\r\n\r\n") << false << QByteArray("v2");
    QTest::newRow("lowercase header name") << QByteArray("GET / HTTP/1.1\r\nx-request-id: low\r\n\r\n") << false
                                           << QByteArray("low");
    QTest::newRow("white space around value")
        << QByteArray("GET / HTTP/1.1\r\nX-Request-Id: \t spaced \t\r\n\r\n") << false << QByteArray("spaced");
    QTest::newRow("header absent") << SimpleGet << false << QByteArray();
}

void tst_RequestFramer::requestIdHeader()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, takeRequest);
    QFETCH(QByteArray, requestId);
    RequestFramer framer(testLimits());

    framer.append(stream);
    if (framer.advance() == RequestFramer::Result::Complete && takeRequest) {
        framer.takeRequest();
        framer.advance();
    }

    QCOMPARE(framer.requestIdHeader(), requestId);
}

QTEST_APPLESS_MAIN(tst_RequestFramer)
#include "tst_requestframer.moc"
