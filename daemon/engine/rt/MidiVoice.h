// SPDX-License-Identifier: GPL-3.0-or-later
// What a MIDI message asks of an instrument, as VoiceEvents: the one translation from MIDI's
// bytes to backline's terms, for every MIDI way in (JACK MIDI ports, RtMidi devices).
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/VoiceEvent.h"
#include "midi/MidiMessage.h"

#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// The MIDI channel an instrument listens on: 1–16, or 0 for every channel (omni).
using MidiChannel = int;

/// [any] Writes into out (room for 2) what message asks of an instrument listening on channel,
/// with frame as each event's frame; returns how many: note on (velocity / 127 as the gain) and
/// off, the sustain pedal (CC 64, down from 64), pitch bend (-1 … 1), all notes off (CC 123 and
/// the mode messages 124–127, which imply it; CC 120, all sound off, releases too), reset all
/// controllers (CC 121: bend centred, pedal up). Anything else, or another channel: 0.
inline std::size_t voiceEventsOf(const midi::MidiMessage& message, MidiChannel channel, std::uint64_t frame,
    VoiceEvent* out) noexcept BACKLINE_NONBLOCKING
{
    if (!message.isChannelMessage() || message.size != midi::expectedSize(message.status()))
        return 0;
    if (channel != 0 && int(message.channel()) + 1 != channel)
        return 0;
    auto event = [&](VoiceEvent::Kind kind, std::uint8_t note, float value) {
        return VoiceEvent {kind, std::uint8_t(note & 0x7f), value, frame};
    };
    switch (message.type()) {
    case midi::kind::noteOn:
    case midi::kind::noteOff:
        if (message.isNoteOn())
            out[0] = event(VoiceEvent::Kind::NoteOn, message.note(), float(message.velocity()) / 127.0f);
        else
            out[0] = event(VoiceEvent::Kind::NoteOff, message.note(), 0.0f);
        return 1;
    case midi::kind::pitchBend: {
        const int centred = message.pitchBend() - 8192;
        out[0] = event(VoiceEvent::Kind::Bend, 0, float(centred) / (centred > 0 ? 8191.0f : 8192.0f));
        return 1;
    }
    case midi::kind::controlChange:
        switch (message.controller()) {
        case 64:
            out[0] = event(VoiceEvent::Kind::Sustain, 0, message.value() >= 64 ? 1.0f : 0.0f);
            return 1;
        case 120:
        case 123:
        case 124:
        case 125:
        case 126:
        case 127:
            out[0] = event(VoiceEvent::Kind::AllNotesOff, 0, 0.0f);
            return 1;
        case 121:
            out[0] = event(VoiceEvent::Kind::Bend, 0, 0.0f);
            out[1] = event(VoiceEvent::Kind::Sustain, 0, 0.0f);
            return 2;
        default:
            return 0;
        }
    default:
        return 0;
    }
}

} // namespace backline::engine
