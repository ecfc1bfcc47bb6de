// SPDX-License-Identifier: GPL-3.0-or-later
// The time grid: frames of the transport in bars and beats, and the first frame of the next
// beat or bar, checked against arithmetic done here by other means (integers, the closed form).
#include "engine/rt/TimeGrid.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

using backline::engine::TimeGrid;
using backline::transport::Boundary;

namespace {

constexpr int rate = 48000;

TimeGrid grid(double bpm, int num, int den, int sampleRate = rate)
{
    return TimeGrid::constant(0, bpm, num, den, sampleRate);
}

/// Expects frame to read bar.beat with the given fraction of a beat.
void expectPlace(const TimeGrid& g, std::int64_t frame, std::int64_t bar, int beat, double fraction = 0.0)
{
    const auto p = g.at(frame).place;
    EXPECT_EQ(p.bar, bar) << "frame " << frame;
    EXPECT_EQ(p.beat, beat) << "frame " << frame;
    EXPECT_NEAR(p.fraction, fraction, 1e-9) << "frame " << frame;
}

} // namespace

TEST(TimeGrid, At120In44ABeatIsHalfASecondAndABarTwo)
{
    const TimeGrid g = grid(120, 4, 4);
    expectPlace(g, 0, 1, 1);
    expectPlace(g, 12000, 1, 1, 0.5);
    expectPlace(g, 24000, 1, 2);
    expectPlace(g, 72000, 1, 4);
    expectPlace(g, 96000, 2, 1);
    expectPlace(g, 95999, 1, 4, 23999.0 / 24000.0);
    expectPlace(g, 10 * 96000 + 3 * 24000 + 6000, 11, 4, 0.25);
    EXPECT_DOUBLE_EQ(g.at(123456).bpm, 120.0);
}

TEST(TimeGrid, In34ABarIsThreeBeats)
{
    const TimeGrid g = grid(120, 3, 4);
    expectPlace(g, 48000, 1, 3);
    expectPlace(g, 72000, 2, 1);
    expectPlace(g, 2 * 72000 + 48000, 3, 3);
    EXPECT_EQ(g.frameOf(5, 2), 4 * 72000 + 24000);
}

TEST(TimeGrid, In68And78TheBeatIsTheEighthTheTempoCounts)
{
    // 120 eighth notes a minute: a 6/8 bar lasts 3 s, a 7/8 bar 3.5 s.
    const TimeGrid six = grid(120, 6, 8);
    expectPlace(six, 144000, 2, 1);
    expectPlace(six, 144000 + 5 * 24000, 2, 6);
    EXPECT_EQ(six.nextBoundary(1, Boundary::Bar), 144000);
    const TimeGrid seven = grid(120, 7, 8);
    expectPlace(seven, 168000, 2, 1);
    expectPlace(seven, 167999, 1, 7, 23999.0 / 24000.0);
    EXPECT_EQ(seven.nextBoundary(168001, Boundary::Bar), 336000);
    EXPECT_EQ(seven.frameOf(3, 7), 336000 + 6 * 24000);
}

TEST(TimeGrid, TheNextBoundaryIsTheFirstSampleOfTheNextBeatOrBarAndAFrameOnOneIsItself)
{
    const TimeGrid g = grid(120, 4, 4);
    EXPECT_EQ(g.nextBoundary(0, Boundary::Bar), 0);
    EXPECT_EQ(g.nextBoundary(1, Boundary::Bar), 96000);
    EXPECT_EQ(g.nextBoundary(95999, Boundary::Bar), 96000);
    EXPECT_EQ(g.nextBoundary(96000, Boundary::Bar), 96000);
    EXPECT_EQ(g.nextBoundary(96001, Boundary::Bar), 192000);
    EXPECT_EQ(g.nextBoundary(24001, Boundary::Beat), 48000);
    EXPECT_EQ(g.nextBoundary(48000, Boundary::Beat), 48000);
}

TEST(TimeGrid, AtATempoWhoseBeatIsNoWholeNumberOfFramesEachBeatBeginsOnItsFirstSample)
{
    // 133 BPM at 44.1 kHz: a beat is 2,646,000 / 133 = 19,894.74 frames. Beat k begins on the
    // first frame f with f · 133 ≥ k · 2,646,000, counted here in integers.
    const TimeGrid g = grid(133, 4, 4, 44100);
    std::int64_t frame = 1;
    for (std::int64_t k = 1; k <= 2000; ++k) {
        const std::int64_t exact = (k * 2646000 + 132) / 133;
        const std::int64_t found = g.nextBoundary(frame, Boundary::Beat);
        ASSERT_EQ(found, exact) << "beat " << k;
        EXPECT_EQ(g.at(found).place.beat, int(k % 4) + 1);
        EXPECT_EQ(g.at(found - 1).place.beat, int((k + 3) % 4) + 1) << "the frame before is still the last beat";
        frame = found + 1;
    }
}

TEST(TimeGrid, ATempoChangeBendsTheGridFromWhereItHappens)
{
    // 120 until frame 50,000 (2 1/12 beats), then 60: a beat is 48,000 frames from there.
    TimeGrid g = grid(120, 4, 4);
    g.tempo = g.tempo.withTempo(50000, 60, 0);
    EXPECT_NEAR(g.at(50000).beats, 50000.0 / 24000.0, 1e-12);
    EXPECT_EQ(g.nextBoundary(50001, Boundary::Beat), 50000 + 44000); // 11/12 beat at 60
    EXPECT_EQ(g.nextBoundary(50001, Boundary::Bar), 50000 + 44000 + 48000);
    EXPECT_EQ(g.nextBoundary(49000, Boundary::Beat), 50000 + 44000) << "across the change";
    expectPlace(g, 142000, 2, 1);
    EXPECT_DOUBLE_EQ(g.at(142000).bpm, 60.0);
}

TEST(TimeGrid, AGlideCountsTheIntegralOfItsTempo)
{
    // 100 → 200 BPM over 10 s from frame 0: beats(t) = (100 t + 5 t²) / 60, 25 beats at 10 s,
    // then 200 BPM. Each beat k begins at t = (−100 + √(10000 + 1200 k)) / 10.
    TimeGrid g = grid(100, 4, 4);
    g.tempo = g.tempo.withTempo(0, 200, 10 * rate);
    for (double t : {0.5, 2.0, 7.3, 10.0, 12.5}) {
        const double analytic = t <= 10 ? (100 * t + 5 * t * t) / 60 : 25 + 200 * (t - 10) / 60;
        const std::int64_t frame = std::llround(t * rate);
        EXPECT_NEAR(g.at(frame).beats, analytic, 1e-9) << t << " s";
    }
    EXPECT_NEAR(g.at(5 * rate).bpm, 150.0, 1e-9);
    for (int k = 1; k <= 25; ++k) {
        const double t = (-100.0 + std::sqrt(10000.0 + 1200.0 * k)) / 10.0;
        const std::int64_t frame = g.nextBoundary(std::int64_t(t * rate) - 10, Boundary::Beat);
        EXPECT_LT(std::fabs(double(frame) - t * rate), 1.0) << "beat " << k << " within a frame of the integral";
        EXPECT_GE(g.at(frame).beats, double(k));
        EXPECT_LT(g.at(frame - 1).beats, double(k));
    }
    // Slowing down works the same way: 200 → 100 over 10 s also counts 25 beats.
    TimeGrid slow = grid(200, 4, 4);
    slow.tempo = slow.tempo.withTempo(0, 100, 10 * rate);
    EXPECT_NEAR(slow.at(10 * rate).beats, 25.0, 1e-9);
    EXPECT_EQ(slow.tempo.firstFrameOf(25.0), 10 * rate);
}

TEST(TimeGrid, AMeterChangeMidBarWaitsForTheBarLine)
{
    TimeGrid g = grid(120, 4, 4);
    // At beat 2.5 of bar 1, ask for 3/4: bar 1 finishes in 4/4, bar 2 on is 3/4.
    g.meter = g.meter.withMeter(3, 4, g.at(60000).beats);
    expectPlace(g, 72000, 1, 4);
    expectPlace(g, 96000, 2, 1);
    expectPlace(g, 96000 + 72000, 3, 1);
    EXPECT_EQ(g.nextBoundary(96001, Boundary::Bar), 96000 + 72000);
    EXPECT_EQ(g.frameOf(4, 2), 96000 + 2 * 72000 + 24000);
    // On a bar line it applies there.
    g.meter = g.meter.withMeter(7, 8, g.at(96000 + 72000).beats);
    expectPlace(g, 96000 + 72000 + 3 * 24000, 3, 4);
    expectPlace(g, 96000 + 72000 + 7 * 24000, 4, 1);
}
