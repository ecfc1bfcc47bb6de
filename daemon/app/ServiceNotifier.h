// SPDX-License-Identifier: GPL-3.0-or-later
// ServiceNotifier: what systemd's service manager is told of the daemon's life (sd_notify):
// ready, reloading, stopping, a status line, and the watchdog's pings. Main thread, but for
// reloading() and ready(), which a surface's thread may call around a reload.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace backline::app {

/// The daemon's side of systemd's notify protocol (`Type=notify` units, `WatchdogSec=`). Without
/// NOTIFY_SOCKET in the environment (not under systemd) every call costs nothing and says
/// nothing. The watchdog is pinged only while the daemon is well (see upkeep()), so a stalled
/// audio thread or a wedged main thread stops the pings and systemd restarts the service.
class ServiceNotifier {
public:
    /// [main] Reads NOTIFY_SOCKET and the watchdog's interval (WATCHDOG_USEC, WATCHDOG_PID).
    ServiceNotifier();

    /// [any] Whether a service manager listens.
    bool active() const noexcept { return active_; }
    /// [any] The watchdog's interval, when systemd asked for pings.
    std::optional<std::chrono::microseconds> watchdogInterval() const noexcept { return watchdog_; }

    /// [any] READY=1 with the status line: the session plays (after start, or a reload).
    void ready(std::string_view status);
    /// [any] RELOADING=1: a reload has begun; ready() ends it.
    void reloading();
    /// [main] STOPPING=1: the daemon is going down.
    void stopping();
    /// [any] STATUS=: the line `systemctl status` shows. Sent only when it changed.
    void status(std::string_view text);

    /// [main] Called every pass of the main loop: pings the watchdog at half its interval when
    /// the audio thread has run since the last ping (audioBlocks, its count of blocks, moved
    /// on), or none is expected to run (nullopt: no JACK server, the daemon waits for one).
    void upkeep(std::optional<std::uint64_t> audioBlocks);

private:
    void send(const std::string& state);

    bool active_ = false;
    std::optional<std::chrono::microseconds> watchdog_;
    std::chrono::steady_clock::time_point lastPing_ {};
    std::optional<std::uint64_t> blocksAtPing_;
    std::mutex mutex_; // the last status line: ready() and status() may come from two threads
    std::string lastStatus_;
};

} // namespace backline::app
