// SPDX-License-Identifier: GPL-3.0-or-later
// The tone source and the channel strips, judged by what comes out.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace backline::test;

namespace {

constexpr double centreDb = -3.0103; // sin(pi/4) in dB

/// A full-scale 1 kHz sine through a strip for 1 s; each output's settled RMS relative to the input's.
struct StripLevels {
    double left;
    double right;
    Channels out;
};

StripLevels throughStrip(backline::faust::DspInstance& dsp, double seconds = 1.0)
{
    const auto input = sine(frames(seconds), 1000.0, testSampleRate, 1.0);
    Channels inputs(std::size_t(dsp.numInputs()), input);
    Channels out = render(dsp, inputs, frames(seconds));
    const double ref = rmsDb(settled(input));
    return { rmsDb(settled(out[0])) - ref, rmsDb(settled(out[1])) - ref, std::move(out) };
}

} // namespace

TEST(Tone, RmsIsLevelMinus3dB)
{
    auto tone = builtin("tone");
    setParam(*tone, "level", -20.0f);
    const auto out = render(*tone, {}, frames(1.0));
    EXPECT_NEAR(rmsDb(settled(out[0])), -23.0103, 0.01);
}

TEST(Tone, SoundsAtItsFrequency)
{
    auto tone = builtin("tone");
    setParam(*tone, "level", -20.0f);
    setParam(*tone, "freq", 1000.0f);
    const auto out = render(*tone, {}, frames(1.0));
    EXPECT_NEAR(toneDb(settled(out[0]), 1000.0, testSampleRate), -20.0, 0.05);
    EXPECT_LT(toneDb(settled(out[0]), 1100.0, testSampleRate), -80.0);
}

TEST(Tone, FollowsAFrequencyChange)
{
    auto tone = builtin("tone");
    render(*tone, {}, frames(0.1));
    setParam(*tone, "freq", 440.0f);
    const auto out = render(*tone, {}, frames(1.0));
    EXPECT_NEAR(toneDb(settled(out[0]), 440.0, testSampleRate), -20.0, 0.05);
    EXPECT_LT(toneDb(settled(out[0]), 1000.0, testSampleRate), -80.0);
}

TEST(Tone, LevelFloorIsSilence)
{
    auto tone = builtin("tone");
    setParam(*tone, "level", -120.0f);
    const auto out = render(*tone, {}, frames(0.5));
    EXPECT_LT(peakDb(out[0]), -120.0);
}

TEST(StripMono, CentrePanIsMinus3dBEachSide)
{
    auto strip = builtin("strip_mono");
    const auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, centreDb, 0.05);
    EXPECT_NEAR(levels.right, centreDb, 0.05);
}

TEST(StripMono, HardLeftSilencesTheRight)
{
    auto strip = builtin("strip_mono");
    render(*strip, { sine(frames(0.1), 1000.0, testSampleRate, 1.0) }, frames(0.1));
    setParam(*strip, "pan", -1.0f);
    const auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, 0.0, 0.01);
    EXPECT_LT(peakDb(settled(levels.out[1])), -120.0);
}

TEST(StripMono, HardRightSilencesTheLeft)
{
    auto strip = builtin("strip_mono");
    setParam(*strip, "pan", 1.0f);
    const auto levels = throughStrip(*strip);
    EXPECT_LT(peakDb(settled(levels.out[0])), -120.0);
    EXPECT_NEAR(levels.right, 0.0, 0.01);
}

TEST(StripMono, PanIsConstantPower)
{
    for (float pan : { -0.75f, -0.3f, 0.2f, 0.6f }) {
        auto strip = builtin("strip_mono");
        setParam(*strip, "pan", pan);
        const auto levels = throughStrip(*strip, 0.5);
        const double power = std::pow(10.0, levels.left / 10.0) + std::pow(10.0, levels.right / 10.0);
        EXPECT_NEAR(10.0 * std::log10(power), 0.0, 0.01) << "pan " << pan;
    }
}

TEST(StripMono, GainMinus6dBLowersBothSides6dB)
{
    auto strip = builtin("strip_mono");
    setParam(*strip, "gain", -6.0f);
    const auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, centreDb - 6.0, 0.01);
    EXPECT_NEAR(levels.right, centreDb - 6.0, 0.01);
}

TEST(StripMono, GainFloorIsSilence)
{
    auto strip = builtin("strip_mono");
    setParam(*strip, "gain", -120.0f);
    const auto levels = throughStrip(*strip);
    EXPECT_LT(peakDb(levels.out[0]), -120.0);
    EXPECT_LT(peakDb(levels.out[1]), -120.0);
}

TEST(StripMono, MuteSilencesAfterAFade)
{
    auto strip = builtin("strip_mono");
    render(*strip, { sine(frames(0.1), 1000.0, testSampleRate, 1.0) }, frames(0.1));
    setParam(*strip, "mute", 1.0f);
    const auto levels = throughStrip(*strip);
    EXPECT_LT(peakDb(settled(levels.out[0])), -120.0);
    EXPECT_LT(peakDb(settled(levels.out[1])), -120.0);
    // The fade is not a cut: the first milliseconds still carry signal.
    EXPECT_GT(peakDb(std::span<const float>(levels.out[0]).first(48)), -10.0);
}

TEST(StripMono, GainJumpRampsWithoutAClick)
{
    auto strip = builtin("strip_mono");
    setParam(*strip, "gain", -120.0f);
    setParam(*strip, "pan", -1.0f);
    const std::vector<float> dc(frames(0.5), 1.0f);
    render(*strip, { dc }, frames(0.1));
    setParam(*strip, "gain", 0.0f);
    const auto out = render(*strip, { dc }, frames(0.5));
    float largestStep = 0.0f;
    for (std::size_t i = 1; i < out[0].size(); ++i)
        largestStep = std::max(largestStep, std::fabs(out[0][i] - out[0][i - 1]));
    EXPECT_LT(largestStep, 0.005f); // a step would be 1.0; the glide spreads it over ~20 ms
    EXPECT_GT(out[0][frames(0.025)], 0.999f);
    EXPECT_EQ(out[0].back(), 1.0f); // and arrives exactly
}

TEST(StripStereo, CentreIsUnity)
{
    auto strip = builtin("strip_stereo");
    const auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, 0.0, 0.01);
    EXPECT_NEAR(levels.right, 0.0, 0.01);
}

TEST(StripStereo, BalanceRightLowersOnlyTheLeft)
{
    auto strip = builtin("strip_stereo");
    setParam(*strip, "pan", 0.5f);
    const auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, -6.0206, 0.05);
    EXPECT_NEAR(levels.right, 0.0, 0.01);
}

TEST(StripStereo, HardLeftSilencesTheRight)
{
    auto strip = builtin("strip_stereo");
    setParam(*strip, "pan", -1.0f);
    const auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, 0.0, 0.01);
    EXPECT_LT(peakDb(settled(levels.out[1])), -120.0);
}

TEST(StripStereo, GainAndMute)
{
    auto strip = builtin("strip_stereo");
    setParam(*strip, "gain", -6.0f);
    auto levels = throughStrip(*strip);
    EXPECT_NEAR(levels.left, -6.0, 0.01);
    EXPECT_NEAR(levels.right, -6.0, 0.01);
    setParam(*strip, "mute", 1.0f);
    levels = throughStrip(*strip);
    EXPECT_LT(peakDb(settled(levels.out[0])), -120.0);
    EXPECT_LT(peakDb(settled(levels.out[1])), -120.0);
}
