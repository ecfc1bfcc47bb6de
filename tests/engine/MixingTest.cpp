// SPDX-License-Identifier: GPL-3.0-or-later
// Buses, sends, routing, mute and solo, measured at the master output of offline renders.
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

/// Two tone tracks (a: 1 kHz at -20 dBFS, b: 3 kHz at -20 dBFS), an aux bus without DSP,
/// a solo-safe aux and a group bus; `extra` is appended to track a.
std::string mixSession(const std::string& trackA = "", const std::string& trackB = "", const std::string& buses = "")
{
    return "backline: 1\n"
           "tracks:\n"
           "  - name: a\n    dsp: tone\n    params: {freq: 1000, level: -20}\n"
        + trackA
        + "  - name: b\n    dsp: tone\n    params: {freq: 3000, level: -20}\n" + trackB
        + "buses:\n"
          "  - name: fx\n    kind: aux\n"
          "  - name: safe\n    kind: aux\n    solo_safe: true\n"
          "  - name: grp\n    kind: group\n"
        + buses;
}

double level(const std::vector<float>& v, double freq) { return toneDb(settled(v), freq, 48000.0); }

} // namespace

TEST(Mixing, PostFaderSendAtMinus6dBPutsTheTrackIntoItsBusAtMinus6Point02)
{
    // Reference: track a straight to the master.
    OfflineSession direct(mixSession("    gain: -3\n", "    mute: true\n"));
    auto [refL, refR] = direct.render(1.0);
    // Same track, routed nowhere but sent post-fader at -6 dB to an aux that returns to the master.
    OfflineSession sent(mixSession("    gain: -3\n    output: grp\n    sends:\n      - {bus: fx, level: -6}\n",
        "    mute: true\n", ""));
    ASSERT_TRUE(sent.control.set("/bus/grp/mute", 1.0));
    auto [l, r] = sent.render(1.0);
    EXPECT_NEAR(level(l, 1000) - level(refL, 1000), -6.02, 0.05);
    EXPECT_NEAR(level(r, 1000) - level(refR, 1000), -6.02, 0.05);
}

TEST(Mixing, PreFaderSendIgnoresTheFader)
{
    OfflineSession s(mixSession("    gain: -30\n    output: grp\n    sends:\n      - {bus: fx, level: 0, pre: true}\n",
        "    mute: true\n"));
    ASSERT_TRUE(s.control.set("/bus/grp/mute", 1.0));
    auto [l, r] = s.render(1.0);
    // Pre-fader, a mono track's send feeds both sides of the bus at its own level.
    EXPECT_NEAR(level(l, 1000), -20.0, 0.05);
    EXPECT_NEAR(level(r, 1000), -20.0, 0.05);
}

TEST(Mixing, EveryTrackHasASendToEveryAuxBusThatStartsOff)
{
    OfflineSession s(mixSession());
    auto state = s.control.get("/track/b/send/fx/level");
    ASSERT_TRUE(state);
    EXPECT_FLOAT_EQ(state->value, -120.0f);
    EXPECT_TRUE(s.control.get("/track/b/send/safe/pre"));
    EXPECT_FALSE(s.control.get("/track/b/send/grp/level")) << "group buses take routes, not sends";
    EXPECT_TRUE(s.control.get("/track/b/route/grp"));
    EXPECT_TRUE(s.control.get("/track/b/route/master"));
}

TEST(Mixing, RoutingATrackToAGroupSendsItThroughTheGroupFader)
{
    OfflineSession s(mixSession("    output: grp\n", "    mute: true\n", ""));
    ASSERT_TRUE(s.control.set("/bus/grp/gain", -10.0));
    auto [l, r] = s.render(1.0);
    EXPECT_NEAR(level(l, 1000), -20.0 - 3.01 - 10.0, 0.05);
}

TEST(Mixing, MuteSilencesTheTrackAndItsSends)
{
    OfflineSession s(mixSession("    mute: true\n    sends:\n      - {bus: fx, level: 0}\n", "    mute: true\n"));
    auto [l, r] = s.render(1.0);
    EXPECT_LT(peakDb(settled(l)), -120.0);
    EXPECT_LT(peakDb(settled(r)), -120.0);
}

TEST(Mixing, SoloInPlaceSilencesTheOthersButKeepsSoloSafeReturns)
{
    OfflineSession s(mixSession("    solo: true\n    sends:\n      - {bus: safe, level: -6}\n      - {bus: fx, level: -6}\n",
        "    sends:\n      - {bus: safe, level: 0}\n"));
    auto [l, r] = s.render(1.0);
    // a direct (-23.01) plus its send through the solo-safe return (-29.03), in phase: +6.02 dB/2…
    const double a = level(l, 1000);
    const double aDirectPlusSafe = 20.0 * std::log10(std::pow(10.0, -23.01 / 20.0) + std::pow(10.0, -29.03 / 20.0));
    EXPECT_NEAR(a, aDirectPlusSafe, 0.05) << "the fx return is not solo-safe and must be silent";
    // b is silenced by the solo, and so are its sends into the solo-safe return.
    EXPECT_LT(level(l, 3000), -120.0);
}

TEST(Mixing, SoloingAGroupBusKeepsTheTracksRoutedToIt)
{
    OfflineSession s(mixSession("    output: grp\n", ""));
    ASSERT_TRUE(s.control.set("/bus/grp/solo", 1.0));
    auto [l, r] = s.render(1.0);
    EXPECT_NEAR(level(l, 1000), -23.01, 0.05);
    EXPECT_LT(level(l, 3000), -120.0);
}

TEST(Mixing, SoloingATrackKeepsTheGroupItIsRoutedTo)
{
    OfflineSession s(mixSession("    output: grp\n    solo: true\n", ""));
    auto [l, r] = s.render(1.0);
    EXPECT_NEAR(level(l, 1000), -23.01, 0.05);
    EXPECT_LT(level(l, 3000), -120.0);
}

TEST(Mixing, SwitchingRoutesAndSendsGlidesWithoutASingleStep)
{
    // A DC source shows any discontinuity directly.
    OfflineSession s("backline: 1\ntracks:\n  - name: dc\n    dsp: faust/dc_level.dsp\n    params: {level: 0.25}\n"
                     "    pan: -1\nbuses:\n  - name: fx\n  - name: grp\n    kind: group\n",
        128);
    s.render(0.5);
    ASSERT_TRUE(s.control.set("/track/dc/route/master", 0.0));
    ASSERT_TRUE(s.control.set("/track/dc/route/grp", 1.0));
    ASSERT_TRUE(s.control.set("/track/dc/send/fx/level", 0.0));
    auto [l1, r1] = s.render(0.25);
    ASSERT_TRUE(s.control.set("/track/dc/send/fx/pre", 1.0));
    ASSERT_TRUE(s.control.set("/track/dc/solo", 1.0));
    ASSERT_TRUE(s.control.set("/track/dc/mute", 1.0));
    auto [l2, r2] = s.render(0.25);
    for (const auto* v : {&l1, &l2}) {
        double maxStep = 0.0;
        for (std::size_t i = 1; i < v->size(); ++i)
            maxStep = std::max(maxStep, double(std::fabs((*v)[i] - (*v)[i - 1])));
        // 10 ms glides of at most 0.5 in level (route fade-out plus send fade-in): 0.5/480 per frame.
        EXPECT_LT(maxStep, 0.5 / 480.0 * 1.5);
    }
    EXPECT_NEAR(l1.back(), 0.5f, 1e-3) << "routed through grp plus the post-fader send";
    EXPECT_LT(std::fabs(l2.back()), 1e-6) << "muted";
}

TEST(Mixing, TimedChangeLandsOnItsFrameAndABatchLandsTogether)
{
    OfflineSession s("backline: 1\ntracks:\n"
                     "  - name: x\n    dsp: faust/dc_level.dsp\n    params: {level: 0.1}\n    pan: -1\n"
                     "  - name: y\n    dsp: faust/dc_level.dsp\n    params: {level: 0.1}\n    pan: 1\n",
        128);
    // Tap each track's post-fader output, ahead of the master chain's lookahead delay.
    backline::AudioRing ringX(2, 48000), ringY(2, 48000);
    auto taps = std::make_unique<backline::engine::TapSet>();
    taps->generation = s.installedGraph()->generation;
    taps->taps.push_back({{backline::engine::TapPoint::Kind::TrackPost, 0}, &ringX});
    taps->taps.push_back({{backline::engine::TapPoint::Kind::TrackPost, 1}, &ringY});
    s.engine.installTaps(std::move(taps));
    s.render(0.5);
    std::vector<float> drain(2 * 48000);
    ringX.read(drain.data(), 48000);
    ringY.read(drain.data(), 48000);

    const std::uint64_t at = s.engine.clock() + 1000; // inside a later 128-frame block, not on its edge
    std::vector<std::pair<std::string, double>> batch {{"/track/x/mute", 1.0}, {"/track/y/mute", 1.0}};
    ASSERT_TRUE(s.control.setBatch(batch, at));
    const std::uint64_t start = s.engine.clock();
    s.render(0.1);
    std::vector<float> x(2 * 4800), y(2 * 4800);
    ASSERT_EQ(ringX.read(x.data(), 4800), 4800u);
    ASSERT_EQ(ringY.read(y.data(), 4800), 4800u);
    auto firstChange = [](const std::vector<float>& v, int channel) {
        for (std::size_t i = 1; i < v.size() / 2; ++i)
            if (v[2 * i + std::size_t(channel)] != v[std::size_t(channel)])
                return i;
        return std::size_t(0);
    };
    const auto due = std::size_t(at - start);
    EXPECT_EQ(firstChange(x, 0), due) << "left side of x";
    EXPECT_EQ(firstChange(y, 1), due) << "right side of y";
}

TEST(Mixing, ABatchWithOneBadValueChangesNothing)
{
    OfflineSession s(mixSession());
    std::vector<std::pair<std::string, double>> batch {{"/track/a/gain", -6.0}, {"/track/b/gain", 99.0}};
    EXPECT_FALSE(s.control.setBatch(batch));
    EXPECT_FLOAT_EQ(s.control.get("/track/a/gain")->value, 0.0f);
}
