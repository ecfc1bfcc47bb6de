// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscPacket.h"
#include "control/osc/OscReply.h"
#include "control/osc/StreamFraming.h"
#include "core/Result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace backline::cli {

/// The `backline` client's line to backlined: one UDP socket (replies come back to it) or one
/// TCP connection (OSC 1.0 size-prefixed frames), sending packets and handing every message it
/// receives, bundles unpacked, to a callback.
class Connection {
public:
    /// [main] Resolves host:port (names or numbers, IPv4 or IPv6) and opens the socket.
    static Result<Connection> open(const std::string& host, int port, bool tcp);
    ~Connection();
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&&) = delete;
    Connection(const Connection&) = delete;

    /// Sends one packet; false when the socket refused it.
    bool send(std::span<const std::uint8_t> packet);
    /// Sends a message.
    bool send(const std::string& address, const std::vector<control::OscReply::Arg>& args);
    /// Waits up to timeout for packets; calls onMessage for each message in them (the packet
    /// number lets a caller tell bundles apart). Returns false when the connection closed.
    bool receive(std::chrono::milliseconds timeout,
        const std::function<void(const control::OscInMessage&, bool inBundle)>& onMessage);

private:
    explicit Connection(int fd, bool tcp)
        : fd_(fd)
        , tcp_(tcp)
    {
    }
    void deliver(std::span<const std::uint8_t> packet,
        const std::function<void(const control::OscInMessage&, bool inBundle)>& onMessage);

    int fd_ = -1;
    bool tcp_ = false;
    control::StreamDecoder decoder_;
};

/// A message as one line: `/address 1 -6.5 "text" <blob 16 bytes>`.
std::string format(const control::OscInMessage& message);

} // namespace backline::cli
