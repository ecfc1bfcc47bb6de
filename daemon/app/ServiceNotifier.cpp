// SPDX-License-Identifier: GPL-3.0-or-later
// ServiceNotifier: systemd's notify protocol through libsystemd's sd_notify (a datagram to
// NOTIFY_SOCKET, so any thread may send without blocking on the service manager).
#include "app/ServiceNotifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace backline::app {

ServiceNotifier::ServiceNotifier()
{
    const char* socket = std::getenv("NOTIFY_SOCKET");
    active_ = socket && *socket;
    std::uint64_t usec = 0;
    // sd_watchdog_enabled checks WATCHDOG_PID against this process: a variable inherited from
    // a parent service does not make this process ping (0: keep the variables for children,
    // who do not inherit the watchdog's duty either way: they are not the main PID).
    if (active_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        watchdog_ = std::chrono::microseconds(usec);
        spdlog::info("systemd: the watchdog expects a sign of life every {:.1f} s", double(usec) / 1e6);
    }
}

void ServiceNotifier::send(const std::string& state)
{
    if (!active_)
        return;
    if (const int r = sd_notify(0, state.c_str()); r < 0)
        spdlog::debug("systemd: could not notify '{}': error {}", state.substr(0, state.find('\n')), -r);
}

void ServiceNotifier::ready(std::string_view text)
{
    if (!active_)
        return;
    std::lock_guard lock(mutex_);
    lastStatus_ = text;
    send("READY=1\nSTATUS=" + lastStatus_);
}

void ServiceNotifier::reloading()
{
    send("RELOADING=1\nSTATUS=reloading the session");
}

void ServiceNotifier::stopping()
{
    send("STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::status(std::string_view text)
{
    if (!active_)
        return;
    std::lock_guard lock(mutex_);
    if (text == lastStatus_)
        return;
    lastStatus_ = text;
    send("STATUS=" + lastStatus_);
}

void ServiceNotifier::upkeep(std::optional<std::uint64_t> audioBlocks)
{
    if (!watchdog_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - lastPing_ < *watchdog_ / 2)
        return;
    // The same count as at the last ping: the audio thread is stuck (or JACK stopped calling
    // it). No ping: when that lasts the whole interval, systemd restarts the service.
    if (audioBlocks && blocksAtPing_ && *audioBlocks == *blocksAtPing_)
        return;
    blocksAtPing_ = audioBlocks;
    lastPing_ = now;
    send("WATCHDOG=1");
}

} // namespace backline::app
