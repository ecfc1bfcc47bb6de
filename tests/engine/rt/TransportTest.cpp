// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's transport, driven block by block as the engine drives it.
#include "engine/rt/Transport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

using backline::engine::LeaderPosition;
using backline::engine::Transport;
using backline::engine::TransportRequest;
using backline::transport::Boundary;

namespace {

constexpr int rate = 48000;

/// Runs blocks of blockFrames from engine frame *clock until it reaches end.
void run(Transport& t, std::uint64_t& clock, std::uint64_t end, std::uint32_t blockFrames = 256)
{
    while (clock < end) {
        const auto n = std::uint32_t(std::min<std::uint64_t>(blockFrames, end - clock));
        t.advance(clock, n, rate);
        clock += n;
    }
}

TransportRequest op(TransportRequest::Op o)
{
    TransportRequest r;
    r.op = o;
    return r;
}

/// Asks t, at engine frame clock, to take bpm and roll.
void playAt(Transport& t, double bpm, std::uint64_t clock)
{
    TransportRequest tempo = op(TransportRequest::Op::Tempo);
    tempo.bpm = bpm;
    t.request(tempo, 0, clock);
    t.request(op(TransportRequest::Op::Play), 0, clock);
}

} // namespace

TEST(Transport, RollingItMovesOneFrameAnEngineFrameAndStoppedItStays)
{
    Transport t;
    std::uint64_t clock = 0;
    run(t, clock, 1000);
    EXPECT_EQ(t.read().frame, 0);
    EXPECT_FALSE(t.read().rolling);
    t.request(op(TransportRequest::Op::Play), 0, clock);
    run(t, clock, 5000);
    EXPECT_EQ(t.read().frame, 5000 - 1000) << "from engine frame 1000 on";
    EXPECT_TRUE(t.read().rolling);
    EXPECT_EQ(t.read().engineFrame, clock);
    t.request(op(TransportRequest::Op::Stop), 0, clock);
    run(t, clock, 9000);
    EXPECT_EQ(t.read().frame, 5000 - 1000);
    EXPECT_EQ(t.read().changes, 2u);
}

TEST(Transport, ATimedRequestLandsOnItsFrameInsideABlock)
{
    Transport t;
    std::uint64_t clock = 0;
    t.request(op(TransportRequest::Op::Play), 1000, 0);
    t.advance(0, 4096, rate);
    EXPECT_EQ(t.read().frame, 4096 - 1000);
    // A tempo change timed for frame 6000 of the engine: the grid bends on that transport frame.
    TransportRequest tempo = op(TransportRequest::Op::Tempo);
    tempo.bpm = 60;
    t.request(tempo, 6000, 4096);
    clock = 4096;
    run(t, clock, 20000, 1024);
    const auto s = t.read();
    EXPECT_EQ(s.grid.tempo.anchorFrame, 5000);
    EXPECT_DOUBLE_EQ(s.grid.tempo.anchorBeats, 5000.0 / 24000.0) << "counted at 120 up to there";
    EXPECT_DOUBLE_EQ(s.grid.tempo.bpmAt(5000), 60.0);
}

TEST(Transport, ALocateToABarLandsOnItsFirstSampleAndRollsOnFromThere)
{
    Transport t;
    std::uint64_t clock = 0;
    TransportRequest locate = op(TransportRequest::Op::LocateBar);
    locate.frame = 5;
    locate.beat = 3;
    t.request(locate, 0, clock);
    run(t, clock, 256);
    const auto s = t.read();
    EXPECT_EQ(s.frame, 4 * 96000 + 2 * 24000);
    const auto p = s.grid.at(s.frame).place;
    EXPECT_EQ(p.bar, 5);
    EXPECT_EQ(p.beat, 3);
    EXPECT_EQ(p.fraction, 0.0);
    t.request(op(TransportRequest::Op::Play), 0, clock);
    run(t, clock, 256 + 48000);
    EXPECT_EQ(t.read().grid.at(t.read().frame).place.bar, 6) << "two beats on";
}

TEST(Transport, AMeterChangeOnTheFirstFrameOfABarStartsThatBarThoughItsLineFallsBetweenFrames)
{
    // At 112 BPM a beat is 25,714.29 frames: bar 2's line falls between frames 102,857 and
    // 102,858, and its first frame is a hair past it.
    Transport t;
    std::uint64_t clock = 0;
    playAt(t, 112, clock);
    run(t, clock, 256);
    const std::int64_t bar2 = t.read().grid.frameOf(2, 1);
    ASSERT_EQ(bar2, 102858);
    TransportRequest meter = op(TransportRequest::Op::Meter);
    meter.num = 3;
    meter.den = 4;
    t.request(meter, std::uint64_t(bar2), clock);
    run(t, clock, 400000);
    const auto s = t.read();
    EXPECT_EQ(s.grid.at(bar2).place.bar, 2);
    EXPECT_EQ(s.grid.frameOf(3, 1), s.grid.tempo.firstFrameOf(4.0 + 3.0)) << "bar 2 already in 3/4: 3 beats long";
}

TEST(Transport, ALocatePutsBarOneAtZeroSecondsAtTheTempoThenInForce)
{
    Transport t;
    std::uint64_t clock = 0;
    t.request(op(TransportRequest::Op::Play), 0, clock);
    run(t, clock, 48000);
    TransportRequest tempo = op(TransportRequest::Op::Tempo);
    tempo.bpm = 90;
    tempo.glideSeconds = 2;
    t.request(tempo, 0, clock);
    run(t, clock, 96000);
    TransportRequest locate = op(TransportRequest::Op::Locate);
    locate.frame = 4 * rate;
    t.request(locate, 0, clock);
    run(t, clock, 96256);
    // 4 s at 90 BPM (the glide's target) from the start: 6 beats, bar 2 beat 3.
    const auto s = t.read();
    const auto p = s.grid.at(4 * rate).place;
    EXPECT_EQ(p.bar, 2);
    EXPECT_EQ(p.beat, 3);
    EXPECT_NEAR(p.fraction, 0.0, 1e-12);
    EXPECT_DOUBLE_EQ(s.grid.at(s.frame).bpm, 90.0) << "a locate ends a glide at its target";
}

TEST(Transport, AfterAGlideThePositionIsTheIntegralOfTheTempoWithinAFrame)
{
    Transport t;
    std::uint64_t clock = 0;
    playAt(t, 100, clock);
    TransportRequest tempo = op(TransportRequest::Op::Tempo);
    tempo.bpm = 200;
    tempo.glideSeconds = 10;
    t.request(tempo, 0, clock);
    run(t, clock, 20 * rate, 333);
    // (100·10 + 5·10²)/60 = 25 beats in the glide, then 10 s at 200 BPM: 58 1/3 beats.
    const auto s = t.read();
    EXPECT_EQ(s.frame, 20 * rate);
    const double beats = s.grid.at(s.frame).beats;
    const double framesPerBeat = 60.0 * rate / 200.0;
    EXPECT_LT(std::fabs(beats - (25.0 + 200.0 * 10.0 / 60.0)) * framesPerBeat, 1.0);
    EXPECT_DOUBLE_EQ(s.grid.at(s.frame).bpm, 200.0);
}

TEST(Transport, TenHoursOfBlocksDoNotDrift)
{
    constexpr std::uint64_t tenHours = 10ull * 3600 * rate;
    Transport t;
    std::uint64_t clock = 0;
    t.request(op(TransportRequest::Op::Play), 0, clock);
    run(t, clock, tenHours, 1021); // blocks that never line up with beats
    auto s = t.read();
    ASSERT_EQ(s.frame, std::int64_t(tenHours));
    // 120 BPM: 72,000 beats, exactly bar 18,001 beat 1; the next bar exactly two seconds on.
    const auto p = s.grid.at(s.frame).place;
    EXPECT_EQ(p.bar, 18001);
    EXPECT_EQ(p.beat, 1);
    EXPECT_EQ(p.fraction, 0.0);
    EXPECT_EQ(s.grid.nextBoundary(s.frame + 1, Boundary::Bar), std::int64_t(tenHours) + 96000);

    // At 133.7 BPM the beats after ten hours are frames · 1337 / 28,800,000, to within a
    // millionth of a beat, and every beat still begins on its own first sample.
    Transport odd;
    clock = 0;
    TransportRequest tempo = op(TransportRequest::Op::Tempo);
    tempo.bpm = 133.7;
    odd.request(tempo, 0, clock);
    odd.request(op(TransportRequest::Op::Play), 0, clock);
    run(odd, clock, tenHours, 1021);
    s = odd.read();
    const double exact = double(tenHours) * 1337.0 / 28800000.0;
    EXPECT_NEAR(s.grid.at(s.frame).beats, exact, 1e-6);
    const std::int64_t next = s.grid.nextBoundary(s.frame, Boundary::Beat);
    const std::int64_t beat = std::int64_t(std::ceil(exact));
    EXPECT_EQ(next, (beat * 28800000 + 1336) / 1337);
}

TEST(Transport, FollowingALeaderItTakesItsStateAndAJumpIsALocate)
{
    Transport t;
    std::uint64_t clock = 0;
    LeaderPosition leader;
    leader.rolling = true;
    leader.frame = 0;
    for (int i = 0; i < 4; ++i) {
        t.follow(leader, clock);
        run(t, clock, clock + 256);
        leader.frame += 256;
    }
    EXPECT_TRUE(t.read().rolling);
    EXPECT_EQ(t.read().frame, 1024);
    const auto before = t.read().changes;
    leader.frame = 10 * 96000; // another app located to bar 11
    t.follow(leader, clock);
    run(t, clock, clock + 256);
    EXPECT_EQ(t.read().frame, 10 * 96000 + 256);
    EXPECT_EQ(t.read().grid.at(10 * 96000).place.bar, 11);
    EXPECT_EQ(t.read().changes, before + 1);
    leader.rolling = false;
    leader.frame = t.read().frame;
    t.follow(leader, clock);
    run(t, clock, clock + 256);
    EXPECT_FALSE(t.read().rolling);
}

TEST(Transport, ALeadersBarsAndTempoAreTaken)
{
    Transport t;
    std::uint64_t clock = 0;
    LeaderPosition leader;
    leader.rolling = true;
    leader.frame = 1000;
    leader.hasBars = true;
    leader.bpm = 90;
    leader.num = 3;
    leader.den = 4;
    leader.bar = 7;
    leader.beat = 2;
    leader.beatFraction = 0.5;
    t.follow(leader, clock);
    run(t, clock, 256);
    const auto s = t.read();
    const auto p = s.grid.at(1000).place;
    EXPECT_EQ(p.bar, 7);
    EXPECT_EQ(p.beat, 2);
    EXPECT_NEAR(p.fraction, 0.5, 1e-12);
    EXPECT_EQ(s.grid.meter.num, 3);
    EXPECT_DOUBLE_EQ(s.grid.at(s.frame).bpm, 90.0);
}

TEST(Transport, ANewSampleRateKeepsTheSecondAndTheBar)
{
    Transport t;
    std::uint64_t clock = 0;
    TransportRequest locate = op(TransportRequest::Op::Locate);
    locate.frame = 3 * rate;
    t.request(locate, 0, clock);
    run(t, clock, 256);
    t.advance(clock, 256, 44100);
    const auto s = t.read();
    EXPECT_EQ(s.frame, 3 * 44100);
    EXPECT_EQ(s.grid.tempo.sampleRate, 44100);
    const auto p = s.grid.at(s.frame).place;
    EXPECT_EQ(p.bar, 2);
    EXPECT_EQ(p.beat, 3);
}

TEST(Transport, ItsGridForTheLeadersNextFrameIsTheOneFollowWillMake)
{
    Transport t;
    std::uint64_t clock = 0;
    TransportRequest tempo = op(TransportRequest::Op::Tempo);
    tempo.bpm = 60;
    t.request(op(TransportRequest::Op::Play), 0, clock);
    run(t, clock, 30000);
    t.request(tempo, 0, clock);
    run(t, clock, 60000);
    const std::int64_t here = t.read().frame;
    EXPECT_EQ(t.gridFor(here).tempo.anchorFrame, t.read().grid.tempo.anchorFrame) << "where it stands: its own grid";
    const auto elsewhere = t.gridFor(5 * rate); // a locate by another app: bar 1 at 0 s at 60 BPM
    EXPECT_EQ(elsewhere.at(5 * rate).place.bar, 2);
    EXPECT_EQ(elsewhere.at(5 * rate).place.beat, 2);
}
