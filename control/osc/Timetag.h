// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace backline::control {

/// The engine's sample clock as a control thread sees it: frame `frame` began (was due) at
/// CLOCK_MONOTONIC time `monotonicNs`.
struct EngineClock {
    std::uint64_t frame = 0;
    std::int64_t monotonicNs = 0; ///< 0: the engine has not run yet
    int sampleRate = 0;
    /// The time is the audio backend's own, filtered of scheduling noise (JACK's cycle start
    /// from its delay-locked loop): the latest such reading is where the clock is. Otherwise
    /// it is when a block happened to finish, late by however the thread was scheduled.
    bool exact = false;
};

/// An NTP timetag (seconds since 1900 in the high 32 bits, fraction in the low) of a wall time.
std::uint64_t toTimetag(std::chrono::system_clock::time_point time);
/// The wall time of an NTP timetag.
std::chrono::system_clock::time_point fromTimetag(std::uint64_t timetag);

/// When a bundle stamped `timetag` is due, in seconds from systemNow (negative: past).
double secondsUntil(std::uint64_t timetag, std::chrono::system_clock::time_point systemNow);

/// Learns the engine's clock from readings taken now and then: a line fitted through the last
/// historySeconds of (time, frame) pairs. The fit follows the frames' true rate (a sound
/// card's crystal is some ppm off its nominal rate, JACK's dummy driver a percent or more, and
/// half a second ahead a percent is 5 ms) and smooths out when each block happened to finish.
/// An exact latest reading anchors the line instead: a fit over seconds lags a clock that
/// wanders, as a busy machine's JACK does. [osc]
class ClockEstimator {
public:
    /// Adds a reading; one that does not move forward, or a jump (a JACK restart, another
    /// rate), starts the history afresh.
    void add(const EngineClock& reading);
    /// The engine frame due at CLOCK_MONOTONIC time monotonicNs; 0 when nothing is known yet.
    /// Until the history spans a second: the latest reading at the nominal rate.
    std::uint64_t frameAt(std::int64_t monotonicNs) const;
    /// Frames per second the history shows (the nominal rate until it spans a second).
    double framesPerSecond() const;

    static constexpr double historySeconds = 4.0;

private:
    struct Fit {
        double frame0;  ///< fitted frame at history_.front().monotonicNs
        double rate;    ///< frames per second
    };
    std::optional<Fit> fit() const;

    std::vector<EngineClock> history_; // oldest first
};

/// [any] CLOCK_MONOTONIC now, in nanoseconds (the engine's clock readings use the same clock).
std::int64_t monotonicNowNs();

} // namespace backline::control
