// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>

namespace backline::control {

/// An NTP timetag (seconds since 1900 in the high 32 bits, fraction in the low) of a wall time.
std::uint64_t toTimetag(std::chrono::system_clock::time_point time);
/// The wall time of an NTP timetag.
std::chrono::system_clock::time_point fromTimetag(std::uint64_t timetag);

/// When a bundle stamped `timetag` is due, in seconds from systemNow (negative: past).
double secondsUntil(std::uint64_t timetag, std::chrono::system_clock::time_point systemNow);

/// [any] CLOCK_MONOTONIC now, in nanoseconds (the engine's clock readings use the same clock).
std::int64_t monotonicNowNs();

} // namespace backline::control
