// SPDX-License-Identifier: MIT

#include "requestframer.h"

#include <QList>

namespace llmring {

namespace {

// RFC 9110 token characters, the only ones allowed in methods and header names.
bool isTokenCharacter(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenCharacter(c))
            return false;
    }
    return true;
}

// A request target: visible ASCII only (no space, no control character, no byte
// above 0x7E), starting with '/' (origin form; the service serves no proxy requests).
bool isOriginFormTarget(QByteArrayView text)
{
    if (text.isEmpty() || text.front() != '/')
        return false;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f)
            return false;
    }
    return true;
}

// A header value may hold visible characters, spaces, tabs and bytes above 0x7F
// (obs-text), but no other control character.
bool isFieldValue(QByteArrayView text)
{
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7f)
            return false;
    }
    return true;
}

// Strips the optional white space that may surround a header value or a chunk size:
// spaces and tabs only, so that any other control character stays and is rejected.
QByteArray trimmedOptionalWhiteSpace(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text.toByteArray();
}

bool isDigits(QByteArrayView text, bool hexadecimal)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool digit = (c >= '0' && c <= '9')
            || (hexadecimal && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
        if (!digit)
            return false;
    }
    return true;
}

// The number of digits after any leading zeros, which decides whether a length fits.
qsizetype significantDigits(QByteArrayView digits)
{
    qsizetype zeros = 0;
    while (zeros < digits.size() && digits.at(zeros) == '0')
        ++zeros;
    return digits.size() - zeros;
}

// The last X-Request-Id value of a request's header lines, read before the lines are
// validated so that every rejection of a complete head can echo it.
QByteArray findRequestId(const QList<QByteArray> &lines)
{
    QByteArray requestId;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && QByteArrayView(line).first(colon).compare("x-request-id", Qt::CaseInsensitive) == 0)
            requestId = trimmedOptionalWhiteSpace(QByteArrayView(line).sliced(colon + 1));
    }
    return requestId;
}

bool hasToken(QByteArrayView commaList, QByteArrayView token)
{
    for (const QByteArray &item : QByteArray(commaList.data(), commaList.size()).split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Content-Length and chunk sizes with more significant digits than this are rejected as
// too large before any arithmetic on them, so no overflow is possible.
constexpr int MaxLengthDigits = 15;

// A chunk size line is a few hex digits and optional extensions, so a longer one is an
// attempt to make the guard buffer without limit.
constexpr qsizetype MaxChunkSizeLineBytes = 1024;

// How many bytes of an unfinished request line are checked as a method token. Longer
// methods are checked once the line is complete.
constexpr qsizetype MethodBytesCheckedEarly = 16;

} // namespace

RequestFramer::RequestFramer(const Limits &limits)
    : m_limits(limits)
{
}

void RequestFramer::append(const QByteArray &bytes)
{
    m_buffer.append(bytes);
}

bool RequestFramer::isReadingHeaders() const
{
    return m_state == State::Headers && !m_buffer.isEmpty();
}

RequestFramer::Result RequestFramer::reject(int status, const QString &detail, bool omitBody)
{
    m_state = State::Rejected;
    m_rejection = Rejection{status, detail, omitBody};
    return Result::Rejected;
}

RequestFramer::Result RequestFramer::advance()
{
    switch (m_state) {
    case State::Rejected:
        return Result::Rejected;
    case State::Complete:
        return Result::Complete;
    case State::Headers: {
        // Every LF must end a CRLF pair; a bare LF is where lenient parsers and this
        // one could disagree about line boundaries.
        qsizetype headerEnd = -1;
        for (qsizetype i = m_scanned; i < m_buffer.size(); ++i) {
            if (m_buffer.at(i) != '\n')
                continue;
            if (i == 0 || m_buffer.at(i - 1) != '\r')
                return reject(400, QStringLiteral("Malformed request: line ends must be CRLF"));
            if (i >= 3 && m_buffer.at(i - 2) == '\n' && m_buffer.at(i - 3) == '\r') {
                headerEnd = i + 1;
                break;
            }
        }
        if (headerEnd < 0) {
            // A request starts with a method token. Checking its first bytes now gives a
            // TLS handshake or other binary data a 400 at once, not a 408 after the
            // header timeout. The rest of the line is checked when it ends.
            for (qsizetype i = 0; i < qMin<qsizetype>(m_buffer.size(), MethodBytesCheckedEarly); ++i) {
                if (m_buffer.at(i) == ' ')
                    break;
                if (!isTokenCharacter(m_buffer.at(i)))
                    return reject(400, QStringLiteral("Malformed request: invalid request line"));
            }
            m_scanned = qMax<qsizetype>(0, m_buffer.size() - 1);
            if (m_buffer.size() > m_limits.maxHeaderBytes)
                return reject(431, QStringLiteral("Request header fields too large (max %1 bytes)")
                                       .arg(m_limits.maxHeaderBytes));
            return Result::NeedMoreData;
        }
        if (headerEnd > m_limits.maxHeaderBytes)
            return reject(431, QStringLiteral("Request header fields too large (max %1 bytes)")
                                   .arg(m_limits.maxHeaderBytes));
        const Result headers = parseHeaders(headerEnd);
        if (headers != Result::NeedMoreData)
            return headers;
        return advance();
    }
    case State::Body:
        if (m_buffer.size() - m_bodyStart < m_contentLength)
            return Result::NeedMoreData;
        m_requestEnd = m_bodyStart + m_contentLength;
        m_state = State::Complete;
        return Result::Complete;
    case State::Chunked:
        return advanceChunked();
    }
    return Result::NeedMoreData;
}

RequestFramer::Result RequestFramer::parseHeaders(qsizetype headerEnd)
{
    // The header block without its final empty line, so that every line, the last one
    // included, ends with CR before the LF that split() removes.
    QList<QByteArray> lines = m_buffer.left(headerEnd - 2).split('\n');
    lines.removeLast(); // the empty text after the last LF
    for (QByteArray &line : lines)
        line.chop(1);

    const QByteArray &requestLine = lines.first();
    m_requestIdHeader = findRequestId(lines);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)))
        return reject(400, QStringLiteral("Malformed request: invalid request line"));
    // Checked before the target, which for CONNECT is an authority such as host:443.
    if (parts.at(0) == "CONNECT")
        return reject(400, QStringLiteral("Malformed request: CONNECT is not supported"));
    if (!isOriginFormTarget(parts.at(1)))
        return reject(400, QStringLiteral("Malformed request: invalid request line"));
    const QByteArray &version = parts.at(2);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        if (version.startsWith("HTTP/"))
            return reject(505, QStringLiteral("HTTP version not supported: use HTTP/1.1"));
        return reject(400, QStringLiteral("Malformed request: invalid request line"));
    }

    int contentLengthCount = 0;
    int transferEncodingCount = 0;
    QByteArray contentLength;
    QByteArray transferEncoding;
    QByteArray connection;
    bool hasUpgrade = false;
    bool hasContinueExpectation = false;
    int apiKeyCount = 0;

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return reject(400, QStringLiteral("Malformed request: folded header lines are not allowed"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return reject(400, QStringLiteral("Malformed request: invalid header line"));
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = trimmedOptionalWhiteSpace(QByteArrayView(line).sliced(colon + 1));
        if (!isFieldValue(value))
            return reject(400, QStringLiteral("Malformed request: invalid character in header %1")
                                   .arg(QString::fromLatin1(name)));

        if (name == "content-length") {
            ++contentLengthCount;
            contentLength = value;
        } else if (name == "transfer-encoding") {
            ++transferEncodingCount;
            transferEncoding = value;
        } else if (name == "connection") {
            connection += connection.isEmpty() ? value : "," + value;
        } else if (name == "x-api-key") {
            ++apiKeyCount;
        } else if (name == "upgrade") {
            hasUpgrade = true;
        } else if (name == "expect") {
            if (value.compare("100-continue", Qt::CaseInsensitive) != 0)
                return reject(417, QStringLiteral("Expectation not supported: only 100-continue is"));
            hasContinueExpectation = true;
        }
    }

    if (hasUpgrade)
        return reject(400, QStringLiteral("Malformed request: protocol upgrades are not supported"));
    // QHttpServer joins repeated headers with ", ", which would turn two keys into a
    // third project id.
    if (apiKeyCount > 1)
        return reject(400, QStringLiteral("X-API-Key must be sent once"));
    // QHttpServer 6.4 writes a body in responses to HEAD, which corrupts the connection
    // for the client, so HEAD is refused here with a response that has none.
    if (parts.at(0) == "HEAD")
        return reject(501, QStringLiteral("HEAD is not supported; use GET"), true);
    if (transferEncodingCount > 0 && contentLengthCount > 0)
        return reject(400, QStringLiteral("Malformed request: Transfer-Encoding and Content-Length together"));
    if (transferEncodingCount > 1 || contentLengthCount > 1)
        return reject(400, QStringLiteral("Malformed request: repeated Content-Length or Transfer-Encoding"));
    if (transferEncodingCount == 1 && transferEncoding.compare("chunked", Qt::CaseInsensitive) != 0)
        return reject(400, QStringLiteral("Malformed request: Transfer-Encoding must be chunked"));

    m_closeAfterResponse = version == "HTTP/1.0" ? !hasToken(connection, "keep-alive") : hasToken(connection, "close");
    // RFC 9110 section 10.1.1: a server must ignore 100-continue in an HTTP/1.0 request.
    m_expectsContinue = hasContinueExpectation && version == "HTTP/1.1";
    m_bodyStart = headerEnd;

    if (transferEncodingCount == 1) {
        m_state = State::Chunked;
        m_chunkState = ChunkState::Size;
        m_chunkPosition = headerEnd;
        m_chunkedTotal = 0;
        return Result::NeedMoreData;
    }

    if (contentLengthCount == 1) {
        if (!isDigits(contentLength, false))
            return reject(400, QStringLiteral("Malformed request: Content-Length must be digits only"));
        if (significantDigits(contentLength) > MaxLengthDigits || contentLength.toLongLong() > m_limits.maxBodyBytes)
            return reject(413, QStringLiteral("Request body too large (max %1 bytes)").arg(m_limits.maxBodyBytes));
        m_contentLength = contentLength.toLongLong();
    } else {
        m_contentLength = 0;
    }
    m_state = State::Body;
    return Result::NeedMoreData;
}

RequestFramer::Result RequestFramer::advanceChunked()
{
    while (true) {
        switch (m_chunkState) {
        case ChunkState::Size: {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n", m_chunkPosition);
            // The same limit applies whether the line arrives whole or a byte at a time,
            // because a final CR may still be the start of the line's CRLF.
            const qsizetype lineBytes = lineEnd >= 0 ? lineEnd - m_chunkPosition
                                                     : m_buffer.size() - m_chunkPosition - (m_buffer.endsWith('\r') ? 1 : 0);
            if (lineBytes > MaxChunkSizeLineBytes)
                return reject(400, QStringLiteral("Malformed request: chunk size line too long"));
            if (lineEnd < 0)
                return Result::NeedMoreData;
            QByteArrayView sizeText = QByteArrayView(m_buffer).sliced(m_chunkPosition, lineBytes);
            const qsizetype extension = sizeText.indexOf(';');
            if (extension >= 0)
                sizeText.truncate(extension);
            const QByteArray sizeDigits = trimmedOptionalWhiteSpace(sizeText);
            if (!isDigits(sizeDigits, true))
                return reject(400, QStringLiteral("Malformed request: invalid chunk size"));
            if (significantDigits(sizeDigits) > MaxLengthDigits)
                return reject(413, QStringLiteral("Request body too large (max %1 bytes)").arg(m_limits.maxBodyBytes));
            const qint64 size = sizeDigits.toLongLong(nullptr, 16);
            m_chunkedTotal += size;
            if (m_chunkedTotal > m_limits.maxBodyBytes)
                return reject(413, QStringLiteral("Request body too large (max %1 bytes)").arg(m_limits.maxBodyBytes));
            m_chunkPosition = lineEnd + 2;
            m_chunkRemaining = size;
            m_chunkState = size == 0 ? ChunkState::Trailer : ChunkState::Data;
            break;
        }
        case ChunkState::Data: {
            const qint64 available = m_buffer.size() - m_chunkPosition;
            if (available < m_chunkRemaining)
                return Result::NeedMoreData;
            m_chunkPosition += m_chunkRemaining;
            m_chunkRemaining = 0;
            m_chunkState = ChunkState::DataEnd;
            break;
        }
        case ChunkState::DataEnd:
            if (m_buffer.size() - m_chunkPosition < 2)
                return Result::NeedMoreData;
            if (m_buffer.at(m_chunkPosition) != '\r' || m_buffer.at(m_chunkPosition + 1) != '\n')
                return reject(400, QStringLiteral("Malformed request: chunk data must end with CRLF"));
            m_chunkPosition += 2;
            m_chunkState = ChunkState::Size;
            break;
        case ChunkState::Trailer: {
            // Trailer fields end with an empty line; only the empty trailer is
            // accepted, since nothing here reads trailer fields.
            if (m_buffer.size() - m_chunkPosition < 2)
                return Result::NeedMoreData;
            if (m_buffer.at(m_chunkPosition) != '\r' || m_buffer.at(m_chunkPosition + 1) != '\n')
                return reject(400, QStringLiteral("Malformed request: trailer fields are not supported"));
            m_requestEnd = m_chunkPosition + 2;
            m_state = State::Complete;
            return Result::Complete;
        }
        }
    }
}

QByteArray RequestFramer::takeRequest()
{
    Q_ASSERT(m_state == State::Complete);
    QByteArray request = m_buffer.left(m_requestEnd);
    m_buffer.remove(0, m_requestEnd);
    m_state = State::Headers;
    m_scanned = 0;
    m_requestEnd = 0;
    m_contentLength = 0;
    m_requestIdHeader.clear();
    return request;
}

} // namespace llmring
