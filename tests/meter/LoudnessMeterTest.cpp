// SPDX-License-Identifier: GPL-3.0-or-later
// The master's loudness meter against EBU Tech 3341 (minimum requirements), cases 1–5, with the
// signals generated here and fed through the same AudioRing the audio thread writes.
#include "core/AudioRing.h"
#include "meter/LoudnessMeter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

using backline::AudioRing;
using backline::meter::LoudnessMeter;

namespace {

constexpr int rate = 48000;

/// Feeds a stereo 1 kHz sine in segments of (seconds, dBFS per channel) through a ring into meter.
void feed(LoudnessMeter& meter, const std::vector<std::pair<double, double>>& segments)
{
    AudioRing ring(2, rate);
    std::vector<float> block(512), interleaved(1024);
    std::uint64_t n = 0;
    for (auto [seconds, db] : segments) {
        const double amplitude = std::pow(10.0, db / 20.0);
        auto frames = std::uint64_t(std::llround(seconds * rate));
        while (frames > 0) {
            const auto count = std::uint32_t(std::min<std::uint64_t>(frames, block.size()));
            for (std::uint32_t i = 0; i < count; ++i, ++n)
                block[i] = float(amplitude * std::sin(2.0 * std::numbers::pi * 1000.0 * double(n) / rate));
            const float* planar[2] = {block.data(), block.data()};
            ASSERT_TRUE(ring.writePlanar(planar, count));
            const std::size_t got = ring.read(interleaved.data(), count);
            meter.add(interleaved.data(), got);
            frames -= count;
        }
    }
}

} // namespace

TEST(LoudnessMeter, Tech3341Case1SineAtMinus23dBFSReadsMinus23Lufs)
{
    LoudnessMeter meter(rate);
    feed(meter, {{20.0, -23.0}});
    const auto l = meter.read();
    EXPECT_NEAR(l.momentary, -23.0, 0.1);
    EXPECT_NEAR(l.shortTerm, -23.0, 0.1);
    EXPECT_NEAR(l.integrated, -23.0, 0.1);
}

TEST(LoudnessMeter, Tech3341Case2SineAtMinus33dBFSReadsMinus33Lufs)
{
    LoudnessMeter meter(rate);
    feed(meter, {{20.0, -33.0}});
    const auto l = meter.read();
    EXPECT_NEAR(l.momentary, -33.0, 0.1);
    EXPECT_NEAR(l.shortTerm, -33.0, 0.1);
    EXPECT_NEAR(l.integrated, -33.0, 0.1);
}

TEST(LoudnessMeter, Tech3341Case3GatingIgnoresTheQuietEnds)
{
    LoudnessMeter meter(rate);
    feed(meter, {{10.0, -36.0}, {60.0, -23.0}, {10.0, -36.0}});
    EXPECT_NEAR(meter.read().integrated, -23.0, 0.1);
}

TEST(LoudnessMeter, Tech3341Case4AbsoluteAndRelativeGates)
{
    LoudnessMeter meter(rate);
    feed(meter, {{10.0, -72.0}, {10.0, -36.0}, {60.0, -23.0}, {10.0, -36.0}, {10.0, -72.0}});
    EXPECT_NEAR(meter.read().integrated, -23.0, 0.1);
}

TEST(LoudnessMeter, Tech3341Case5LouderMiddleSection)
{
    LoudnessMeter meter(rate);
    feed(meter, {{20.0, -26.0}, {20.1, -20.0}, {20.0, -26.0}});
    EXPECT_NEAR(meter.read().integrated, -23.0, 0.1);
}

TEST(LoudnessMeter, ResetStartsIntegratedLoudnessAfresh)
{
    LoudnessMeter meter(rate);
    feed(meter, {{10.0, -20.0}});
    meter.reset();
    feed(meter, {{10.0, -30.0}});
    EXPECT_NEAR(meter.read().integrated, -30.0, 0.1);
}

TEST(LoudnessMeter, TruePeakOfASineMatchesItsPeak)
{
    LoudnessMeter meter(rate);
    feed(meter, {{2.0, -6.0}});
    EXPECT_NEAR(meter.read().truePeak, -6.0, 0.2);
}
