// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "control/osc/StreamFraming.h"
#include "core/Result.h"

#include <cstdint>
#include <span>
#include <vector>

namespace backline::control {

/// A non-blocking socket bound to every local address on both families when the system has
/// IPv6 (a dual-stack `[::]` socket sees IPv4 peers as ::ffff:a.b.c.d), else on 0.0.0.0.
class Socket {
public:
    /// [control] A UDP socket on port (0: any free port).
    static Result<Socket> udp(int port);
    /// [control] A listening TCP socket on port.
    static Result<Socket> tcpListener(int port);
    /// Adopts fd (closed with this object).
    explicit Socket(int fd = -1)
        : fd_(fd)
    {
    }
    ~Socket();
    Socket(Socket&& other) noexcept;
    Socket& operator=(Socket&& other) noexcept;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    int fd() const noexcept { return fd_; }
    /// The local port bound.
    int port() const;

    /// [osc] One datagram into buffer; its size, or -1 when none is waiting.
    long receiveFrom(std::span<std::uint8_t> buffer, Endpoint& from) const;
    /// [osc] Sends a datagram; false when the kernel would block or refused (the packet is dropped).
    bool sendTo(std::span<const std::uint8_t> bytes, const Endpoint& to) const;
    /// [osc] Accepts a waiting connection; a socket with fd -1 when none waits.
    Socket accept(Endpoint& from) const;

private:
    int fd_ = -1;
};

/// One TCP client: its socket, the framing it uses and what waits to be sent. [osc]
struct TcpConnection {
    Socket socket;
    std::uint64_t id = 0;
    Endpoint endpoint;
    StreamDecoder decoder;
    std::vector<std::uint8_t> output; ///< framed bytes not yet written
    bool closing = false;             ///< close once nothing more can be done
    std::int64_t lastHeardNs = 0;     ///< when its last whole packet came (or it connected)
    RateLimit replyBudget {0.0, 0.0}; ///< reply bytes it may be sent (see config::oscDefaultReplyRate)

    /// Queues a packet; false (and closing) when output would pass config::oscTcpOutputLimit.
    bool queue(std::span<const std::uint8_t> packet);
    /// Writes what the kernel takes now; false when the peer is gone.
    bool flush();
    /// Reads what arrived (at most config::oscTcpReadPerTurn) into packets; false when the
    /// peer closed or broke the framing.
    bool read(std::vector<std::vector<std::uint8_t>>& packets);
};

} // namespace backline::control
