// SPDX-License-Identifier: GPL-3.0-or-later
#include "Connection.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscWriter.h"

#include <fmt/format.h>

#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace backline::cli {

Result<Connection> Connection::open(const std::string& host, int port, bool tcp)
{
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return makeError(ErrorCode::Osc, fmt::format("cannot find {}: {}", host, gai_strerror(rc)));
    std::string why = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
        const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0)
            continue;
        // UDP: connect() only fixes the destination, so replies come back to this socket.
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            if (tcp) {
                const int yes = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            }
            freeaddrinfo(found);
            return Connection(fd, tcp);
        }
        why = std::strerror(errno);
        ::close(fd);
    }
    freeaddrinfo(found);
    return makeError(ErrorCode::Osc, fmt::format("cannot reach {}:{} over {}: {}", host, port, tcp ? "TCP" : "UDP", why));
}

Connection::~Connection()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Connection::Connection(Connection&& other) noexcept
    : fd_(other.fd_)
    , tcp_(other.tcp_)
    , decoder_(std::move(other.decoder_))
{
    other.fd_ = -1;
}

bool Connection::send(std::span<const std::uint8_t> packet)
{
    if (!tcp_)
        return ::send(fd_, packet.data(), packet.size(), MSG_NOSIGNAL) == ssize_t(packet.size());
    std::vector<std::uint8_t> framed;
    control::appendFramed(control::Framing::LengthPrefix, packet, framed);
    std::size_t sent = 0;
    while (sent < framed.size()) {
        const ssize_t n = ::send(fd_, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += std::size_t(n);
    }
    return true;
}

bool Connection::send(const std::string& address, const std::vector<control::OscReply::Arg>& args)
{
    control::OscWriter writer;
    writer.message(address, args);
    return send(writer.bytes());
}

void Connection::deliver(std::span<const std::uint8_t> packet,
    const std::function<void(const control::OscInMessage&, bool inBundle)>& onMessage)
{
    const auto parsed = control::parsePacket(packet);
    if (parsed.error) {
        control::OscInMessage note;
        note.address = "#malformed-reply";
        onMessage(note, false);
        return;
    }
    for (const auto& m : parsed.messages)
        onMessage(m, parsed.bundle);
}

bool Connection::receive(std::chrono::milliseconds timeout,
    const std::function<void(const control::OscInMessage&, bool inBundle)>& onMessage)
{
    pollfd p {fd_, POLLIN, 0};
    if (poll(&p, 1, int(timeout.count())) <= 0)
        return true;
    std::vector<std::uint8_t> buffer(65536);
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n == 0 && tcp_)
            return false;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || !tcp_;
        if (!tcp_) {
            deliver(std::span(buffer.data(), std::size_t(n)), onMessage);
            continue;
        }
        std::vector<std::vector<std::uint8_t>> packets;
        if (!decoder_.feed(std::span(buffer.data(), std::size_t(n)), packets, 1 << 20))
            return false;
        for (const auto& packet : packets)
            deliver(packet, onMessage);
    }
}

std::string format(const control::OscInMessage& message)
{
    std::string line = message.address;
    for (int i = 0; i < message.argc; ++i) {
        const lo_arg* a = message.argv[i];
        switch (message.types[std::size_t(i)]) {
        case LO_INT32: line += fmt::format(" {}", control::oscArg<std::int32_t>(a)); break;
        case LO_INT64: line += fmt::format(" {}", control::oscArg<std::int64_t>(a)); break;
        case LO_FLOAT: line += fmt::format(" {:g}", control::oscArg<float>(a)); break;
        case LO_DOUBLE: line += fmt::format(" {:g}", control::oscArg<double>(a)); break;
        case LO_STRING:
        case LO_SYMBOL: line += fmt::format(" \"{}\"", control::oscArgString(a)); break;
        case LO_TRUE: line += " true"; break;
        case LO_FALSE: line += " false"; break;
        case LO_BLOB:
            line += fmt::format(" <blob {} bytes>", lo_blob_datasize(reinterpret_cast<lo_blob>(const_cast<lo_arg*>(a))));
            break;
        default: line += fmt::format(" <{}>", message.types[std::size_t(i)]);
        }
    }
    return line;
}

} // namespace backline::cli
