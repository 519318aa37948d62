// SPDX-License-Identifier: MIT

#include "listeningsocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace llmring {

namespace {

constexpr int ListenBacklog = 1024;

socklen_t fillAddress(const QHostAddress &address, quint16 port, sockaddr_storage *storage)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        return sizeof(sockaddr_in6);
    }
    auto *in4 = reinterpret_cast<sockaddr_in *>(storage);
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    in4->sin_addr.s_addr = htonl(address.toIPv4Address());
    return sizeof(sockaddr_in);
}

} // namespace

bool isPortFree(const QHostAddress &address, quint16 port, QString *error)
{
    // A socket without SO_REUSEPORT cannot bind where any socket is bound, so binding
    // one for a moment shows whether another process (another llmring-server, say)
    // already serves the port. SO_REUSEPORT alone would let both bind and split the
    // traffic between them.
    const bool ipv6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int probe = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0) {
        *error = QStringLiteral("cannot create a socket: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const int enable = 1;
    ::setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof enable);
    sockaddr_storage storage{};
    const socklen_t length = fillAddress(address, port, &storage);
    const bool bound = ::bind(probe, reinterpret_cast<sockaddr *>(&storage), length) == 0;
    const int bindErrno = errno;
    ::close(probe);
    if (!bound) {
        *error = QStringLiteral("cannot listen on %1:%2: %3; is another llmring-server running?")
                     .arg(address.toString())
                     .arg(port)
                     .arg(QString::fromLocal8Bit(std::strerror(bindErrno)));
    }
    return bound;
}

std::optional<int> openListeningSocket(const QHostAddress &address, quint16 port, QString *error)
{
    const bool ipv6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = QStringLiteral("cannot create a socket: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return std::nullopt;
    }

    const int enable = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof enable);
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &enable, sizeof enable) != 0) {
        *error = QStringLiteral("cannot set SO_REUSEPORT: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fd);
        return std::nullopt;
    }

    sockaddr_storage storage{};
    const socklen_t length = fillAddress(address, port, &storage);

    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 || ::listen(fd, ListenBacklog) != 0) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fd);
        return std::nullopt;
    }
    return fd;
}

quint16 boundPort(int socketDescriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getsockname(socketDescriptor, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
}

void closeSocket(int socketDescriptor)
{
    ::close(socketDescriptor);
}

} // namespace llmring
