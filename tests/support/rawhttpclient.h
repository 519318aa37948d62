// SPDX-License-Identifier: MIT
// Sends exact bytes over a TCP socket, for malformed requests.

#pragma once

#include "httpclient.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace llmring::test {

// Writes `request` as given and reads what comes back until the connection closes,
// `expectedResponses` complete responses arrived, or `timeoutMs` passed.
struct RawExchange
{
    QList<HttpResponse> responses;
    bool closedByServer = false;
    QByteArray unparsed; // bytes after the last complete response
};

// Takes one complete response (with a Content-Length body, or none) off the front of
// `buffer`, or std::nullopt while it is incomplete.
std::optional<HttpResponse> takeResponse(QByteArray &buffer);

RawExchange rawExchange(quint16 port, const QByteArray &request, int expectedResponses = 1, int timeoutMs = 10000);

} // namespace llmring::test
