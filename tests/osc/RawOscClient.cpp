// SPDX-License-Identifier: GPL-3.0-or-later
#include "RawOscClient.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscWriter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace backline::test {

std::int64_t nowNs()
{
    timespec t {};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return std::int64_t(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

double RawMessage::number(std::size_t i) const
{
    if (i >= args.size())
        return std::nan("");
    return std::visit(
        [](const auto& v) -> double {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_arithmetic_v<T>)
                return double(v);
            else
                return std::nan("");
        },
        args[i]);
}

std::string RawMessage::text(std::size_t i) const
{
    if (i < args.size())
        if (const auto* s = std::get_if<std::string>(&args[i]))
            return *s;
    return {};
}

namespace {

sockaddr_storage makeAddress(const std::string& host, int port, socklen_t& length)
{
    sockaddr_storage storage {};
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(std::uint16_t(port));
        length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(std::uint16_t(port));
        length = sizeof(sockaddr_in6);
    } else {
        throw std::runtime_error("not a numeric address: " + host);
    }
    return storage;
}

} // namespace

RawOscClient::RawOscClient(Kind kind, int port, const std::string& localAddress, const std::string& serverAddress)
    : kind_(kind)
{
    socklen_t localLength = 0;
    socklen_t serverLength = 0;
    const auto local = makeAddress(localAddress, 0, localLength);
    const auto server = makeAddress(serverAddress, port, serverLength);
    fd_ = socket(local.ss_family, kind == Kind::Udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd_ < 0)
        throw std::runtime_error("cannot open a socket");
    const int size = 4 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&local), localLength) != 0)
        throw std::runtime_error("cannot bind to " + localAddress + ": " + std::strerror(errno));
    // UDP: connect() fixes the destination (and filters what comes back to the server's replies).
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&server), serverLength) != 0)
        throw std::runtime_error("cannot connect to " + serverAddress + ":" + std::to_string(port) + ": "
            + std::strerror(errno));
    if (kind != Kind::Udp) {
        const int yes = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    }
}

RawOscClient::~RawOscClient()
{
    if (fd_ >= 0)
        ::close(fd_);
}

int RawOscClient::localPort() const
{
    sockaddr_storage addr {};
    socklen_t length = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    return addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

bool RawOscClient::sendBytes(std::span<const std::uint8_t> bytes)
{
    if (kind_ == Kind::Udp)
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
    std::vector<std::uint8_t> framed;
    control::appendFramed(kind_ == Kind::TcpSlip ? control::Framing::Slip : control::Framing::LengthPrefix, bytes, framed);
    std::size_t sent = 0;
    while (sent < framed.size()) {
        const ssize_t n = ::send(fd_, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += std::size_t(n);
    }
    return true;
}

bool RawOscClient::send(const std::string& address, std::vector<control::OscReply::Arg> args)
{
    control::OscWriter writer;
    writer.message(address, args);
    return sendBytes(writer.bytes());
}

bool RawOscClient::send(const std::string& address, lo_message message)
{
    std::size_t size = 0;
    void* bytes = lo_message_serialise(message, address.c_str(), nullptr, &size);
    const bool ok = sendBytes(std::span(static_cast<const std::uint8_t*>(bytes), size));
    std::free(bytes);
    lo_message_free(message);
    return ok;
}

bool RawOscClient::sendBundle(std::uint64_t timetag, const std::vector<control::OscReply>& messages)
{
    control::OscWriter writer;
    writer.beginBundle(timetag);
    for (const auto& m : messages)
        writer.message(m);
    writer.endBundle();
    return sendBytes(writer.bytes());
}

std::vector<RawMessage> decodeOscPacket(std::span<const std::uint8_t> packet, std::int64_t receivedNs,
    std::uint64_t packetNumber)
{
    std::vector<RawMessage> out;
    auto parsed = control::parsePacket(packet);
    if (parsed.error) {
        RawMessage m;
        m.address = "#malformed";
        m.args.emplace_back(parsed.error->message);
        m.receivedNs = receivedNs;
        m.packet = packetNumber;
        out.push_back(std::move(m));
        return out;
    }
    for (const auto& in : parsed.messages) {
        RawMessage m;
        m.address = in.address;
        m.types = in.types;
        m.inBundle = parsed.bundle;
        m.bundleTime = parsed.timetag;
        m.receivedNs = receivedNs;
        m.packet = packetNumber;
        for (int i = 0; i < in.argc; ++i) {
            lo_arg* a = in.argv[i];
            switch (in.types[std::size_t(i)]) {
            case LO_INT32: m.args.emplace_back(control::oscArg<std::int32_t>(a)); break;
            case LO_FLOAT: m.args.emplace_back(control::oscArg<float>(a)); break;
            case LO_DOUBLE: m.args.emplace_back(control::oscArg<double>(a)); break;
            case LO_INT64: m.args.emplace_back(control::oscArg<std::int64_t>(a)); break;
            case LO_STRING:
            case LO_SYMBOL: m.args.emplace_back(std::string(control::oscArgString(a))); break;
            case LO_BLOB: {
                auto blob = reinterpret_cast<lo_blob>(a);
                const auto* data = static_cast<const std::uint8_t*>(lo_blob_dataptr(blob));
                m.args.emplace_back(std::vector<std::uint8_t>(data, data + lo_blob_datasize(blob)));
                break;
            }
            default: m.args.emplace_back(std::string("?"));
            }
        }
        out.push_back(std::move(m));
    }
    return out;
}

void RawOscClient::decode(std::span<const std::uint8_t> packet, std::int64_t receivedNs)
{
    for (auto& m : decodeOscPacket(packet, receivedNs, ++packets_))
        inbox_.push_back(std::move(m));
}

void RawOscClient::pump(int timeoutMs)
{
    pollfd p {fd_, POLLIN, 0};
    if (poll(&p, 1, timeoutMs) <= 0)
        return;
    std::vector<std::uint8_t> buffer(65536);
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n <= 0)
            return;
        bytes_ += std::uint64_t(n);
        const std::int64_t t = nowNs();
        if (kind_ == Kind::Udp) {
            decode(std::span(buffer.data(), std::size_t(n)), t);
        } else {
            std::vector<std::vector<std::uint8_t>> packets;
            decoder_.feed(std::span(buffer.data(), std::size_t(n)), packets, 1 << 20);
            for (const auto& packet : packets)
                decode(packet, t);
        }
    }
}

std::optional<RawMessage> RawOscClient::receive(std::chrono::milliseconds timeout)
{
    const std::int64_t deadline = nowNs() + std::int64_t(timeout.count()) * 1000000;
    while (inbox_.empty()) {
        const std::int64_t left = deadline - nowNs();
        if (left <= 0)
            return std::nullopt;
        pump(int(std::min<std::int64_t>(left / 1000000 + 1, 50)));
    }
    RawMessage m = std::move(inbox_.front());
    inbox_.erase(inbox_.begin());
    return m;
}

std::optional<RawMessage> RawOscClient::receiveAddress(const std::string& address, std::chrono::milliseconds timeout)
{
    const std::int64_t deadline = nowNs() + std::int64_t(timeout.count()) * 1000000;
    for (;;) {
        const std::int64_t left = deadline - nowNs();
        if (left <= 0)
            return std::nullopt;
        auto m = receive(std::chrono::milliseconds(left / 1000000 + 1));
        if (m && m->address == address)
            return m;
    }
}

std::vector<RawMessage> RawOscClient::receiveFor(std::chrono::milliseconds duration)
{
    std::vector<RawMessage> out;
    const std::int64_t deadline = nowNs() + std::int64_t(duration.count()) * 1000000;
    for (;;) {
        const std::int64_t left = deadline - nowNs();
        pump(int(std::clamp<std::int64_t>(left / 1000000 + 1, 0, 50)));
        for (auto& m : inbox_)
            out.push_back(std::move(m));
        inbox_.clear();
        if (left <= 0)
            break;
    }
    return out;
}

std::optional<std::vector<RawMessage>> RawOscClient::receiveUntil(
    const std::function<bool(const RawMessage&)>& last, std::chrono::milliseconds timeout)
{
    const std::int64_t deadline = nowNs() + std::int64_t(timeout.count()) * 1000000;
    std::vector<RawMessage> out;
    for (;;) {
        const std::int64_t left = deadline - nowNs();
        if (left <= 0)
            return std::nullopt;
        auto m = receive(std::chrono::milliseconds(left / 1000000 + 1));
        if (!m)
            continue;
        out.push_back(std::move(*m));
        if (last(out.back()))
            return out;
    }
}

std::optional<std::vector<RawMessage>> RawOscClient::receiveThrough(const std::string& address,
    std::chrono::milliseconds timeout)
{
    return receiveUntil([&](const RawMessage& m) { return m.address == address; }, timeout);
}

std::optional<std::vector<RawMessage>> RawOscClient::receiveUntilPong(std::chrono::milliseconds timeout)
{
    send("/ping");
    auto got = receiveThrough("/pong", timeout);
    if (got)
        got->pop_back();
    return got;
}

bool RawOscClient::closedByPeer()
{
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n == 0)
            return true;
        if (n < 0)
            return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    }
}

std::optional<RawMessage> RawOscClient::request(const std::string& address, std::chrono::milliseconds timeout)
{
    send(address);
    return receive(timeout);
}

void RawOscClient::drain()
{
    pump(0);
    inbox_.clear();
}

} // namespace backline::test
