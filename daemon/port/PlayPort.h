// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "midi/MidiMessage.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backline::port {

/// A note for PlayPort::notes(): on the instrument of track, velocity in (0, 1] to start it, 0
/// to release it.
struct Note {
    std::string track;
    int note = 60;
    double velocity = 0.0;
};

/// The instruments (tracks with `voices`) as every surface plays them: OSC notes for a tablet's
/// pads today, MIDI next. Thread-safe; never from the audio thread.
class PlayPort {
public:
    virtual ~PlayPort() = default;

    /// Starts note (0..127, MIDI's numbering: 60 is middle C, 69 the A at 440 Hz) on the
    /// instrument of track with velocity in (0, 1], or releases it with velocity 0, at engine
    /// frame atFrame (0 or past: the next block).
    virtual Result<void> note(std::string_view track, int note, double velocity, std::uint64_t atFrame = 0) = 0;
    /// Plays notes together, all on one frame (atFrame, or the next block): all of them or, when
    /// one is wrong, none.
    virtual Result<void> notes(std::span<const Note> notes, std::uint64_t atFrame = 0) = 0;
    /// Whether track is an instrument that notes can play (the error says why not).
    virtual Result<void> check(std::string_view track) const = 0;
    /// What a MIDI message asks of track's instrument, on the MIDI channel it listens on (its
    /// `midi.channel`), exactly as its JACK MIDI input takes it: notes, the sustain pedal,
    /// pitch bend, all notes off, reset all controllers; anything else, or another channel,
    /// does nothing. At engine frame atFrame (0 or past: the next block).
    virtual Result<void> midi(std::string_view track, const midi::MidiMessage& message, std::uint64_t atFrame = 0) = 0;
    /// Releases every note of track's instrument, the ones its sustain pedal holds too.
    virtual Result<void> allNotesOff(std::string_view track, std::uint64_t atFrame = 0) = 0;
    /// Releases every voice of every instrument at once: pedals up, pitch bends back to centre.
    virtual Result<void> panic() = 0;
    /// The tracks that are instruments, in session order.
    virtual std::vector<std::string> instruments() const = 0;
};

} // namespace backline::port
