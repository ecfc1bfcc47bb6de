// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscSockets.h"

#include "control/osc/OscConfig.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>

namespace backline::control {

namespace {

void setNonBlocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/// Binds a socket of type on port, dual-stack when the system allows it.
Result<Socket> bindSocket(int type, int port)
{
    const char* what = type == SOCK_DGRAM ? "UDP" : "TCP";
    int fd = socket(AF_INET6, type, 0);
    if (fd >= 0) {
        const int no = 0;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);
        const int yes = 1;
        if (type == SOCK_STREAM)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        sockaddr_in6 addr {};
        addr.sin6_family = AF_INET6;
        addr.sin6_addr = in6addr_any;
        addr.sin6_port = htons(std::uint16_t(port));
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
            setNonBlocking(fd);
            return Socket(fd);
        }
        const int err = errno;
        ::close(fd);
        if (err == EADDRINUSE)
            return makeError(ErrorCode::Osc, fmt::format("{} port {} is in use", what, port));
    }
    // No IPv6 on this system: IPv4 only.
    fd = socket(AF_INET, type, 0);
    if (fd < 0)
        return makeError(ErrorCode::Osc, fmt::format("cannot open a {} socket: {}", what, std::strerror(errno)));
    const int yes = 1;
    if (type == SOCK_STREAM)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(std::uint16_t(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        return makeError(ErrorCode::Osc, fmt::format("cannot bind {} port {}: {}", what, port, std::strerror(err)));
    }
    setNonBlocking(fd);
    return Socket(fd);
}

} // namespace

Result<Socket> Socket::udp(int port)
{
    auto s = bindSocket(SOCK_DGRAM, port);
    if (s) {
        const int size = config::oscSocketBufferBytes;
        setsockopt(s->fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt(s->fd(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    return s;
}

Result<Socket> Socket::tcpListener(int port)
{
    auto s = bindSocket(SOCK_STREAM, port);
    if (s && listen(s->fd(), 16) != 0)
        return makeError(ErrorCode::Osc, fmt::format("cannot listen on TCP port {}: {}", port, std::strerror(errno)));
    return s;
}

Socket::~Socket()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Socket::Socket(Socket&& other) noexcept
    : fd_(other.fd_)
{
    other.fd_ = -1;
}

Socket& Socket::operator=(Socket&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

int Socket::port() const
{
    sockaddr_storage addr {};
    socklen_t length = sizeof addr;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
        return 0;
    if (addr.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

long Socket::receiveFrom(std::span<std::uint8_t> buffer, Endpoint& from) const
{
    from.transport = Transport::Udp;
    from.connection = 0;
    from.addressLength = sizeof from.address;
    const ssize_t n = recvfrom(fd_, buffer.data(), buffer.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&from.address),
        &from.addressLength);
    return n < 0 ? -1 : long(n);
}

bool Socket::sendTo(std::span<const std::uint8_t> bytes, const Endpoint& to) const
{
    const ssize_t n = sendto(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
        reinterpret_cast<const sockaddr*>(&to.address), to.addressLength);
    return n == ssize_t(bytes.size());
}

Socket Socket::accept(Endpoint& from) const
{
    from.transport = Transport::Tcp;
    from.addressLength = sizeof from.address;
    const int fd = ::accept(fd_, reinterpret_cast<sockaddr*>(&from.address), &from.addressLength);
    if (fd < 0)
        return Socket();
    setNonBlocking(fd);
    const int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    return Socket(fd);
}

bool TcpConnection::queue(std::span<const std::uint8_t> packet)
{
    if (closing)
        return false;
    if (output.size() + packet.size() + 4 > config::oscTcpOutputLimit) {
        closing = true;
        return false;
    }
    appendFramed(decoder.framing(), packet, output);
    return true;
}

bool TcpConnection::flush()
{
    std::size_t sent = 0;
    while (sent < output.size()) {
        const ssize_t n = ::send(socket.fd(), output.data() + sent, output.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            sent += std::size_t(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        output.clear();
        return false;
    }
    output.erase(output.begin(), output.begin() + std::ptrdiff_t(sent));
    return true;
}

bool TcpConnection::read(std::vector<std::vector<std::uint8_t>>& packets)
{
    std::uint8_t buffer[16384];
    std::size_t total = 0;
    while (total < config::oscTcpReadPerTurn) {
        const ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (n == 0)
            return false;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        total += std::size_t(n);
        if (!decoder.feed(std::span(buffer, std::size_t(n)), packets, config::oscMaxPacketBytes))
            return false;
    }
    return true;
}

} // namespace backline::control
