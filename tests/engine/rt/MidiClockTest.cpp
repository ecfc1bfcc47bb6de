// SPDX-License-Identifier: GPL-3.0-or-later
// MIDI clock out from the transport, block by block as the engine drives it: every message's
// frame, exactly.
#include "engine/rt/MidiClock.h"
#include "engine/rt/Transport.h"
#include "midi/MidiMessage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using backline::engine::ClockMessage;
using backline::engine::LeaderPosition;
using backline::engine::MidiClock;
using backline::engine::Transport;
using backline::engine::TransportRequest;
namespace kind = backline::midi::kind;

namespace {

constexpr int rate = 48000;

/// A transport and its clock, run block by block; every message kept with its engine frame.
struct Rig {
    Transport transport;
    MidiClock clock;
    std::uint64_t frame = 0;
    std::vector<ClockMessage> sent;

    explicit Rig(bool whileStopped = false)
    {
        transport.setListener(&clock);
        begin();
        clock.configure(true, whileStopped, transport.position(), transport.rolling(), transport.grid());
    }
    void begin() { clock.beginBlock(frame); }
    /// Runs blocks of blockFrames until engine frame end; a request applies at the start of
    /// the block (untimed) or at its frame (timed).
    void runTo(std::uint64_t end, std::uint32_t blockFrames = 256)
    {
        while (frame < end) {
            const auto n = std::uint32_t(std::min<std::uint64_t>(blockFrames, end - frame));
            transport.advance(frame, n, rate);
            for (std::size_t i = 0; i < clock.count(); ++i)
                sent.push_back(clock.messages()[i]);
            frame += n;
            begin();
        }
    }
    void ask(TransportRequest::Op op, std::uint64_t at = 0, double bpm = 0.0, std::int64_t where = 0)
    {
        TransportRequest r;
        r.op = op;
        r.bpm = bpm;
        r.frame = where;
        transport.request(r, at, frame);
    }
    std::vector<std::uint64_t> framesOf(std::uint8_t status) const
    {
        std::vector<std::uint64_t> frames;
        for (const auto& m : sent)
            if (m.bytes[0] == status)
                frames.push_back(m.frame);
        return frames;
    }
    std::vector<std::uint8_t> statuses() const
    {
        std::vector<std::uint8_t> s;
        for (const auto& m : sent)
            if (m.bytes[0] != kind::clock)
                s.push_back(m.bytes[0]);
        return s;
    }
};

TEST(MidiClock, StartsOnTheFrameAndTicksTwentyFourAQuarterNoteEachOnItsExactFrame)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Tempo, 0, 125.0); // 50 ticks a second: 960 frames a tick
    rig.runTo(1000);
    EXPECT_TRUE(rig.sent.size() == 1 && rig.sent[0].bytes[0] == kind::songPosition); // switched on: where it stands
    rig.sent.clear();
    rig.ask(TransportRequest::Op::Play, 1000 + 37); // timed: mid-block
    rig.runTo(1000 + 48000 * 10, 128);
    ASSERT_EQ(rig.statuses(), std::vector<std::uint8_t>({kind::start}));
    EXPECT_EQ(rig.framesOf(kind::start)[0], 1037u);
    const auto ticks = rig.framesOf(kind::clock);
    // 10 s less 37 frames at 125 BPM, 50 ticks a second: 500 ticks, the first with Start.
    ASSERT_EQ(ticks.size(), 500u);
    for (std::size_t k = 0; k < ticks.size(); ++k)
        ASSERT_EQ(ticks[k], 1037u + 960u * k) << "tick " << k;
    EXPECT_EQ(rig.sent[0].bytes[0], kind::start); // Start before the first tick on its frame
    EXPECT_EQ(rig.sent[1].bytes[0], kind::clock);
}

TEST(MidiClock, AStopIsOnItsFrameAndAContinueWaitsForTheNextSixteenth)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0); // 1,000 frames a tick, 6,000 a sixteenth
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(48000 + 2500); // 2 beats and a bit: ticks 0 … 50 sent
    rig.ask(TransportRequest::Op::Stop, 48000 + 2600);
    rig.runTo(60000);
    EXPECT_EQ(rig.framesOf(kind::stop), std::vector<std::uint64_t>({50600}));
    EXPECT_EQ(rig.framesOf(kind::clock).back(), 50000u);
    rig.sent.clear();
    // Stopped at position 50,600 (tick 50.6): Continue from sixteenth 9 (tick 54, frame
    // 54,000 of the transport), which the engine reaches 3,400 frames after starting.
    rig.ask(TransportRequest::Op::Play, 70000);
    rig.runTo(100000, 64);
    ASSERT_EQ(rig.statuses(), std::vector<std::uint8_t>({kind::songPosition, kind::resume}));
    EXPECT_EQ(rig.sent[0].bytes[1], 9);
    EXPECT_EQ(rig.sent[0].bytes[2], 0);
    EXPECT_EQ(rig.sent[0].frame, 70000u);
    const auto ticks = rig.framesOf(kind::clock);
    ASSERT_FALSE(ticks.empty());
    EXPECT_EQ(ticks[0], 70000u + 3400u);
    for (std::size_t k = 1; k < ticks.size(); ++k)
        ASSERT_EQ(ticks[k] - ticks[k - 1], 1000u);
}

TEST(MidiClock, ALocateTellsTheSongPositionStoppedAndRestartsTheReceiverRolling)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0);
    rig.ask(TransportRequest::Op::LocateBar, 0, 0.0, 3); // bar 3 beat 1: sixteenth 32
    rig.runTo(256);
    ASSERT_EQ(rig.statuses().back(), kind::songPosition);
    EXPECT_EQ(rig.sent.back().bytes[1], 32);
    rig.sent.clear();
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(10000);
    ASSERT_EQ(rig.statuses(), std::vector<std::uint8_t>({kind::songPosition, kind::resume}));
    EXPECT_EQ(rig.framesOf(kind::clock)[0], 256u); // on the sixteenth already: the first tick at once
    rig.sent.clear();
    rig.ask(TransportRequest::Op::Locate, 0, 0.0, 0); // back to the top while rolling
    rig.runTo(20000);
    ASSERT_EQ(rig.statuses(), std::vector<std::uint8_t>({kind::stop, kind::start}));
    EXPECT_EQ(rig.framesOf(kind::clock)[0], 10000u);
}

TEST(MidiClock, ATempoGlideBendsTheTicksWithTheBeats)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0);
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(48000);
    TransportRequest glide;
    glide.op = TransportRequest::Op::Tempo;
    glide.bpm = 60.0;
    glide.glideSeconds = 4.0;
    rig.transport.request(glide, 0, rig.frame);
    rig.runTo(48000 * 8, 1024);
    const auto ticks = rig.framesOf(kind::clock);
    // Every tick is the first frame its beat count reaches, read from the transport's own grid.
    const auto grid = rig.transport.grid();
    for (std::size_t k = 0; k < ticks.size(); ++k) {
        const auto f = std::int64_t(ticks[k]);
        ASSERT_GE(grid.tempo.beatsAt(f) * 24.0, double(k) - 1e-6) << "tick " << k;
        ASSERT_LT(grid.tempo.beatsAt(f - 1) * 24.0, double(k) - 1e-6) << "tick " << k;
    }
    EXPECT_GT(ticks.back() - ticks[ticks.size() - 2], 1900u); // 60 BPM at the end: 2,000 frames a tick
}

TEST(MidiClock, InSixEightATickIsATwelfthOfTheBeat)
{
    Rig rig;
    TransportRequest meter;
    meter.op = TransportRequest::Op::Meter;
    meter.num = 6;
    meter.den = 8;
    rig.transport.request(meter, 0, 0);
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0); // 120 eighths a minute: 0.5 s an eighth
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(48000);
    const auto ticks = rig.framesOf(kind::clock);
    ASSERT_EQ(ticks.size(), 24u); // 1 s is a quarter note
    EXPECT_EQ(ticks[12], 24000u);
}

TEST(MidiClock, TicksWhileStoppedKeepTheTempoWithoutABunch)
{
    Rig rig(true);
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0);
    rig.runTo(10000);
    auto ticks = rig.framesOf(kind::clock);
    ASSERT_EQ(ticks.size(), 10u);
    EXPECT_EQ(ticks[3], 3000u);
    rig.sent.clear();
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(20000);
    rig.ask(TransportRequest::Op::Stop, 20500);
    rig.runTo(30000);
    ticks = rig.framesOf(kind::clock);
    for (std::size_t k = 1; k < ticks.size(); ++k)
        ASSERT_GE(ticks[k] - ticks[k - 1], 999u) << "tick " << k; // stopping carries on from the last tick
    EXPECT_EQ(rig.framesOf(kind::stop), std::vector<std::uint64_t>({20500}));
}

TEST(MidiClock, SwitchedOffWhileRollingItStopsTheReceiverAndSendsNoMore)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(5000);
    rig.clock.configure(false, false, rig.transport.position(), rig.transport.rolling(), rig.transport.grid());
    const auto before = rig.sent.size();
    rig.runTo(20000);
    ASSERT_EQ(rig.sent.size(), before + 1);
    EXPECT_EQ(rig.sent.back().bytes[0], kind::stop);
}

TEST(MidiClock, AMeterChangeAfterAContinueGoesOnTickingAtTheNewBeatsRate)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0);
    rig.ask(TransportRequest::Op::LocateBar, 0, 0.0, 9); // bar 9 of 4/4: Continue from sixteenth 128
    rig.runTo(256);
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(48000);
    TransportRequest meter;
    meter.op = TransportRequest::Op::Meter;
    meter.num = 6;
    meter.den = 8; // from the next bar line (beats 36, engine frame 96,256): 12 ticks an eighth, 2,000 frames
    rig.transport.request(meter, 0, rig.frame);
    rig.runTo(48000 * 8, 1024); // the bar line falls inside a block
    const auto ticks = rig.framesOf(kind::clock);
    ASSERT_GT(ticks.size(), 200u);
    EXPECT_EQ(ticks[0], 256u) << "Continue's sixteenth is where it stands";
    for (std::size_t k = 1; k < ticks.size(); ++k)
        ASSERT_EQ(ticks[k] - ticks[k - 1], ticks[k] <= 96256u ? 1000u : 2000u) << "tick " << k << " at " << ticks[k];
    EXPECT_NE(std::find(ticks.begin(), ticks.end(), 96256u), ticks.end()) << "a tick on the bar line";
}

TEST(MidiClock, AMeterChangeOnABarLineMidBlockIsTickedAtBothRates)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0);
    TransportRequest meter;
    meter.op = TransportRequest::Op::Meter;
    meter.num = 4;
    meter.den = 8;
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(24000);
    rig.transport.request(meter, 0, rig.frame);
    rig.runTo(48000 * 6, 1024); // 96,000 falls inside the block [95,232, 96,256)
    const auto ticks = rig.framesOf(kind::clock);
    std::size_t line = 0;
    while (line < ticks.size() && ticks[line] < 96000)
        ++line;
    ASSERT_LT(line + 10, ticks.size());
    EXPECT_EQ(ticks[line], 96000u);
    EXPECT_EQ(ticks[line - 1], 95000u);
    for (std::size_t k = line + 1; k < ticks.size(); ++k)
        ASSERT_EQ(ticks[k] - ticks[k - 1], 2000u) << "tick " << k;
}

TEST(MidiClock, FollowingALeadersRoundedBarsNoTickIsSentTwiceOrSkipped)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(256);
    // The leader (JACK's timebase master) rounds its beats to 1/1920 each cycle: the grid is
    // anchored anew every time.
    std::int64_t position = 256;
    for (int cycle = 0; cycle < 2000; ++cycle) {
        LeaderPosition leader;
        leader.rolling = true;
        leader.frame = position;
        leader.hasBars = true;
        leader.bpm = 120.0;
        leader.num = 4;
        leader.den = 4;
        const double beats = std::floor(double(position) / 24000.0 * 1920.0 + (cycle % 3 == 0 ? 0.9 : 0.1)) / 1920.0;
        leader.bar = std::int64_t(beats / 4.0) + 1;
        leader.beat = int(std::fmod(beats, 4.0)) + 1;
        leader.beatFraction = beats - std::floor(beats);
        rig.transport.follow(leader, rig.frame);
        rig.runTo(rig.frame + 128, 128);
        position += 128;
    }
    const auto ticks = rig.framesOf(kind::clock);
    ASSERT_GT(ticks.size(), 250u);
    for (std::size_t k = 1; k < ticks.size(); ++k) {
        // The leader's rounding (1/1920 of a beat, 12.5 frames) moves a tick; a tick twice or
        // one skipped would be 0 or 2,000 frames.
        ASSERT_GE(ticks[k] - ticks[k - 1], 970u) << "tick " << k << " twice";
        ASSERT_LE(ticks[k] - ticks[k - 1], 1030u) << "a tick skipped before " << k;
    }
}

TEST(MidiClock, ACountInSendsStartOnBarOnesFrame)
{
    Rig rig(true);
    rig.ask(TransportRequest::Op::Tempo, 0, 120.0);
    rig.ask(TransportRequest::Op::Locate, 0, 0.0, -48000); // a bar of count-in
    rig.runTo(256);
    rig.sent.clear();
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(100000);
    const auto starts = rig.framesOf(kind::start);
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(starts[0], 256u + 48000u);
    const auto ticks = rig.framesOf(kind::clock);
    ASSERT_FALSE(ticks.empty());
    EXPECT_LT(ticks[0], starts[0]) << "ticking on through the count-in, as while stopped";
    auto first = std::find(ticks.begin(), ticks.end(), starts[0]);
    ASSERT_NE(first, ticks.end()) << "a tick on Start's frame";
    for (auto it = first + 1; it != ticks.end(); ++it)
        ASSERT_EQ(*it - *(it - 1), 1000u);
}

TEST(MidiClock, ACycleTheEngineMissedWhileFollowingIsNotALocate)
{
    Rig rig;
    rig.ask(TransportRequest::Op::Play);
    rig.runTo(10240);
    LeaderPosition leader;
    leader.rolling = true;
    leader.frame = rig.transport.position() + 128; // one cycle ahead: the engine missed it
    rig.transport.follow(leader, rig.frame);
    rig.runTo(30000, 128);
    EXPECT_TRUE(rig.framesOf(kind::stop).empty());
    EXPECT_TRUE(rig.framesOf(kind::resume).empty());
    const auto ticks = rig.framesOf(kind::clock);
    for (std::size_t k = 1; k < ticks.size(); ++k)
        ASSERT_LE(ticks[k] - ticks[k - 1], 1000u) << "no tick lost at " << ticks[k];
}

} // namespace

