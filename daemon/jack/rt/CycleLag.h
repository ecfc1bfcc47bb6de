// SPDX-License-Identifier: GPL-3.0-or-later
// CycleLag: how far JACK's frame timer has run ahead of the cycle a client is processing. Runs
// on the audio thread of whoever holds it (backlined's JACK backend, the tests' JACK listener).
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>

namespace backline::jack {

/// JACK's frame timer (jack_get_cycle_times, jack_last_frame_time) is the server's, not the
/// client's: the driver starts each cycle on time whether or not every client has finished the
/// last, so a client running late on a busy machine reads the timer of a later cycle than the
/// one it processes. The distance from JACK's frame to the client's own frame count is
/// constant while nothing is late and larger by the lag when something is, so the smallest
/// distance seen lately is the true one. Lately, not ever: cycles the client did not count
/// (before its first graph, a cycle JACK skipped it in) move the true distance for good, and a
/// window of windowCycles to two windows forgets the old one. JACK's frames are 32 bits (they
/// wrap after a day at 48 kHz), so distances are taken modulo 2^32. [audio]
class CycleLag {
public:
    /// Cycles after which a smaller distance no longer counts (at most twice this).
    static constexpr int windowCycles = 256;

    /// [audio] The frames by which the timer's cycle (beginning at timerFrame) starts after the
    /// block the client is about to process (beginning at ownFrame, the client's own count).
    /// Call once per cycle. A lag past maxLag is taken as a jump of JACK's frames (a new
    /// server), not as lateness: the count starts afresh from it.
    std::uint32_t lag(std::uint32_t timerFrame, std::uint64_t ownFrame, std::uint32_t maxLag) noexcept BACKLINE_NONBLOCKING
    {
        const auto distance = std::uint32_t(timerFrame - std::uint32_t(ownFrame));
        if (!known_ || after(distance, base_) > std::int64_t(maxLag)) {
            known_ = true;
            base_ = current_ = previous_ = distance;
            cycles_ = 0;
            return 0;
        }
        if (after(current_, distance) > 0)
            current_ = distance;
        if (++cycles_ == windowCycles) {
            previous_ = current_;
            current_ = distance;
            cycles_ = 0;
        }
        base_ = after(previous_, current_) > 0 ? current_ : previous_;
        const std::int64_t lag = after(distance, base_);
        return lag > 0 ? std::uint32_t(lag) : 0;
    }

    /// [audio] JACK's frame of the block that begins at the client's ownFrame (valid once
    /// lag() has been called).
    std::uint32_t jackFrame(std::uint64_t ownFrame) const noexcept BACKLINE_NONBLOCKING
    {
        return std::uint32_t(ownFrame) + base_;
    }

private:
    /// How far a is after b, modulo 2^32 (negative: before).
    static std::int64_t after(std::uint32_t a, std::uint32_t b) noexcept BACKLINE_NONBLOCKING
    {
        return std::int32_t(a - b);
    }

    std::uint32_t base_ = 0;     // the true distance: JACK's frame minus the client's own, modulo 2^32
    std::uint32_t current_ = 0;  // smallest distance in this window
    std::uint32_t previous_ = 0; // smallest distance in the window before
    int cycles_ = 0;             // cycles into this window
    bool known_ = false;
};

} // namespace backline::jack
