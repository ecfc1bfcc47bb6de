// SPDX-License-Identifier: GPL-3.0-or-later
// Every continuous control (and every on/off toggle) of every built-in that takes an input,
// jumped from its minimum to its maximum and back while a steady sine plays, must not click.
//
// The bound: no sample-to-sample step of the output exceeds 1.25 times the largest step a clean
// sine at the output's local level could take, plus -90 dBFS:
//     |y[n] - y[n-1]|  <=  1.25 * max|x[k] - x[k-1]| * G(n) + 3.1e-5,
// where x is the steady input sine (1 kHz; 100 Hz for the high-pass frequency) and G(n) is the
// output's local gain: its peak over n +- 10 ms (a period of the lowest tone) divided by the
// input's peak. The -90 dBFS allowance is the smoothers' final snap onto their target (see
// backline.lib). A control that jumped without smoothing would step the output by the whole
// change at once: a 2 dB gain jump on a 1 kHz sine already breaks the bound
// (TEST(Smoothing, TheBoundCatchesAnUnsmoothedJump)); a parameter swell (an EQ peak swept
// through the tone) raises G and is no click.
#include "ClickBound.h"
#include "DspRender.h"
#include "Signal.h"

#include "faust/DspParam.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <string>

using namespace backline::test;
using backline::port::ParamKind;

namespace {

constexpr double allowedRatio = clickBoundRatio;

/// How one built-in is exercised: the settings that make its stages active and the input level.
struct Exercise {
    const char* name;
    std::map<std::string, float> context;
    double amplitude;
};

const Exercise exercises[] = {
    { "channel_mono",
        { { "hpf/on", 1 }, { "gate/on", 1 }, { "comp/on", 1 }, { "comp/threshold", -30 }, { "eq/low/gain", 6 },
            { "eq/mid1/gain", 6 }, { "eq/mid2/gain", -6 }, { "eq/high/gain", 6 } },
        0.1 },
    { "channel_stereo",
        { { "hpf/on", 1 }, { "gate/on", 1 }, { "comp/on", 1 }, { "comp/threshold", -30 }, { "eq/low/gain", 6 },
            { "eq/mid1/gain", 6 }, { "eq/mid2/gain", -6 }, { "eq/high/gain", 6 } },
        0.1 },
    { "fader_mono", {}, 0.5 },
    { "fader_stereo", {}, 0.5 },
    { "reverb", {}, 0.1 },
    { "delay", { { "feedback", 50 } }, 0.1 },
    { "master",
        { { "eq/on", 1 }, { "comp/on", 1 }, { "comp/threshold", -30 }, { "eq/low/gain", 6 }, { "eq/mid1/gain", 6 },
            { "eq/mid2/gain", -6 }, { "eq/high/gain", 6 } },
        0.3 },
};

/// The test tone for a control: 1 kHz, except where a control only acts lower down.
double toneFor(const std::string& path) { return path == "hpf/freq" ? 100.0 : 1000.0; }

class Smoothing : public ::testing::TestWithParam<Exercise> { };

} // namespace

TEST_P(Smoothing, EveryControlJumpsMinToMaxAndBackWithoutAClick)
{
    const Exercise& setup = GetParam();
    auto probe = builtin(setup.name);
    ASSERT_TRUE(probe);
    double worstOfAll = 0.0;
    std::string worstPath;
    int tested = 0;
    for (const auto& param : probe->params()) {
        if (param.kind != ParamKind::Continuous && param.kind != ParamKind::Toggle)
            continue;
        ++tested;
        auto dsp = builtin(setup.name);
        for (const auto& [path, value] : setup.context) {
            if (path != param.path)
                setParam(*dsp, path, value);
        }
        const double frequency = toneFor(param.path);
        // The jumps land on crests of the tone (a jump at a zero crossing hides a missing smoother):
        // the first part is a quarter period longer than a whole number of periods.
        const std::size_t quarter = std::size_t(testSampleRate / frequency / 4.0);
        const std::size_t parts[] = { frames(0.5) + quarter, frames(0.5), frames(0.5) };
        const auto in = sine(parts[0] + parts[1] + parts[2], frequency, testSampleRate, setup.amplitude);
        const double inputStep = setup.amplitude * 2.0 * std::sin(std::numbers::pi * frequency / testSampleRate);

        // min (settles) -> max -> min, one continuous render.
        Channels out(std::size_t(dsp->numOutputs()));
        const float values[] = { param.min, param.max, param.min };
        std::size_t start = 0;
        for (int k = 0; k < 3; ++k) {
            setParam(*dsp, param.path, values[k]);
            const std::vector<float> slice(in.begin() + std::ptrdiff_t(start), in.begin() + std::ptrdiff_t(start + parts[k]));
            const Channels inputs(std::size_t(dsp->numInputs()), slice);
            const auto rendered = render(*dsp, inputs, parts[k]);
            for (std::size_t c = 0; c < out.size(); ++c)
                out[c].insert(out[c].end(), rendered[c].begin(), rendered[c].end());
            start += parts[k];
        }
        for (std::size_t c = 0; c < out.size(); ++c) {
            // From 0.25 s on: the jumps are at 0.5 s and 1 s; before, a new instance finds its feet
            // (a compressor's first attack, a reverb filling up) with no control having moved.
            const double ratio = worstStepRatio(out[c], setup.amplitude, inputStep, frames(0.25));
            EXPECT_LE(ratio, allowedRatio) << setup.name << " " << param.path << " (" << param.min << " -> " << param.max
                                           << " -> " << param.min << "), output " << c;
            if (ratio > worstOfAll) {
                worstOfAll = ratio;
                worstPath = param.path;
            }
        }
    }
    std::printf("[ measured ] %s: %d controls jumped min -> max -> min; worst step %.3f x the bound's scale (%s), "
                "allowed %.2f\n",
        setup.name, tested, worstOfAll, worstPath.c_str(), allowedRatio);
    EXPECT_GT(tested, 0);
}

INSTANTIATE_TEST_SUITE_P(Builtins, Smoothing, ::testing::ValuesIn(exercises),
    [](const ::testing::TestParamInfo<Exercise>& p) { return std::string(p.param.name); });

TEST(Smoothing, TheBoundCatchesAnUnsmoothedJump)
{
    const double amplitude = 0.5;
    const double inputStep = amplitude * 2.0 * std::sin(std::numbers::pi * 1000.0 / testSampleRate);
    auto in = sine(frames(0.2), 1000.0, testSampleRate, amplitude);
    // A 2 dB jump at a crest (sample 4812 is a peak of the 1 kHz sine at 48 kHz): a click.
    auto jumped = in;
    for (std::size_t i = 4812; i < jumped.size(); ++i)
        jumped[i] *= float(std::pow(10.0, -2.0 / 20.0));
    EXPECT_GT(worstStepRatio(jumped, amplitude, inputStep, 0), allowedRatio);
    // The same 2 dB, and even 40 dB, over a 20 ms linear ramp: no click.
    for (double db : { -2.0, -40.0 }) {
        auto ramped = in;
        for (std::size_t i = 4812; i < ramped.size(); ++i) {
            const double t = std::min(1.0, double(i - 4812) / double(frames(0.02)));
            ramped[i] *= float(std::pow(10.0, db * t / 20.0));
        }
        EXPECT_LE(worstStepRatio(ramped, amplitude, inputStep, 0), allowedRatio) << db << " dB";
    }
}
