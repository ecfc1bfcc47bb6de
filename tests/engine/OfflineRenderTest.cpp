// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineFixture.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using backline::test::OfflineSession;
using backline::test::peakDb;
using backline::test::rmsDb;
using backline::test::settled;
using backline::test::toneDb;

namespace {

std::string toneSession(double gainDb, double pan, bool mute = false)
{
    return "backline: 1\n"
           "tracks:\n"
           "  - name: tone\n"
           "    dsp: tone\n"
           "    params: {freq: 1000, level: -20}\n"
           "    gain: "
        + std::to_string(gainDb) + "\n    pan: " + std::to_string(pan) + "\n    mute: " + (mute ? "true" : "false") + "\n";
}

} // namespace

TEST(OfflineRender, TrackGainOfMinus6dBMeasuresMinus6Point02AtTheMaster)
{
    OfflineSession unity(toneSession(0.0, 0.0));
    OfflineSession attenuated(toneSession(-6.0, 0.0));
    auto [l0, r0] = unity.render(1.0);
    auto [l6, r6] = attenuated.render(1.0);
    const double deltaLeft = rmsDb(settled(l6)) - rmsDb(settled(l0));
    const double deltaRight = rmsDb(settled(r6)) - rmsDb(settled(r0));
    EXPECT_NEAR(deltaLeft, -6.02, 0.05);
    EXPECT_NEAR(deltaRight, -6.02, 0.05);
}

TEST(OfflineRender, CentredMonoTrackIsMinus3dBOnEachSide)
{
    OfflineSession s(toneSession(0.0, 0.0));
    auto [l, r] = s.render(1.0);
    // tone: -20 dBFS peak sine = -23.01 dB RMS; the constant-power centre takes 3.01 dB more.
    EXPECT_NEAR(rmsDb(settled(l)), -26.02, 0.05);
    EXPECT_NEAR(rmsDb(settled(r)), -26.02, 0.05);
    EXPECT_NEAR(toneDb(settled(l), 1000.0, 48000.0), -23.01, 0.1);
}

TEST(OfflineRender, PanHardLeftSilencesTheRightChannel)
{
    OfflineSession s(toneSession(0.0, -1.0));
    auto [l, r] = s.render(2.0);
    EXPECT_NEAR(rmsDb(settled(l)), -23.01, 0.05);
    EXPECT_LT(peakDb(settled(r)), -120.0);
}

TEST(OfflineRender, MuteSilencesTheTrack)
{
    OfflineSession s(toneSession(0.0, 0.0, true));
    auto [l, r] = s.render(2.0);
    EXPECT_LT(peakDb(settled(l)), -120.0);
    EXPECT_LT(peakDb(settled(r)), -120.0);
}

TEST(OfflineRender, GainChangeSentThroughParamControlReachesTheOutput)
{
    OfflineSession s(toneSession(0.0, 0.0));
    auto [before, unusedR] = s.render(1.0);
    ASSERT_TRUE(s.control.set("/track/tone/gain", -12.0));
    auto [after, unusedR2] = s.render(1.0);
    EXPECT_NEAR(rmsDb(settled(after)) - rmsDb(settled(before)), -12.0, 0.05);
}

TEST(OfflineRender, MasterGainAppliesToBothChannels)
{
    OfflineSession s(toneSession(0.0, 0.0));
    auto [l0, r0] = s.render(1.0);
    ASSERT_TRUE(s.control.set("/master/gain", -10.0));
    auto [l1, r1] = s.render(1.0);
    EXPECT_NEAR(rmsDb(settled(l1)) - rmsDb(settled(l0)), -10.0, 0.05);
    EXPECT_NEAR(rmsDb(settled(r1)) - rmsDb(settled(r0)), -10.0, 0.05);
}

TEST(OfflineRender, EngineSmoothsAJumpOfAJitDspParameterWithoutASingleStep)
{
    OfflineSession s("backline: 1\ntracks:\n  - name: dc\n    dsp: faust/dc_level.dsp\n    pan: -1\n", 128);
    s.render(0.5);
    ASSERT_TRUE(s.control.set("/track/dc/dsp/level", 0.5));
    auto [l, r] = s.render(0.5);
    // The strip's centre/left law scales DC by cos(0) = 1 on the left: the output is the level.
    double maxStep = 0.0;
    for (std::size_t i = 1; i < l.size(); ++i)
        maxStep = std::max(maxStep, double(std::fabs(l[i] - l[i - 1])));
    // 20 ms ramp in 8-frame slices at 48 kHz: 120 steps of 0.5/120 (the bound allows 16-frame
    // slices' 0.5/60), kept below the master limiter's ceiling so only the ramp shapes the output.
    EXPECT_LE(maxStep, 0.5 / 60.0 + 1e-4);
    EXPECT_NEAR(l.back(), 0.5f, 1e-4);
    // A jump would be there within a block; the ramp is still on its way after 5 ms.
    const auto firstAbove = std::find_if(l.begin(), l.end(), [](float v) { return v > 0.49f; }) - l.begin();
    EXPECT_GT(firstAbove, 240);
}

TEST(OfflineRender, RendersTheSameBitsTwice)
{
    OfflineSession a(toneSession(-3.0, 0.3));
    OfflineSession b(toneSession(-3.0, 0.3));
    auto [la, ra] = a.render(1.0);
    auto [lb, rb] = b.render(1.0);
    EXPECT_EQ(la, lb);
    EXPECT_EQ(ra, rb);
}

TEST(OfflineRender, ALengthLearntInABlockCutsThatBlockThereAndAnErrorStopsTheRender)
{
    OfflineSession s(toneSession(0.0, 0.0));
    std::vector<std::uint64_t> asked;
    std::uint64_t delivered = 0;
    const auto count = [&](const float* const*, std::uint32_t n) -> backline::Result<void> {
        delivered += n;
        return {};
    };
    // Unknown until 1,000 frames are rendered (4 blocks of 256 = 1,024); then 1,010 in all.
    auto r = s.renderer->render(
        [&](std::uint64_t rendered) -> backline::Result<std::uint64_t> {
            asked.push_back(rendered);
            return rendered >= 1000 ? 1010 : UINT64_MAX;
        },
        count);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(delivered, 1010u);
    EXPECT_EQ(asked, (std::vector<std::uint64_t> {0, 256, 512, 768, 1024}));
    delivered = 0;
    auto failed = s.renderer->render(
        [&](std::uint64_t rendered) -> backline::Result<std::uint64_t> {
            if (rendered >= 512)
                return backline::makeError(backline::ErrorCode::Engine, "enough");
            return UINT64_MAX;
        },
        count);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().message, "enough");
    EXPECT_EQ(delivered, 256u) << "the block after which the length failed is not delivered";
}
