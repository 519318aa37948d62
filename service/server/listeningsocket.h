// SPDX-License-Identifier: MIT
// Listening sockets that several worker loops can share one port with.

#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace llmring {

// False, with *error, when some socket is already bound to address:port. Worker
// sockets use SO_REUSEPORT, which would otherwise let a second process share the port.
bool isPortFree(const QHostAddress &address, quint16 port, QString *error);

// Opens a non-blocking TCP socket with SO_REUSEPORT bound to address:port and
// listening, and returns its descriptor. Each worker loop gets its own such socket
// on the same port, and the kernel spreads new connections across them. With port 0
// the kernel picks a free port; pass the port of the first socket to the others.
std::optional<int> openListeningSocket(const QHostAddress &address, quint16 port, QString *error);

// The local port a socket is bound to.
quint16 boundPort(int socketDescriptor);

void closeSocket(int socketDescriptor);

} // namespace llmring
