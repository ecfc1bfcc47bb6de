// SPDX-License-Identifier: GPL-3.0-or-later
// VoiceEvent: what an instrument is told to play, from any surface (OSC notes today, MIDI
// next), in backline's own terms rather than MIDI bytes: a note's velocity is a gain (0..1), a
// pitch bend a fraction of its range.
#pragma once

#include <cstdint>

namespace backline::engine {

/// One thing an instrument is told to do, at an engine frame.
struct VoiceEvent {
    enum class Kind : std::uint8_t {
        NoteOn,      ///< note, value = velocity as a gain in (0, 1]
        NoteOff,     ///< note
        Sustain,     ///< value: 1 the sustain pedal down, 0 up (MIDI CC 64)
        Bend,        ///< value: pitch bend in [-1, 1] of the instrument's bend range
        AllNotesOff, ///< every key and the pedal let go: each voice releases (MIDI CC 123)
        Panic,       ///< as AllNotesOff, and the bend back to centre (/panic)
    };
    Kind kind = Kind::NoteOn;
    std::uint8_t note = 0; ///< 0..127
    float value = 0.0f;
    std::uint64_t frame = 0; ///< engine frame it takes effect on; 0 or past: as soon as it arrives
};

} // namespace backline::engine
