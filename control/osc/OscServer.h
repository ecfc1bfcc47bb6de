// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscDispatcher.h"
#include "core/Result.h"

#include <lo/lo.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

namespace backline::control {

/// The OSC server: liblo on a UDP port, its own thread, every message through OscDispatcher,
/// replies to the sender's address and port.
class OscServer {
public:
    /// [control] Binds port (0: any free port) and starts serving. The error names the port
    /// when it is taken.
    static Result<std::unique_ptr<OscServer>> start(int port, ControlTarget& target);
    /// [control] Stops the thread and closes the socket.
    ~OscServer();
    OscServer(const OscServer&) = delete;
    OscServer& operator=(const OscServer&) = delete;

    /// The UDP port bound.
    int port() const noexcept { return port_; }
    /// Messages received / answered with /error so far.
    std::uint64_t received() const noexcept { return received_.load(std::memory_order_relaxed); }
    std::uint64_t rejected() const noexcept { return rejected_.load(std::memory_order_relaxed); }

private:
    OscServer(lo_server_thread thread, ControlTarget& target);
    static int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* self);

    /// [osc] Logs a client the first time it is heard from.
    void noteClient(lo_address source, const char* path);

    lo_server_thread thread_;
    std::set<std::string> knownClients_; // OSC thread only
    OscDispatcher dispatcher_;
    int port_ = 0;
    std::atomic<std::uint64_t> received_ {0};
    std::atomic<std::uint64_t> rejected_ {0};
};

} // namespace backline::control
