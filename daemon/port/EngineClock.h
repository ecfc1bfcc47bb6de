// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace backline::port {

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

} // namespace backline::port
