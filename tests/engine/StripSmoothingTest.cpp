// SPDX-License-Identifier: GPL-3.0-or-later
// Every continuous control of a track's strip sections, jumped from its minimum to its maximum
// and back through the engine while a steady sine plays, must not click: the bound of
// tests/faust/SmoothingTest.cpp (ClickBound.h). The high-pass, the EQ and the compressor leave
// their smoothing to the engine (their coefficients are computed once per compute() call and
// the engine ramps their controls in 8-frame slices, frequencies and Qs by equal ratios), so
// this is where their glides are held to it; the gate still smooths in Faust.
#include "ClickBound.h"
#include "EngineFixture.h"
#include "TrackTaps.h"

#include "faust/DspFactory.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

using backline::test::OfflineSession;
using backline::test::TrackTaps;
using namespace backline;

namespace {

constexpr int rate = 48000;
constexpr double levelDb = -20.0; // the tone's peak: 0.1, as SmoothingTest's channel strip

/// Every section on and at work, as SmoothingTest's channel_mono: the compressor compressing,
/// each EQ band away from 0 dB.
const char* const context[][2] = {{"hpf/on", "1"}, {"gate/on", "1"}, {"comp/on", "1"}, {"comp/threshold", "-30"},
    {"eq/low/gain", "6"}, {"eq/mid1/gain", "6"}, {"eq/mid2/gain", "-6"}, {"eq/high/gain", "6"}};

/// A track playing a tone of freq through its strip set as context, but for skip.
std::string toneTrack(double freq, const std::string& skip)
{
    std::string strip;
    for (const auto& [path, value] : context)
        if (skip != path)
            strip += std::string(strip.empty() ? "" : ", ") + path + ": " + value;
    return "backline: 1\ntracks:\n  - name: t0\n    dsp: tone\n    params: {freq: " + std::to_string(freq)
        + ", level: " + std::to_string(levelDb) + "}\n    strip: {" + strip + "}\n";
}

} // namespace

TEST(StripSmoothing, EverySectionControlJumpsMinToMaxAndBackThroughTheEngineWithoutAClick)
{
    double worstOfAll = 0.0;
    std::string worstPath;
    int tested = 0;
    for (const char* section : {"strip_hpf_mono", "strip_gate_mono", "strip_eq_mono", "strip_comp_mono"}) {
        auto probe = faust::builtinFactory(section).value()->instantiate(rate).value();
        for (const auto& param : probe->params()) {
            if (param.kind != port::ParamKind::Continuous)
                continue;
            ++tested;
            // 1 kHz, except for the high-pass's cutoff, which only acts lower down.
            const double freq = param.path == "hpf/freq" ? 100.0 : 1000.0;
            OfflineSession s(toneTrack(freq, param.path));
            TrackTaps taps(s, {0});
            const std::string address = "/track/t0/" + param.path;
            // The jumps land on crests of the tone: the first part is a quarter period longer
            // than a whole number of periods (the tone starts at phase 0).
            const double quarter = std::floor(rate / freq / 4.0) / rate;
            const double parts[] = {0.5 + quarter, 0.5, 0.5};
            const float values[] = {param.min, param.max, param.min};
            std::vector<float> out;
            for (int k = 0; k < 3; ++k) {
                ASSERT_TRUE(s.control.set(address, values[k])) << address;
                const auto played = taps.render(parts[k]);
                ASSERT_EQ(played.size(), 1u);
                out.insert(out.end(), played[0].left.begin(), played[0].left.end());
            }
            const double amplitude = std::pow(10.0, levelDb / 20.0);
            const double inputStep = amplitude * 2.0 * std::sin(std::numbers::pi * freq / rate);
            // From 0.25 s on, as SmoothingTest: the sections have switched in and settled.
            const double ratio = test::worstStepRatio(out, amplitude, inputStep, rate / 4);
            EXPECT_LE(ratio, test::clickBoundRatio) << address << " (" << param.min << " -> " << param.max << " -> "
                                                    << param.min << ")";
            if (ratio > worstOfAll) {
                worstOfAll = ratio;
                worstPath = param.path;
            }
        }
    }
    std::printf("[ measured ] strip sections: %d controls jumped min -> max -> min through the engine; worst step "
                "%.3f x the bound's scale (%s), allowed %.2f\n",
        tested, worstOfAll, worstPath.c_str(), test::clickBoundRatio);
    EXPECT_GT(tested, 20);
}
