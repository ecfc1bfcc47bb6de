// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscReply.h"
#include "control/osc/StreamFraming.h"

#include <lo/lo.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

/// An OSC client on raw sockets for tests and benchmarks: UDP or TCP (either framing), bound
/// to any local address (127.0.0.2 plays a stranger), sending well-formed or deliberately
/// broken bytes and decoding every reply (bundles unpacked, blobs kept).
namespace backline::test {

/// A received message, with the bundle it came in.
struct RawMessage {
    using Arg = std::variant<int, float, double, std::int64_t, std::string, std::vector<std::uint8_t>>;
    std::string address;
    std::string types;
    std::vector<Arg> args;
    bool inBundle = false;
    std::uint64_t bundleTime = 0;
    std::int64_t receivedNs = 0; ///< CLOCK_MONOTONIC when its packet arrived
    std::uint64_t packet = 0;    ///< number of the packet it came in (1, 2, …)

    /// Argument i as a number (NaN when it is not one).
    double number(std::size_t i) const;
    /// Argument i as text (empty when it is not).
    std::string text(std::size_t i) const;
};

class RawOscClient {
public:
    enum class Kind { Udp, TcpLengthPrefix, TcpSlip };

    /// A client of a server on serverAddress:port, with its socket bound to localAddress.
    RawOscClient(Kind kind, int port, const std::string& localAddress = "127.0.0.1",
        const std::string& serverAddress = "127.0.0.1");
    ~RawOscClient();
    RawOscClient(const RawOscClient&) = delete;
    RawOscClient& operator=(const RawOscClient&) = delete;

    /// Sends bytes as one packet (framed over TCP). False when the socket refused them.
    bool sendBytes(std::span<const std::uint8_t> bytes);
    /// Sends a message with int/float/string arguments.
    bool send(const std::string& address, std::vector<control::OscReply::Arg> args = {});
    /// Sends a liblo message (any argument types) and frees it.
    bool send(const std::string& address, lo_message message);
    /// Sends messages in one bundle stamped timetag.
    bool sendBundle(std::uint64_t timetag, const std::vector<control::OscReply>& messages);

    /// The next message within timeout, or nullopt.
    std::optional<RawMessage> receive(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// The first message within timeout whose address is address (others are discarded).
    std::optional<RawMessage> receiveAddress(const std::string& address,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Everything that arrives within duration (0: what is here already). Checks that something did NOT come need a
    /// positive control beside them (receiveUntilPong), or a dead socket passes them.
    std::vector<RawMessage> receiveFor(std::chrono::milliseconds duration);
    /// Every message up to and including the first that last accepts, waiting up to timeout for
    /// it; nullopt when it did not come.
    std::optional<std::vector<RawMessage>> receiveUntil(const std::function<bool(const RawMessage&)>& last,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Every message up to and including the first at address; nullopt when it did not come.
    std::optional<std::vector<RawMessage>> receiveThrough(const std::string& address,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Sends /ping and returns every message that came before its /pong; nullopt when no /pong
    /// came within timeout. The server handles one socket's packets in order, so whatever it
    /// answered to what this client sent before is in the list, and a check that something is
    /// NOT in it cannot pass because nothing gets through.
    std::optional<std::vector<RawMessage>> receiveUntilPong(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Whether the server closed this TCP connection (end of stream or reset), reading and
    /// discarding whatever came before; never waits.
    bool closedByPeer();
    /// Sends address (no arguments) and returns the first reply.
    std::optional<RawMessage> request(const std::string& address,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Discards whatever is waiting.
    void drain();

    /// Bytes received so far (UDP payloads; over TCP, the stream's bytes).
    std::uint64_t bytesReceived() const { return bytes_; }
    /// The local port.
    int localPort() const;
    int fd() const { return fd_; }

private:
    void pump(int timeoutMs);
    void decode(std::span<const std::uint8_t> packet, std::int64_t nowNs);

    Kind kind_;
    int fd_ = -1;
    control::StreamDecoder decoder_;
    std::vector<RawMessage> inbox_;
    std::uint64_t packets_ = 0;
    std::uint64_t bytes_ = 0;
};

/// The messages of one packet (a bundle's, unpacked; "#malformed" with the reason when it is not OSC).
std::vector<RawMessage> decodeOscPacket(std::span<const std::uint8_t> packet, std::int64_t receivedNs = 0,
    std::uint64_t packetNumber = 0);

/// CLOCK_MONOTONIC now in nanoseconds.
std::int64_t nowNs();

} // namespace backline::test
