// SPDX-License-Identifier: MIT
// Strict HTTP/1.1 request framing for the connection guard.

#pragma once

#include <QByteArray>
#include <QString>

namespace llmring {

// Splits a connection's byte stream into complete HTTP/1.1 requests, strictly, so
// that the guard and QHttpServer's lenient parser never disagree about where a request
// ends: CRLF line ends only, no folded header lines, `Transfer-Encoding` only as
// exactly `chunked` and never with `Content-Length`, at most one all-digit
// `Content-Length`. Limits are checked as soon as the bytes that break them arrive, so
// an oversized request is rejected before its body is buffered.
class RequestFramer
{
public:
    struct Limits
    {
        qint64 maxHeaderBytes = 16384;
        qint64 maxBodyBytes = 10 * 1024 * 1024;
    };

    enum class Result {
        NeedMoreData, // no complete request yet
        Complete,     // takeRequest() returns it
        Rejected,     // rejection() gives the reason; the connection must be closed
    };

    struct Rejection
    {
        int status = 400; // 400, 413, 417, 431, 501 or 505
        QString detail;
        bool omitBody = false; // the response to a HEAD request has headers only
    };

    explicit RequestFramer(const Limits &limits);

    void append(const QByteArray &bytes);

    // Advances over the buffered bytes; call until it returns NeedMoreData.
    Result advance();

    // The complete request found by advance(), exactly as received, removed from the
    // buffer. Valid only after advance() returned Complete.
    QByteArray takeRequest();
    bool closeAfterResponse() const { return m_closeAfterResponse; }
    bool expectsContinue() const { return m_expectsContinue; }

    const Rejection &rejection() const { return m_rejection; }
    // The X-Request-Id header of the request being read, once its headers are parsed.
    const QByteArray &requestIdHeader() const { return m_requestIdHeader; }

    // True while the headers of the request being read are incomplete (the header
    // timeout runs), false once they are complete or nothing is buffered.
    bool isReadingHeaders() const;
    // True once headers announced a body that has not fully arrived.
    bool isReadingBody() const { return m_state == State::Body || m_state == State::Chunked; }
    // True when no byte of a next request has arrived.
    bool isIdle() const { return m_state == State::Headers && m_buffer.isEmpty(); }
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    enum class State { Headers, Body, Chunked, Complete, Rejected };
    enum class ChunkState { Size, Data, DataEnd, Trailer };

    Result reject(int status, const QString &detail, bool omitBody = false);
    Result parseHeaders(qsizetype headerEnd);
    Result advanceChunked();

    Limits m_limits;
    QByteArray m_buffer;
    State m_state = State::Headers;
    qsizetype m_scanned = 0;        // bytes of the header block already scanned for line ends
    qsizetype m_requestEnd = 0;     // end of the complete request in m_buffer
    qsizetype m_bodyStart = 0;
    qint64 m_contentLength = 0;
    // Chunked decoding: position in m_buffer and the running body total.
    ChunkState m_chunkState = ChunkState::Size;
    qsizetype m_chunkPosition = 0;
    qint64 m_chunkRemaining = 0;
    qint64 m_chunkedTotal = 0;
    bool m_closeAfterResponse = false;
    bool m_expectsContinue = false;
    QByteArray m_requestIdHeader;
    Rejection m_rejection;
};

} // namespace llmring
