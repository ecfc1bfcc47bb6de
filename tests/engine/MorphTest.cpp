// SPDX-License-Identifier: GPL-3.0-or-later
// Morphs through the real engine, offline: parameters move from where they are to their targets
// over a fade on the audio thread, each along the curve its kind calls for, measured on what the
// tracks play frame by frame.
#include "EngineFixture.h"
#include "GainMeasure.h"
#include "TrackTaps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

using backline::test::OfflineSession;
using backline::test::TrackTaps;
using namespace backline::test::gain;

namespace {

constexpr double rate = 48000.0;
constexpr std::size_t block = 256; // OfflineSession's
constexpr std::size_t second = 48000;

/// Track x (a 1 kHz tone at -20 dBFS peak, gain and pan as given) and track ref (the same tone
/// at 0 dB, panned hard right): x's gain is its left output over ref's right, frame by frame.
std::string toneSession(double gainDb, double pan, double freq = 1000.0)
{
    return "backline: 1\ntracks:\n"
           "  - name: x\n    dsp: tone\n    params: {freq: "
        + std::to_string(freq) + ", level: -20}\n    gain: " + std::to_string(gainDb) + "\n    pan: " + std::to_string(pan)
        + "\n"
          "  - name: ref\n    dsp: tone\n    params: {freq: 1000, level: -20}\n    pan: 1\n";
}

std::vector<backline::port::ParamChange> one(const char* address, double value) { return {{address, value}}; }

/// Track x at -40 dB, settled, then morphing to 0 dB over 1 s from the next block on.
struct RisingGain {
    OfflineSession s {toneSession(-40.0, -1.0)};
    TrackTaps taps {s, {0, 1}};
    std::uint64_t start = 0; ///< the engine frame the morph starts on

    RisingGain()
    {
        taps.render(0.25);
        start = s.engine.clock();
        EXPECT_TRUE(s.control.morph(one("/track/x/gain", 0.0), 1.0));
    }

    /// Renders seconds more; x's gain in dB frame by frame meanwhile (see gainDb).
    std::vector<double> render(double seconds)
    {
        const auto out = taps.render(seconds);
        return gainDb(out[0].left, out[1].right);
    }
};

} // namespace

TEST(Morph, AGainMorphRisesMonotonicallyAndLandsOnItsTargetOnTime)
{
    RisingGain x;
    const auto g = x.render(1.5);

    EXPECT_NEAR(levelAt(g, 0, 48), -40.0, 0.01) << "it starts from where it was";
    double last = -1000.0;
    std::size_t firstWithin = SIZE_MAX;
    for (std::size_t i = 0; i < g.size(); ++i) {
        if (std::isnan(g[i]))
            continue;
        ASSERT_GE(g[i], last - 1e-4) << "fell at frame " << i;
        last = g[i];
        if (firstWithin == SIZE_MAX && std::fabs(g[i]) <= 0.05)
            firstWithin = i;
        if (i >= second + block) {
            ASSERT_LE(std::fabs(g[i]), 0.05) << "frame " << i << " after the fade";
        }
    }
    EXPECT_GE(firstWithin, second - block) << "it arrives with the fade's end, not before";
    EXPECT_LE(firstWithin, second + block);
    const double bound = morphBound(-40.0, 0.0, 1.0);
    EXPECT_LE(maxStep(g), bound) << "the steepest step is " << maxStep(g) / (bound / 2.0)
                                      << " times the mean speed";
    EXPECT_EQ(x.s.control.get("/track/x/gain")->value, 0.0f) << "reads give the target";
}

TEST(Morph, ASecondMorphMidwayContinuesFromTheCurrentLevelWithoutAStep)
{
    RisingGain x;
    auto g = x.render(0.5);
    // Mid-block, at a frame of its own: the takeover is sample-accurate too.
    const std::uint64_t at = x.s.engine.clock() + 100;
    ASSERT_TRUE(x.s.control.morph(one("/track/x/gain", -30.0), 1.0, at));
    const auto gb = x.render(1.5);
    g.insert(g.end(), gb.begin(), gb.end());

    const auto takeover = std::size_t(at - x.start);
    const double before = levelAt(g, takeover - 48, takeover);
    EXPECT_NEAR(before, -20.0, 0.5) << "half way up the first morph";
    EXPECT_NEAR(levelAt(g, takeover, takeover + 96), before, 0.2) << "the second morph starts there";
    EXPECT_LE(maxStep(g), morphBound(-40.0, 0.0, 1.0)) << "no step, at the takeover or anywhere";
    EXPECT_NEAR(levelAt(g, takeover + second + block, takeover + second + 2 * block), -30.0, 0.05);
    EXPECT_NEAR(levelAt(g, takeover + second / 2 - 48, takeover + second / 2 + 48), 0.5 * (before - 30.0), 0.3)
        << "and goes on in a straight line in dB";
}

TEST(Morph, APlainSetDuringAMorphGlidesFromWhereTheMorphHadGot)
{
    RisingGain x;
    const auto ga = x.render(0.5);
    ASSERT_TRUE(x.s.control.set("/track/x/gain", -40.0));
    const auto gb = x.render(1.0);

    const double got = levelAt(ga, ga.size() - 48, ga.size());
    EXPECT_NEAR(got, -20.0, 0.5);
    EXPECT_NEAR(levelAt(gb, 0, 24), got, 0.5) << "no jump at the set: it starts from where the morph was";
    const double soon = levelAt(gb, 96, 144); // 2 to 3 ms in: gliding, not there yet
    EXPECT_LT(soon, got - 0.5);
    EXPECT_GT(soon, -39.0);
    EXPECT_NEAR(levelAt(gb, 4800, 4900), -40.0, 0.05) << "the normal smoothing's 20 ms, then there";
    EXPECT_NEAR(levelAt(gb, gb.size() - 96, gb.size()), -40.0, 0.05) << "the morph is over: it does not pull it back up";
}

TEST(Morph, APanMorphMovesInAStraightLine)
{
    OfflineSession s(toneSession(0.0, -1.0));
    TrackTaps taps(s, {0});
    taps.render(0.25);
    ASSERT_TRUE(s.control.morph(one("/track/x/pan", 1.0), 1.0));
    auto out = taps.render(1.25);
    // The fader's constant-power law: right / left = tan((1 + pan) pi / 4).
    auto panAt = [&](std::size_t frame) {
        std::vector<double> v;
        for (std::size_t i = frame - 48; i < frame + 48; ++i) {
            const double l = std::fabs(out[0].left[i]), r = std::fabs(out[0].right[i]);
            if (std::hypot(l, r) >= 0.05)
                v.push_back(4.0 / std::numbers::pi * std::atan2(r, l) - 1.0);
        }
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    for (double t : {0.25, 0.5, 0.75})
        EXPECT_NEAR(panAt(std::size_t(t * rate)), -1.0 + 2.0 * t, 0.02) << "at " << t << " s";
    EXPECT_NEAR(panAt(second + 2400), 1.0, 1e-3);
}

TEST(Morph, AFrequencyMorphMovesByEqualRatios)
{
    OfflineSession s(toneSession(0.0, -1.0, 100.0));
    TrackTaps taps(s, {0});
    taps.render(0.25);
    ASSERT_TRUE(s.control.morph(one("/track/x/dsp/freq", 1600.0), 1.0));
    auto out = taps.render(1.25);
    const auto& x = out[0].left;
    // The frequency around a frame, from the rising zero crossings within 10 ms of it.
    auto frequencyAt = [&](std::size_t frame) {
        std::vector<double> crossings;
        for (std::size_t i = frame - 480; i < frame + 480; ++i)
            if (x[i - 1] < 0.0f && x[i] >= 0.0f)
                crossings.push_back(double(i - 1) + double(-x[i - 1]) / double(x[i] - x[i - 1]));
        return crossings.size() < 2 ? 0.0 : rate * double(crossings.size() - 1) / (crossings.back() - crossings.front());
    };
    // 100 Hz to 1600 Hz: 200, 400 and 800 Hz at a quarter, half and three quarters (a straight
    // line would pass 475, 850 and 1225 Hz).
    EXPECT_NEAR(frequencyAt(second / 4), 200.0, 200.0 * 0.03);
    EXPECT_NEAR(frequencyAt(second / 2), 400.0, 400.0 * 0.03);
    EXPECT_NEAR(frequencyAt(3 * second / 4), 800.0, 800.0 * 0.03);
    EXPECT_NEAR(frequencyAt(second + 4800), 1600.0, 1600.0 * 0.003);
}

TEST(Morph, ASwitchTurningOnSwitchesAtTheStartAndTurningOffAtTheEnd)
{
    OfflineSession s(toneSession(0.0, -1.0));
    TrackTaps taps(s, {0});
    taps.render(0.25);
    // Muting is the switch turning on: at the start of the fade.
    ASSERT_TRUE(s.control.morph(one("/track/x/mute", 1.0), 1.0));
    auto on = taps.render(0.5)[0].left;
    EXPECT_GT(std::fabs(on[0]) + std::fabs(on[1]) + std::fabs(on[2]), 0.0f);
    for (std::size_t i = 480; i < on.size(); ++i)
        ASSERT_EQ(on[i], 0.0f) << "muted 10 ms into the fade, frame " << i;
    // Unmuting is the switch turning off: silent to the last frame of the fade, sounding from it.
    const std::uint64_t at = s.engine.clock() + 77;
    ASSERT_TRUE(s.control.morph(one("/track/x/mute", 0.0), 1.0, at));
    auto off = taps.render(1.5)[0].left;
    const auto end = std::size_t(at - (s.engine.clock() - off.size())) + second;
    for (std::size_t i = 0; i < end; ++i)
        ASSERT_EQ(off[i], 0.0f) << "frame " << i << " is inside the fade";
    EXPECT_NE(off[end] + off[end + 1], 0.0f) << "the switch glides from the fade's last frame on";
    EXPECT_NEAR(std::fabs(*std::max_element(off.end() - 480, off.end(),
                    [](float p, float q) { return std::fabs(p) < std::fabs(q); })),
        0.1f, 1e-3f);
}

TEST(Morph, EveryKindOfParameterStartsOnTheBatchFrameAndLandsExactlyOnItsTarget)
{
    // A session's own DSP (ramped by the engine), a built-in's fader (smoothed in Faust), a send
    // level and a switch (the engine's own, gliding in the node), all in one timed morph.
    OfflineSession s("backline: 1\ntracks:\n"
                     "  - name: dc\n    dsp: faust/dc_level.dsp\n    params: {level: 0.1}\n    pan: -1\n"
                     "  - name: x\n    dsp: tone\n    gain: -20\n    sends:\n      - {bus: fx, level: -30}\n"
                     "buses:\n  - name: fx\n");
    TrackTaps taps(s, {0});
    taps.render(0.25);
    const std::uint64_t first = s.engine.clock();
    const std::uint64_t at = first + 77; // inside the next block
    const std::vector<backline::port::ParamChange> changes {{"/track/dc/dsp/level", 0.5}, {"/track/x/gain", -3.0},
        {"/track/x/send/fx/level", -6.0}, {"/track/x/eq/on", 1.0}, {"/track/dc/mute", 0.0}};
    ASSERT_TRUE(s.control.morph(changes, 0.5, at));
    const auto dc = taps.render(1.0)[0].left;

    const auto start = std::size_t(at - first);
    const std::size_t fade = second / 2;
    EXPECT_EQ(dc[start - 1], 0.1f) << "nothing moves before the batch's frame";
    EXPECT_GT(dc[start], 0.1f) << "and it moves from that frame on";
    // The engine's ramp follows the line a slice (8 frames; the bound allows 16) at a time, each slice at its end's value.
    for (std::size_t k = 0; k < fade; k += 997)
        EXPECT_NEAR(dc[start + k], 0.1 + 0.4 * double(k) / double(fade), 0.4 * 16.0 / double(fade) + 1e-6) << "frame " << k;
    EXPECT_EQ(dc[start + fade - 1], 0.5f);
    for (std::size_t i = start + fade; i < dc.size(); ++i)
        ASSERT_EQ(dc[i], 0.5f) << "frame " << i - start << " of the fade";

    const auto& graph = *s.installedGraph();
    EXPECT_EQ(graph.morphs.count(), 0u) << "every morph is over";
    for (const auto& [address, value] : changes) {
        const auto& slot = graph.slots[*graph.params->find(address)];
        const float now = slot.smoothing == backline::engine::Smoothing::Engine ? slot.value() : *slot.zone;
        EXPECT_EQ(now, float(value)) << address;
    }
}

TEST(Morph, AFadeOutOfRangeIsRefusedAndChangesNothing)
{
    OfflineSession s(toneSession(-40.0, -1.0));
    for (double fade : {-1.0, std::nan(""), std::numeric_limits<double>::infinity(), 3601.0}) {
        auto r = s.control.morph(one("/track/x/gain", 0.0), fade);
        ASSERT_FALSE(r) << fade;
        EXPECT_NE(r.error().message.find("fade"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(s.control.get("/track/x/gain")->value, -40.0f);
}
