// SPDX-License-Identifier: GPL-3.0-or-later
// The transport following an external MIDI beat clock, block by block as the engine drives it.
#include "engine/rt/MidiClockIn.h"
#include "engine/rt/Transport.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using backline::engine::MidiClockIn;
using backline::engine::Transport;
namespace midi = backline::midi;

namespace {

constexpr int rate = 48000;

/// A transport led by a clock: messages are given on their frames, blocks of 128 run between.
struct Rig {
    Transport transport;
    MidiClockIn in;
    std::uint64_t frame = 0;
    struct At {
        std::uint64_t frame;
        midi::MidiMessage message;
    };
    std::vector<At> due;

    Rig() { in.configure(true); }
    void at(std::uint64_t when, std::uint8_t status, int data = -1)
    {
        midi::MidiMessage m;
        m.bytes[0] = status;
        m.size = 1;
        if (data >= 0) {
            m.bytes[1] = std::uint8_t(data & 0x7f);
            m.bytes[2] = std::uint8_t(data >> 7);
            m.size = 3;
        }
        due.push_back({when, m});
    }
    /// Ticks every period frames from first, n of them.
    void ticks(std::uint64_t first, std::uint64_t period, int n)
    {
        for (int k = 0; k < n; ++k)
            at(first + period * std::uint64_t(k), midi::kind::clock);
    }
    void runTo(std::uint64_t end)
    {
        while (frame < end) {
            for (const auto& d : due)
                if (d.frame >= frame && d.frame < frame + 128)
                    in.take(d.message, d.frame, frame, transport);
            transport.advance(frame, 128, rate);
            frame += 128;
        }
    }
};

TEST(MidiClockIn, StartRollsFromBarOneOnTheFirstTickAtTheClocksTempo)
{
    Rig rig;
    rig.at(5000, midi::kind::start);
    rig.ticks(5300, 960, 200); // 125 BPM: 50 ticks a second
    rig.runTo(5300 + 960 * 100);
    EXPECT_TRUE(rig.transport.rolling());
    // Rolling from frame 0 at the first tick: where it stands is the frames since that tick.
    EXPECT_EQ(rig.transport.position(), std::int64_t(rig.frame - 5300));
    EXPECT_NEAR(rig.transport.grid().tempo.bpmAt(rig.transport.position()), 125.0, 0.01);
    EXPECT_NEAR(rig.in.bpm(), 125.0, 0.01);
}

TEST(MidiClockIn, StopStopsOnItsFrameAndSongPositionThenContinueRollsFromTheSixteenth)
{
    Rig rig;
    rig.at(0, midi::kind::start);
    rig.ticks(1000, 1000, 300); // 120 BPM
    rig.at(100000, midi::kind::stop);
    rig.runTo(120000);
    EXPECT_FALSE(rig.transport.rolling());
    EXPECT_EQ(rig.transport.position(), 99000) << "stopped on Stop's frame";
    rig.due.clear();
    rig.at(130000, midi::kind::songPosition, 16); // bar 2 in 4/4: 96,000 frames at 120
    rig.at(130000, midi::kind::resume);
    rig.ticks(140000, 1000, 100);
    rig.runTo(139904); // the block before the first tick
    EXPECT_EQ(rig.transport.position(), 96000) << "located, not rolling until the first tick";
    EXPECT_FALSE(rig.transport.rolling());
    rig.runTo(150016);
    EXPECT_TRUE(rig.transport.rolling());
    EXPECT_EQ(rig.transport.position(), 96000 + 10016);
}

TEST(MidiClockIn, ATempoChangeIsFollowedAndJitterIsNot)
{
    Rig rig;
    rig.at(0, midi::kind::start);
    // 120 BPM with a frame of jitter either way, then 90 BPM.
    for (int k = 0; k < 200; ++k)
        rig.at(1000 + 1000 * std::uint64_t(k) + (k % 2), midi::kind::clock);
    rig.runTo(150000);
    EXPECT_NEAR(rig.in.bpm(), 120.0, 0.05);
    const double settled = rig.in.bpm();
    rig.runTo(200000);
    EXPECT_EQ(rig.in.bpm(), settled) << "a frame of jitter moves no tempo";
    rig.due.clear();
    rig.ticks(201000, 1333, 100); // 90.02 BPM
    rig.runTo(201000 + 1333 * 60);
    EXPECT_NEAR(rig.transport.grid().tempo.bpmAt(rig.transport.position()), 60.0 * 48000 / (1333 * 24.0), 0.05);
}

TEST(MidiClockIn, OffItTakesNothing)
{
    MidiClockIn in;
    Transport transport;
    midi::MidiMessage start;
    start.bytes[0] = midi::kind::start;
    start.size = 1;
    EXPECT_FALSE(in.take(start, 0, 0, transport));
}

} // namespace
