// SPDX-License-Identifier: GPL-3.0-or-later
// A reload mid-show: the old graph fades out while the new one fades in, without a step.
#include "EngineFixture.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>

using backline::test::OfflineSession;
using backline::test::peakDb;
using backline::test::rmsDb;
using backline::test::toneDb;

namespace {

// 997 Hz: no whole number of periods in a block, so the swap does not fall on a zero crossing.
std::string toneSession(double gainDb, bool mute, int freq = 997)
{
    return "backline: 1\n"
           "tracks:\n"
           "  - name: tone\n"
           "    dsp: tone\n"
           "    params: {freq: "
        + std::to_string(freq) + ", level: -20}\n"
           "    gain: "
        + std::to_string(gainDb) + "\n    mute: " + (mute ? "true" : "false") + "\n";
}

std::unique_ptr<backline::engine::Graph> build(OfflineSession& s, const std::string& yaml)
{
    auto spec = backline::session::loadSessionText(yaml, std::filesystem::path(BACKLINE_TEST_DATA_DIR) / "session.yaml");
    EXPECT_TRUE(spec) << spec.error().message;
    auto graph = backline::engine::buildGraph(*spec, spec->sampleRate, 128, s.resolver());
    EXPECT_TRUE(graph) << graph.error().message;
    return std::move(graph.value());
}

/// The largest change from one sample to the next: a click shows as a step far above a
/// sine's own largest slope.
float maxStep(std::span<const float> v)
{
    float m = 0.0f;
    for (std::size_t i = 1; i < v.size(); ++i)
        m = std::max(m, std::abs(v[i] - v[i - 1]));
    return m;
}

constexpr std::size_t fadeFrames = 1440; // 30 ms at 48 kHz

} // namespace

TEST(ReloadCrossfade, TheOldGraphFadesOutOver30MsWithoutAStep)
{
    OfflineSession s(toneSession(0.0, false), 128);
    auto [before, unusedRight] = s.render(0.5);
    const std::span<const float> lastBefore(before.end() - 2400, before.end());
    s.control.install(build(s, toneSession(0.0, true)));
    EXPECT_TRUE(s.engine.crossfading());
    auto [after, unusedRight2] = s.render(0.1);

    // Continuous across the swap and through the fade: no step beyond the tone's own slope.
    std::vector<float> seam(lastBefore.begin(), lastBefore.end());
    seam.insert(seam.end(), after.begin(), after.begin() + fadeFrames + 128);
    EXPECT_LE(maxStep(seam), maxStep(lastBefore) * 1.02f);
    // The old graph is still heard at first (smoothstep: -0.7 dB after 5 ms)...
    EXPECT_GT(rmsDb(std::span<const float>(after.data(), 240)), rmsDb(lastBefore) - 1.0);
    // ...half way through it is at half amplitude...
    EXPECT_NEAR(rmsDb(std::span<const float>(after.data() + 672, 96)), rmsDb(lastBefore) - 6.02, 0.5);
    // ...and gone once the fade is over, the new (muted) graph alone.
    EXPECT_LT(peakDb(std::span<const float>(after.data() + fadeFrames, after.size() - fadeFrames)), -120.0);
    EXPECT_FALSE(s.engine.crossfading());
}

TEST(ReloadCrossfade, TheNewGraphFadesInAndPlaysAtItsOwnLevelAfterTheFade)
{
    OfflineSession s(toneSession(0.0, true), 128); // silence first
    s.render(0.2);
    s.control.install(build(s, toneSession(-6.0, false)));
    auto [after, unusedRight] = s.render(0.5);
    // After the fade: the tone at -20 dBFS peak, -6 dB track gain, -3 dB centre pan...
    const double level = -23.01 - 6.02 - 3.01;
    EXPECT_NEAR(rmsDb(std::span<const float>(after.data() + 4800, 19200)), level, 0.05);
    // ...reached through the fade: half amplitude half way, not there at once.
    EXPECT_NEAR(rmsDb(std::span<const float>(after.data() + 672, 96)), level - 6.02, 0.5);
    EXPECT_LT(rmsDb(std::span<const float>(after.data(), 240)), level - 12.0);
}

TEST(ReloadCrossfade, BackToBackSwapsNeverLeaveAGraphPlayingOrLeakOne)
{
    OfflineSession s(toneSession(0.0, false), 128);
    s.render(0.1);
    // Two installs before the audio thread runs: the middle graph is dropped at once.
    s.control.install(build(s, toneSession(-6.0, false)));
    s.control.install(build(s, toneSession(0.0, true)));
    auto [after, unusedRight] = s.render(0.2);
    EXPECT_LT(peakDb(std::span<const float>(after.data() + fadeFrames, after.size() - fadeFrames)), -120.0);
    EXPECT_FALSE(s.engine.crossfading());
}

TEST(ReloadCrossfade, AfterAJackRestartTheOldGraphIsDroppedAndTheNewOneFadesInFromSilence)
{
    OfflineSession s(toneSession(0.0, false, 997), 128);
    s.render(0.2);
    s.control.install(build(s, toneSession(0.0, false, 1500)), nullptr, backline::engine::Swap::FadeIn);
    auto [after, unusedRight] = s.render(0.5);
    // Nothing of the old graph's 997 Hz, from the first sample on.
    EXPECT_LT(toneDb(std::span<const float>(after.data(), fadeFrames), 997.0, 48000.0), -100.0);
    // The new one rises from silence: half amplitude half way, its own level after the fade.
    const double level = -23.01 - 3.01;
    EXPECT_NEAR(rmsDb(std::span<const float>(after.data() + 672, 96)), level - 6.02, 0.5);
    EXPECT_NEAR(rmsDb(std::span<const float>(after.data() + 4800, 19200)), level, 0.05);
    EXPECT_FALSE(s.engine.crossfading());
}

TEST(ReloadCrossfade, TheMasterIsMeteredAndTappedAsHeardThroughTheFade)
{
    OfflineSession s(toneSession(0.0, false), 128);
    s.render(0.2);
    backline::engine::MeterEvent e;
    while (s.engine.meterEvents().pop(e)) {
    }
    auto next = build(s, toneSession(0.0, true));
    const auto* graph = next.get();
    const std::uint32_t masterMeter = std::uint32_t(graph->meterCount() - 1);
    s.control.install(std::move(next));
    auto [first, unusedRight] = s.render(128.0 / 48000.0);
    // The new graph alone is silent; the master meter must show what plays: the old tone fading.
    float peak = -1.0f;
    while (s.engine.meterEvents().pop(e))
        if (e.generation == graph->generation && e.meter == masterMeter)
            peak = std::max(peak, e.peak[0]);
    float played = 0.0f;
    for (float x : first)
        played = std::max(played, std::abs(x));
    EXPECT_GT(played, 0.05f);
    EXPECT_FLOAT_EQ(peak, played);
}
