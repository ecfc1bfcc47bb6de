// SPDX-License-Identifier: GPL-3.0-or-later
// The master's gain and safety limiter: transparent below the ceiling, never above it.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace backline::test;

namespace {

/// The master's lookahead at testSampleRate: int(1.5 ms * 48 kHz) - 1 samples.
constexpr std::size_t latency = 71;

/// Noise bursts with sudden onsets on a sine: the limiter's hardest case.
std::vector<float> bursts(std::size_t n, double amplitude)
{
    std::vector<float> out(n);
    std::uint32_t seed = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        const double noise = double(seed >> 8) / double(1u << 24) * 2.0 - 1.0;
        const bool on = (i / 2400) % 3 == 1; // 50 ms bursts every 150 ms
        const double tone = std::sin(2.0 * std::numbers::pi * 220.0 * double(i) / testSampleRate);
        out[i] = float(amplitude * (on ? noise : 0.25 * tone));
    }
    return out;
}

double largestDifference(const std::vector<float>& out, const std::vector<float>& in, std::size_t from)
{
    double worst = 0.0;
    for (std::size_t i = from; i < out.size(); ++i)
        worst = std::max(worst, std::fabs(double(out[i]) - double(in[i - latency])));
    return worst;
}

} // namespace

TEST(Master, BelowTheCeilingIsBitTransparent)
{
    auto master = builtin("master");
    const auto left = sine(frames(1.0), 997.0, testSampleRate, 0.5);
    const auto right = sine(frames(1.0), 1499.0, testSampleRate, 0.9);
    const auto out = render(*master, { left, right }, frames(1.0));
    // Only delayed, never scaled: every sample equals the input's, bit for bit.
    EXPECT_EQ(largestDifference(out[0], left, latency), 0.0);
    EXPECT_EQ(largestDifference(out[1], right, latency), 0.0);
}

TEST(Master, NeverExceedsTheCeiling)
{
    auto master = builtin("master");
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, 2.0); // +6 dBFS peak
    const auto out = render(*master, { loud, loud }, frames(1.0));
    EXPECT_LE(peakDb(out[0]), -0.3);
    EXPECT_LE(peakDb(out[1]), -0.3);
    EXPECT_GT(peakDb(settled(out[0])), -1.0); // limited, not muted
}

TEST(Master, CatchesSuddenBurstsWithALowerCeiling)
{
    auto master = builtin("master");
    setParam(*master, "limiter/ceiling", -6.0f);
    const auto left = bursts(frames(1.5), 2.0);
    const auto right = sine(frames(1.5), 440.0, testSampleRate, 0.3);
    render(*master, { left, right }, frames(0.1)); // lets the ceiling settle at -6 dBFS
    const auto out = render(*master, { left, right }, frames(1.5));
    EXPECT_LE(peakDb(out[0]), -6.0);
    EXPECT_LE(peakDb(out[1]), -6.0);
}

TEST(Master, IsTransparentAgainAfterAPeak)
{
    auto master = builtin("master");
    auto in = sine(frames(1.0), 440.0, testSampleRate, 0.5);
    for (std::size_t i = frames(0.1); i < frames(0.11); ++i)
        in[i] *= 4.0f; // a 10 ms shout at +6 dBFS
    const auto out = render(*master, { in, in }, frames(1.0));
    EXPECT_LE(peakDb(out[0]), -0.3);
    // 6 dB of release at 40 dB/s takes 0.15 s; after that the gain is exactly 1 again.
    EXPECT_EQ(largestDifference(out[0], in, frames(0.4)), 0.0);
}

TEST(Master, LimitingIsStereoLinked)
{
    auto master = builtin("master");
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, 2.0);
    const auto quiet = sine(frames(1.0), 1000.0, testSampleRate, 0.2);
    const auto out = render(*master, { loud, quiet }, frames(1.0));
    // Both sides get the gain reduction the loud side needs, so the image holds.
    const double reductionL = rmsDb(settled(out[0])) - rmsDb(settled(loud));
    const double reductionR = rmsDb(settled(out[1])) - rmsDb(settled(quiet));
    EXPECT_NEAR(reductionL, reductionR, 0.1);
    EXPECT_LT(reductionL, -6.0);
}

TEST(Master, BypassLetsPeaksThrough)
{
    auto master = builtin("master");
    setParam(*master, "limiter/bypass", 1.0f);
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, 2.0);
    const auto out = render(*master, { loud, loud }, frames(1.0));
    EXPECT_NEAR(peakDb(settled(out[0])), 6.02, 0.01);
    EXPECT_EQ(largestDifference(out[0], loud, latency), 0.0);
}

TEST(Master, GainMinus6dBAttenuates6dB)
{
    auto master = builtin("master");
    setParam(*master, "gain", -6.0f);
    const auto in = sine(frames(1.0), 1000.0, testSampleRate, 0.5);
    const auto out = render(*master, { in, in }, frames(1.0));
    EXPECT_NEAR(rmsDb(settled(out[0])) - rmsDb(settled(in)), -6.0, 0.01);
}

TEST(Master, GainFloorIsSilence)
{
    auto master = builtin("master");
    setParam(*master, "gain", -120.0f);
    const auto in = sine(frames(0.5), 1000.0, testSampleRate, 1.0);
    const auto out = render(*master, { in, in }, frames(0.5));
    EXPECT_LT(peakDb(out[0]), -120.0);
    EXPECT_LT(peakDb(out[1]), -120.0);
}
