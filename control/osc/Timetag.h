// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>

namespace backline::control {

/// The engine's sample clock as a control thread sees it: frame `frame` began (was due) at
/// CLOCK_MONOTONIC time `monotonicNs`.
struct EngineClock {
    std::uint64_t frame = 0;
    std::int64_t monotonicNs = 0; ///< 0: the engine has not run yet
    int sampleRate = 0;
};

/// An NTP timetag (seconds since 1900 in the high 32 bits, fraction in the low) of a wall time.
std::uint64_t toTimetag(std::chrono::system_clock::time_point time);
/// The wall time of an NTP timetag.
std::chrono::system_clock::time_point fromTimetag(std::uint64_t timetag);

/// When a bundle stamped `timetag` is due, in seconds from systemNow (negative: past).
double secondsUntil(std::uint64_t timetag, std::chrono::system_clock::time_point systemNow);

/// The engine frame at which a wall time `secondsAhead` after monotonicNowNs falls, through
/// clock; 0 ("at the next block") when it is past, when the engine has not run yet, or when
/// it falls before the frame the engine will process next.
std::uint64_t frameAt(double secondsAhead, std::int64_t monotonicNowNs, const EngineClock& clock);

/// [any] CLOCK_MONOTONIC now, in nanoseconds (the engine's clock readings use the same clock).
std::int64_t monotonicNowNs();

} // namespace backline::control
