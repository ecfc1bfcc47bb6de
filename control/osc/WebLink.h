// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace backline::control {

/// Where the OSC server hands the packets it sends to web clients (Transport::Web): the web
/// server, which carries each out as one binary WebSocket message on its own thread.
class WebOutlet {
public:
    /// [osc] One packet for WebSocket connection `connection`; must not block (the web server
    /// posts it to its thread, which queues it, bounded, and closes a client that does not read).
    virtual void deliver(std::uint64_t connection, std::shared_ptr<const std::vector<std::uint8_t>> packet) = 0;

protected:
    ~WebOutlet() = default;
};

} // namespace backline::control
