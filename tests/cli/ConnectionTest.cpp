// SPDX-License-Identifier: GPL-3.0-or-later
// The `backline` client's Connection against a plain socket playing backlined on loopback, and
// format(), which prints each reply as one line.
#include "control/cli/Connection.h"

#include "control/osc/OscPacket.h"
#include "control/osc/OscWriter.h"
#include "control/osc/StreamFraming.h"

#include <gtest/gtest.h>

#include <lo/lo.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <vector>

using namespace backline;
using namespace std::chrono_literals;

namespace {

/// A socket on 127.0.0.1 with a port of its own: UDP, or TCP listening.
class Peer {
public:
    explicit Peer(bool tcp)
        : fd_(::socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0))
    {
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        if (tcp) {
            EXPECT_EQ(::listen(fd_, 1), 0);
        }
        socklen_t length = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
        port_ = ntohs(a.sin_port);
        const timeval limit {2, 0}; // a read that waits longer fails the test instead of hanging it
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    }
    ~Peer()
    {
        if (connection_ >= 0)
            ::close(connection_);
        ::close(fd_);
    }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    int port() const { return port_; }

    /// UDP: the next datagram, remembering who sent it.
    std::vector<std::uint8_t> receiveDatagram()
    {
        std::vector<std::uint8_t> bytes(65536);
        socklen_t length = sizeof from_;
        const ssize_t n = ::recvfrom(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&from_), &length);
        bytes.resize(n > 0 ? std::size_t(n) : 0);
        return bytes;
    }
    /// UDP: bytes to whoever sent the last datagram.
    void reply(const std::vector<std::uint8_t>& bytes)
    {
        ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&from_), sizeof from_);
    }

    /// TCP: accepts the client and reads one size-prefixed packet from it.
    std::vector<std::uint8_t> receiveFrame()
    {
        if (connection_ < 0)
            connection_ = ::accept(fd_, nullptr, nullptr);
        std::array<std::uint8_t, 4> prefix {};
        if (!readAll(prefix.data(), prefix.size()))
            return {};
        const std::uint32_t size = std::uint32_t(prefix[0]) << 24 | std::uint32_t(prefix[1]) << 16
            | std::uint32_t(prefix[2]) << 8 | prefix[3];
        std::vector<std::uint8_t> bytes(size);
        if (!readAll(bytes.data(), bytes.size()))
            return {};
        return bytes;
    }
    /// TCP: sends raw stream bytes to the accepted client.
    void write(const std::vector<std::uint8_t>& bytes) { ::send(connection_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
    /// TCP: hangs up.
    void hangUp()
    {
        ::close(connection_);
        connection_ = -1;
    }

private:
    bool readAll(std::uint8_t* to, std::size_t n)
    {
        for (std::size_t got = 0; got < n;) {
            const ssize_t r = ::recv(connection_, to + got, n - got, 0);
            if (r <= 0)
                return false;
            got += std::size_t(r);
        }
        return true;
    }

    int fd_;
    int connection_ = -1;
    int port_ = 0;
    sockaddr_in from_ {};
};

std::vector<std::uint8_t> message(const std::string& address, std::vector<control::OscReply::Arg> args = {})
{
    control::OscWriter w;
    w.message(address, args);
    return w.bytes();
}

std::string addressOf(const std::vector<std::uint8_t>& bytes)
{
    const auto packet = control::parsePacket(bytes);
    return packet.messages.empty() ? "" : packet.messages[0].address;
}

struct Heard {
    std::string line;
    bool inBundle;
};

/// Everything the connection hands on within timeout, as lines; false in `open` when it closed.
std::vector<Heard> heard(cli::Connection& c, bool* open = nullptr, std::chrono::milliseconds timeout = 2000ms)
{
    std::vector<Heard> out;
    const bool stillOpen = c.receive(timeout, [&](const control::OscInMessage& m, bool inBundle) {
        out.push_back({cli::format(m), inBundle});
    });
    if (open)
        *open = stillOpen;
    return out;
}

/// Over UDP: the connection sends address with args, the daemon reads it and answers reply.
/// Returns the address the daemon read and what the connection handed on.
std::pair<std::string, std::vector<Heard>> exchangeOverUdp(const std::string& address,
    const std::vector<control::OscReply::Arg>& args, const std::vector<std::uint8_t>& reply)
{
    Peer daemon(false);
    auto c = cli::Connection::open("127.0.0.1", daemon.port(), false);
    EXPECT_TRUE(c) << c.error().message;
    if (!c || !c->send(address, args))
        return {};
    const std::string sent = addressOf(daemon.receiveDatagram());
    daemon.reply(reply);
    return {sent, heard(*c)};
}

} // namespace

TEST(Connection, OverUdpSendsAPacketAndHandsOnTheReply)
{
    const auto [sent, got] = exchangeOverUdp("/track/a/gain", {-6.5f}, message("/track/a/gain", {-6.5f}));
    EXPECT_EQ(sent, "/track/a/gain");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].line, "/track/a/gain -6.5");
    EXPECT_FALSE(got[0].inBundle);
}

TEST(Connection, ABundleIsHandedOnMessageByMessage)
{
    control::OscWriter w;
    w.beginBundle();
    w.message("/feedback/seq", std::vector<control::OscReply::Arg> {7});
    w.message("/track/a/pan", std::vector<control::OscReply::Arg> {0.25f});
    w.endBundle();
    const auto got = exchangeOverUdp("/subscribe", {}, w.bytes()).second;
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].line, "/feedback/seq 7");
    EXPECT_EQ(got[1].line, "/track/a/pan 0.25");
    EXPECT_TRUE(got[0].inBundle);
    EXPECT_TRUE(got[1].inBundle);
}

TEST(Connection, AReplyThatIsNotOscIsNamedNotDropped)
{
    const auto got = exchangeOverUdp("/ping", {}, {0xde, 0xad, 0xbe, 0xef}).second;
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].line, "#malformed-reply");
}

TEST(Connection, OverTcpFramesEachPacketWithItsSizeBothWays)
{
    Peer daemon(true);
    auto c = cli::Connection::open("127.0.0.1", daemon.port(), true);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->send("/state", {}));
    ASSERT_TRUE(c->send("/ping", {}));
    EXPECT_EQ(addressOf(daemon.receiveFrame()), "/state");
    EXPECT_EQ(addressOf(daemon.receiveFrame()), "/ping");
    // Two packets in one write, the second split from the first mid-frame: both come whole.
    std::vector<std::uint8_t> stream;
    control::appendFramed(control::Framing::LengthPrefix, message("/state/end", {3, 0, 3}), stream);
    control::appendFramed(control::Framing::LengthPrefix, message("/pong"), stream);
    const std::vector<std::uint8_t> first(stream.begin(), stream.end() - 5);
    const std::vector<std::uint8_t> rest(stream.end() - 5, stream.end());
    daemon.write(first);
    std::vector<Heard> got = heard(*c);
    daemon.write(rest);
    for (const auto& h : heard(*c))
        got.push_back(h);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].line, "/state/end 3 0 3");
    EXPECT_EQ(got[1].line, "/pong");
}

TEST(Connection, ATcpConnectionTheDaemonClosedSaysSo)
{
    Peer daemon(true);
    auto c = cli::Connection::open("127.0.0.1", daemon.port(), true);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->send("/ping", {}));
    daemon.receiveFrame();
    daemon.hangUp();
    bool open = true;
    EXPECT_TRUE(heard(*c, &open).empty());
    EXPECT_FALSE(open);
}

TEST(Connection, NobodyListeningOverTcpIsAnErrorNamingWhere)
{
    int port = 0;
    {
        Peer gone(true); // a port that was free a moment ago, closed again
        port = gone.port();
    }
    auto c = cli::Connection::open("127.0.0.1", port, true);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("cannot reach 127.0.0.1:" + std::to_string(port) + " over TCP"), std::string::npos)
        << c.error().message;
}

TEST(Connection, FormatPrintsEveryArgumentTypeOnOneLine)
{
    lo_message m = lo_message_new();
    lo_message_add_int32(m, -3);
    lo_message_add_int64(m, 1LL << 40);
    lo_message_add_float(m, 1.5f);
    lo_message_add_double(m, 0.25);
    lo_message_add_string(m, "two words");
    lo_message_add_symbol(m, "sym");
    lo_message_add_true(m);
    lo_message_add_false(m);
    const std::uint8_t data[16] {};
    lo_blob blob = lo_blob_new(sizeof data, data);
    lo_message_add_blob(m, blob);
    lo_message_add_nil(m);
    std::size_t size = 0;
    void* raw = lo_message_serialise(m, "/all", nullptr, &size);
    const std::vector<std::uint8_t> bytes(static_cast<std::uint8_t*>(raw), static_cast<std::uint8_t*>(raw) + size);
    std::free(raw);
    lo_blob_free(blob);
    lo_message_free(m);
    const auto packet = control::parsePacket(bytes);
    ASSERT_FALSE(packet.error) << packet.error->message;
    ASSERT_EQ(packet.messages.size(), 1u);
    EXPECT_EQ(cli::format(packet.messages[0]),
        "/all -3 1099511627776 1.5 0.25 \"two words\" \"sym\" true false <blob 16 bytes> <N>");
}
