// SPDX-License-Identifier: GPL-3.0-or-later
// MidiArrival: one whole MIDI message from a hardware input, as MidiDevices hands it to its
// sink on the midi-in thread.
#pragma once

#include "midi/MidiMessage.h"

#include <cstdint>
#include <string_view>

namespace backline::control::midi {

/// One whole short message from an input port, with where and when it came.
struct MidiArrival {
    /// The port's id, unique for each time a port is opened (a port let go and opened again
    /// gets a new one): a key for per-port state that must not survive a replug.
    std::uint32_t portId = 0;
    /// The port's name as RtMidi lists it; valid during the sink's call only (copy it to keep).
    std::string_view portName;
    /// The message: whole and valid (midi::MidiParser's promise), never SysEx.
    backline::midi::MidiMessage message;
    /// CLOCK_MONOTONIC time, in nanoseconds, at which RtMidi handed the bytes over. Under JACK
    /// that is when the JACK cycle that carried them ran, so messages of one cycle are stamped
    /// microseconds apart whatever their spacing within the period.
    std::int64_t monotonicNs = 0;
};

} // namespace backline::control::midi
