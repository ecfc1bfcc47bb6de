// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/EngineClock.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace backline::control {

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
    void add(const port::EngineClock& reading);
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

    std::vector<port::EngineClock> history_; // oldest first
};

} // namespace backline::control
