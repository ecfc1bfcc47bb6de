// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscSockets.h"

#include "control/osc/OscConfig.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
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
        // Which of our addresses each datagram arrived at (see Endpoint::local): IPv6 and, on a
        // dual-stack socket, IPv4 datagrams too.
        const int yes = 1;
        setsockopt(s->fd(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &yes, sizeof yes);
        setsockopt(s->fd(), IPPROTO_IP, IP_PKTINFO, &yes, sizeof yes);
        const int size = config::oscSocketBufferBytes;
        setsockopt(s->fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt(s->fd(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    return s;
}

Result<Socket> Socket::tcpListener(int port)
{
    auto s = bindSocket(SOCK_STREAM, port);
    // Room for a burst of connections while the OSC thread is busy: the server, not the
    // kernel's queue, decides who stays (a full queue drops SYNs and a client waits a second).
    if (s && listen(s->fd(), 128) != 0)
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
    from.local = {};
    iovec data {buffer.data(), buffer.size()};
    alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in_pktinfo))];
    msghdr message {};
    message.msg_name = &from.address;
    message.msg_namelen = sizeof from.address;
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(fd_, &message, MSG_TRUNC);
    if (n < 0)
        return -1;
    from.addressLength = message.msg_namelen;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
        // The local address the datagram came in on (for a broadcast, the interface's own
        // address, not the broadcast one: a reply cannot leave from that).
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            if (info.ipi_spec_dst.s_addr != htonl(INADDR_ANY)) {
                from.local.family = AF_INET;
                from.local.v4 = info.ipi_spec_dst;
                from.local.interface = unsigned(info.ipi_ifindex);
            }
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            // A multicast destination is not an address of ours: the kernel picks the source.
            // An IPv4-mapped one comes with IP_PKTINFO as well, which says it as IPv4.
            if (!IN6_IS_ADDR_MULTICAST(&info.ipi6_addr) && !IN6_IS_ADDR_V4MAPPED(&info.ipi6_addr)) {
                from.local.family = AF_INET6;
                from.local.v6 = info.ipi6_addr;
                from.local.interface = info.ipi6_ifindex;
            }
        }
    }
    return long(n);
}

bool Socket::sendTo(std::span<const std::uint8_t> bytes, const Endpoint& to) const
{
    iovec data {const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))] {};
    msghdr message {};
    message.msg_name = const_cast<sockaddr_storage*>(&to.address);
    message.msg_namelen = to.addressLength;
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    if (to.local.family == AF_INET || to.local.family == AF_INET6) {
        message.msg_control = control;
        cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
        if (to.local.family == AF_INET) {
            // The source address only; the route picks the interface.
            in_pktinfo info {};
            info.ipi_spec_dst = to.local.v4;
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            message.msg_controllen = CMSG_SPACE(sizeof info);
        } else {
            // A link-local address means something only on its interface: keep it.
            in6_pktinfo info {};
            info.ipi6_addr = to.local.v6;
            info.ipi6_ifindex = IN6_IS_ADDR_LINKLOCAL(&to.local.v6) ? to.local.interface : 0;
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            message.msg_controllen = CMSG_SPACE(sizeof info);
        }
    }
    ssize_t n = sendmsg(fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && message.msg_control && errno != EAGAIN && errno != EWOULDBLOCK) {
        // The address went away (an interface down, DHCP renewed): let the kernel choose.
        message.msg_control = nullptr;
        message.msg_controllen = 0;
        n = sendmsg(fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
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
