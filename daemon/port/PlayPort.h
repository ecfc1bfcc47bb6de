// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backline::port {

/// The instruments (tracks with `voices`) as every surface plays them: OSC notes for a tablet's
/// pads today, MIDI next. Thread-safe; never from the audio thread.
class PlayPort {
public:
    virtual ~PlayPort() = default;

    /// Starts note (0..127, MIDI's numbering: 60 is middle C, 69 the A at 440 Hz) on the
    /// instrument of track with velocity in (0, 1], or releases it with velocity 0, at engine
    /// frame atFrame (0 or past: the next block).
    virtual Result<void> note(std::string_view track, int note, double velocity, std::uint64_t atFrame = 0) = 0;
    /// Releases every note of track's instrument, the ones its sustain pedal holds too.
    virtual Result<void> allNotesOff(std::string_view track, std::uint64_t atFrame = 0) = 0;
    /// Releases every voice of every instrument at once: pedals up, pitch bends back to centre.
    virtual Result<void> panic() = 0;
    /// The tracks that are instruments, in session order.
    virtual std::vector<std::string> instruments() const = 0;
};

} // namespace backline::port
