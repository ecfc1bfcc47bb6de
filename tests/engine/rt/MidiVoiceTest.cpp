// SPDX-License-Identifier: GPL-3.0-or-later
// The one translation from MIDI messages to what an instrument is asked: which messages count,
// on which channel, and the values they carry.
#include "engine/rt/MidiVoice.h"

#include <gtest/gtest.h>

#include <vector>

using backline::engine::VoiceEvent;
using backline::engine::voiceEventsOf;
namespace midi = backline::midi;
using Kind = VoiceEvent::Kind;

namespace {

std::vector<VoiceEvent> eventsOf(const midi::MidiMessage& m, int channel = 0)
{
    VoiceEvent out[2];
    const std::size_t n = voiceEventsOf(m, channel, 1234, out);
    return {out, out + n};
}

} // namespace

TEST(MidiVoice, NotesCarryTheirVelocityAsAGainAndTheirFrame)
{
    auto on = eventsOf(midi::noteOn(0, 69, 127));
    ASSERT_EQ(on.size(), 1u);
    EXPECT_EQ(on[0].kind, Kind::NoteOn);
    EXPECT_EQ(on[0].note, 69);
    EXPECT_FLOAT_EQ(on[0].value, 1.0f);
    EXPECT_EQ(on[0].frame, 1234u);
    EXPECT_FLOAT_EQ(eventsOf(midi::noteOn(0, 60, 64))[0].value, 64.0f / 127.0f);
    EXPECT_EQ(eventsOf(midi::noteOn(0, 60, 0))[0].kind, Kind::NoteOff) << "velocity 0 is a note-off";
    EXPECT_EQ(eventsOf(midi::noteOff(0, 60, 90))[0].kind, Kind::NoteOff);
}

TEST(MidiVoice, TheChannelFiltersAndZeroTakesEvery)
{
    EXPECT_EQ(eventsOf(midi::noteOn(0, 60, 100), 1).size(), 1u) << "MIDI channel 1 is channel 0 on the wire";
    EXPECT_TRUE(eventsOf(midi::noteOn(1, 60, 100), 1).empty());
    EXPECT_EQ(eventsOf(midi::noteOn(15, 60, 100), 16).size(), 1u);
    for (int c = 0; c < 16; ++c)
        EXPECT_EQ(eventsOf(midi::noteOn(c, 60, 100), 0).size(), 1u) << c;
}

TEST(MidiVoice, PedalBendAndTheAllNotesOffFamily)
{
    EXPECT_FLOAT_EQ(eventsOf(midi::controlChange(0, 64, 127))[0].value, 1.0f);
    EXPECT_FLOAT_EQ(eventsOf(midi::controlChange(0, 64, 64))[0].value, 1.0f);
    EXPECT_FLOAT_EQ(eventsOf(midi::controlChange(0, 64, 63))[0].value, 0.0f);
    EXPECT_EQ(eventsOf(midi::controlChange(0, 64, 0))[0].kind, Kind::Sustain);
    for (int cc : {120, 123, 124, 125, 126, 127})
        EXPECT_EQ(eventsOf(midi::controlChange(0, cc, 0))[0].kind, Kind::AllNotesOff) << cc;
    const auto reset = eventsOf(midi::controlChange(0, 121, 0));
    ASSERT_EQ(reset.size(), 2u);
    EXPECT_EQ(reset[0].kind, Kind::Bend);
    EXPECT_FLOAT_EQ(reset[0].value, 0.0f);
    EXPECT_EQ(reset[1].kind, Kind::Sustain);
    EXPECT_FLOAT_EQ(reset[1].value, 0.0f);
    EXPECT_FLOAT_EQ(eventsOf(midi::pitchBend(0, 8192))[0].value, 0.0f);
    EXPECT_FLOAT_EQ(eventsOf(midi::pitchBend(0, 16383))[0].value, 1.0f);
    EXPECT_FLOAT_EQ(eventsOf(midi::pitchBend(0, 0))[0].value, -1.0f);
    EXPECT_FLOAT_EQ(eventsOf(midi::pitchBend(0, 4096))[0].value, -0.5f);
}

TEST(MidiVoice, WhatNoInstrumentPlaysIsNothing)
{
    EXPECT_TRUE(eventsOf(midi::controlChange(0, 7, 100)).empty()) << "a volume knob is for the mapping layer";
    EXPECT_TRUE(eventsOf(midi::programChange(0, 3)).empty());
    midi::MidiMessage clock;
    clock.bytes[0] = midi::kind::clock;
    clock.size = 1;
    EXPECT_TRUE(eventsOf(clock).empty());
    midi::MidiMessage truncated = midi::noteOn(0, 60, 100);
    truncated.size = 2;
    EXPECT_TRUE(eventsOf(truncated).empty()) << "a message shorter than its status says";
    EXPECT_TRUE(eventsOf(midi::MidiMessage {}).empty());
}
