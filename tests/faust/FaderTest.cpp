// SPDX-License-Identifier: GPL-3.0-or-later
// The faders (fader_mono: constant-power pan; fader_stereo: balance), judged by what comes out.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace backline::test;

namespace {

constexpr double centreDb = -3.0103; // sin(pi/4) in dB

struct Levels {
    double left;  ///< settled RMS of the left output relative to the input, dB
    double right; ///< the same for the right
    Channels out;
};

/// A full-scale 1 kHz sine through the fader for `seconds`, after `setup`.
Levels through(const char* name, std::initializer_list<std::pair<const char*, float>> settings, double seconds = 1.0)
{
    auto dsp = builtin(name);
    for (auto [path, value] : settings)
        setParam(*dsp, path, value);
    const auto input = sine(frames(seconds), 1000.0, testSampleRate, 1.0);
    const Channels inputs(std::size_t(dsp->numInputs()), input);
    Channels out = render(*dsp, inputs, frames(seconds));
    const double ref = rmsDb(settled(input));
    return { rmsDb(settled(out[0])) - ref, rmsDb(settled(out[1])) - ref, std::move(out) };
}

} // namespace

TEST(FaderMono, CentrePanIsMinus3Point01dBEachSide)
{
    const auto levels = through("fader_mono", {});
    std::printf("[ measured ] fader_mono centre: L %.4f dB, R %.4f dB\n", levels.left, levels.right);
    EXPECT_NEAR(levels.left, centreDb, 0.05);
    EXPECT_NEAR(levels.right, centreDb, 0.05);
}

TEST(FaderMono, HardLeftSilencesTheRightExactly)
{
    // Starts centred, then pans hard left: after the 20 ms glide the right is an exact 0.
    auto dsp = builtin("fader_mono");
    const auto in = sine(frames(1.0), 1000.0, testSampleRate, 1.0);
    render(*dsp, { in }, frames(0.1));
    setParam(*dsp, "pan", -1.0f);
    const auto out = render(*dsp, { in }, frames(1.0));
    std::printf("[ measured ] fader_mono hard left: right channel peak %.1f dBFS after settling\n", peakDb(settled(out[1])));
    EXPECT_LT(peakDb(settled(out[1])), -120.0);
    for (std::size_t i = frames(0.05); i < out[1].size(); ++i)
        ASSERT_EQ(out[1][i], 0.0f) << "at sample " << i;
    EXPECT_NEAR(rmsDb(settled(out[0])) - rmsDb(settled(in)), 0.0, 0.01);
}

TEST(FaderMono, HardRightSilencesTheLeft)
{
    const auto levels = through("fader_mono", { { "pan", 1.0f } });
    EXPECT_LT(peakDb(settled(levels.out[0])), -120.0);
    EXPECT_NEAR(levels.right, 0.0, 0.01);
}

TEST(FaderMono, PanIsConstantPower)
{
    for (float pan : { -0.75f, -0.3f, 0.2f, 0.6f }) {
        const auto levels = through("fader_mono", { { "pan", pan } }, 0.5);
        const double power = std::pow(10.0, levels.left / 10.0) + std::pow(10.0, levels.right / 10.0);
        EXPECT_NEAR(10.0 * std::log10(power), 0.0, 0.01) << "pan " << pan;
    }
}

TEST(FaderMono, GainMinus6dBIsMinus6Point02dB)
{
    const auto levels = through("fader_mono", { { "gain", -6.0f } });
    std::printf("[ measured ] fader_mono gain -6: %.4f dB (relative to centre)\n", levels.left - centreDb);
    EXPECT_NEAR(levels.left - centreDb, -6.02, 0.05);
    EXPECT_NEAR(levels.right - centreDb, -6.02, 0.05);
}

TEST(FaderMono, GainFloorIsExactSilence)
{
    const auto levels = through("fader_mono", { { "gain", -120.0f } });
    for (const auto& channel : levels.out) {
        for (float s : channel)
            ASSERT_EQ(s, 0.0f);
    }
}

TEST(FaderMono, HasNoMute)
{
    auto dsp = builtin("fader_mono");
    EXPECT_EQ(dsp->findParam("mute"), nullptr); // mute and solo are the engine's
}

TEST(FaderStereo, CentreIsUnity)
{
    const auto levels = through("fader_stereo", {});
    EXPECT_EQ(levels.out[0], sine(frames(1.0), 1000.0, testSampleRate, 1.0)); // bit for bit
    EXPECT_NEAR(levels.right, 0.0, 0.001);
}

TEST(FaderStereo, BalanceRightLowersOnlyTheLeft)
{
    const auto levels = through("fader_stereo", { { "pan", 0.5f } });
    EXPECT_NEAR(levels.left, -6.0206, 0.05);
    EXPECT_NEAR(levels.right, 0.0, 0.01);
}

TEST(FaderStereo, HardLeftSilencesTheRight)
{
    const auto levels = through("fader_stereo", { { "pan", -1.0f } });
    EXPECT_NEAR(levels.left, 0.0, 0.01);
    EXPECT_LT(peakDb(settled(levels.out[1])), -120.0);
}

TEST(FaderStereo, GainMinus6dBIsMinus6Point02dB)
{
    const auto levels = through("fader_stereo", { { "gain", -6.0f } });
    EXPECT_NEAR(levels.left, -6.02, 0.05);
    EXPECT_NEAR(levels.right, -6.02, 0.05);
}
