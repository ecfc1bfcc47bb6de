// SPDX-License-Identifier: GPL-3.0-or-later
// What each built-in shows of itself: names, paths, units, ranges, kinds.
#include "DspRender.h"

#include "faust/BuiltinCatalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace backline::test;
using backline::faust::DspParam;
using backline::port::ParamKind;

namespace {

struct Expected {
    std::string path;
    std::string unit;
    ParamKind kind;
    float min;
    float max;
    float init;
};

void expectParams(const std::string& name, const std::vector<Expected>& expected)
{
    auto dsp = builtin(name);
    ASSERT_TRUE(dsp);
    std::vector<std::string> paths;
    for (const DspParam& p : dsp->params())
        paths.push_back(p.path);
    for (const Expected& e : expected) {
        const DspParam* p = dsp->findParam(e.path);
        ASSERT_NE(p, nullptr) << name << " has no '" << e.path << "'; it has: " << ::testing::PrintToString(paths);
        EXPECT_EQ(p->unit, e.unit) << name << " " << e.path;
        EXPECT_EQ(p->kind, e.kind) << name << " " << e.path;
        EXPECT_FLOAT_EQ(p->min, e.min) << name << " " << e.path;
        EXPECT_FLOAT_EQ(p->max, e.max) << name << " " << e.path;
        EXPECT_FLOAT_EQ(p->init, e.init) << name << " " << e.path;
        EXPECT_FLOAT_EQ(*p->zone, e.init) << name << " " << e.path << " starts at its default";
    }
    // Every continuous control says what it is measured in.
    for (const DspParam& p : dsp->params()) {
        if (p.kind == ParamKind::Continuous) {
            EXPECT_FALSE(p.unit.empty()) << name << " " << p.path << " has no [unit:]";
        }
    }
}

} // namespace

TEST(ParamDiscovery, CatalogueHoldsEveryBuiltin)
{
    auto names = backline::faust::builtinNames();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names,
        (std::vector<std::string> { "channel_mono", "channel_stereo", "delay", "drone", "drums", "epiano", "fader_mono",
            "fader_stereo", "master", "reverb", "strip_comp_mono", "strip_comp_stereo", "strip_eq_mono",
            "strip_eq_stereo", "strip_gate_mono", "strip_gate_stereo", "strip_hpf_mono", "strip_hpf_stereo", "synth",
            "tone" }));
    EXPECT_EQ(backline::faust::builtinCatalog().size(), names.size());
}

TEST(ParamDiscovery, UnknownBuiltinNamesTheOnesThereAre)
{
    auto factory = backline::faust::builtinFactory("fader_mnoo");
    ASSERT_FALSE(factory);
    EXPECT_EQ(factory.error().code, backline::ErrorCode::Faust);
    EXPECT_NE(factory.error().message.find("fader_mnoo"), std::string::npos);
    EXPECT_NE(factory.error().message.find("fader_mono"), std::string::npos);
}

TEST(ParamDiscovery, FaderMono)
{
    expectParams("fader_mono",
        { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 }, { "pan", "pan", ParamKind::Continuous, -1, 1, 0 } });
    auto dsp = builtin("fader_mono");
    EXPECT_EQ(dsp->numInputs(), 1);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), 2u);
    EXPECT_EQ(dsp->origin(), "fader_mono");
    EXPECT_FLOAT_EQ(dsp->findParam("gain")->step, 0.1f);
    EXPECT_FALSE(dsp->findParam("gain")->tooltip.empty());
    EXPECT_EQ(dsp->findParam("nope"), nullptr);
}

TEST(ParamDiscovery, FaderStereo)
{
    expectParams("fader_stereo",
        { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 }, { "pan", "pan", ParamKind::Continuous, -1, 1, 0 } });
    auto dsp = builtin("fader_stereo");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
}

/// The EQ under eq/, as on the channel strips and the master.
std::vector<Expected> eqParams(float onByDefault)
{
    return { { "eq/on", "", ParamKind::Toggle, 0, 1, onByDefault },
        { "eq/low/freq", "Hz", ParamKind::Continuous, 20, 1000, 100 },
        { "eq/low/gain", "dB", ParamKind::Continuous, -18, 18, 0 },
        { "eq/low/q", "Q", ParamKind::Continuous, 0.3f, 2, 0.707f },
        { "eq/mid1/freq", "Hz", ParamKind::Continuous, 40, 16000, 500 },
        { "eq/mid1/gain", "dB", ParamKind::Continuous, -18, 18, 0 },
        { "eq/mid1/q", "Q", ParamKind::Continuous, 0.1f, 10, 1 },
        { "eq/mid2/freq", "Hz", ParamKind::Continuous, 40, 16000, 2500 },
        { "eq/mid2/gain", "dB", ParamKind::Continuous, -18, 18, 0 },
        { "eq/mid2/q", "Q", ParamKind::Continuous, 0.1f, 10, 1 },
        { "eq/high/freq", "Hz", ParamKind::Continuous, 1000, 20000, 8000 },
        { "eq/high/gain", "dB", ParamKind::Continuous, -18, 18, 0 },
        { "eq/high/q", "Q", ParamKind::Continuous, 0.3f, 2, 0.707f } };
}

/// The compressor under comp/, with the ratio's range end and default.
std::vector<Expected> compParams(float ratioMax, float ratioInit)
{
    return { { "comp/on", "", ParamKind::Toggle, 0, 1, 0 },
        { "comp/threshold", "dBFS", ParamKind::Continuous, -60, 0, -20 },
        { "comp/ratio", "ratio", ParamKind::Continuous, 1, ratioMax, ratioInit },
        { "comp/knee", "dB", ParamKind::Continuous, 0, 24, 0 },
        { "comp/attack", "ms", ParamKind::Continuous, 0.1f, 200, 10 },
        { "comp/release", "ms", ParamKind::Continuous, 5, 2000, 100 },
        { "comp/makeup", "dB", ParamKind::Continuous, 0, 24, 0 } };
}

std::vector<Expected> channelParams()
{
    std::vector<Expected> all { { "trim", "dB", ParamKind::Continuous, -24, 24, 0 },
        { "polarity", "", ParamKind::Toggle, 0, 1, 0 }, { "hpf/on", "", ParamKind::Toggle, 0, 1, 0 },
        { "hpf/freq", "Hz", ParamKind::Continuous, 20, 500, 80 }, { "gate/on", "", ParamKind::Toggle, 0, 1, 0 },
        { "gate/threshold", "dBFS", ParamKind::Continuous, -90, 0, -50 },
        { "gate/range", "dB", ParamKind::Continuous, 0, 90, 60 },
        { "gate/attack", "ms", ParamKind::Continuous, 0.1f, 50, 1 },
        { "gate/hold", "ms", ParamKind::Continuous, 0, 500, 50 },
        { "gate/release", "ms", ParamKind::Continuous, 5, 2000, 150 } };
    for (auto& e : eqParams(1))
        all.push_back(e);
    for (auto& e : compParams(20, 4))
        all.push_back(e);
    return all;
}

TEST(ParamDiscovery, ChannelMono)
{
    const auto expected = channelParams();
    expectParams("channel_mono", expected);
    auto dsp = builtin("channel_mono");
    EXPECT_EQ(dsp->numInputs(), 1);
    EXPECT_EQ(dsp->numOutputs(), 1);
    EXPECT_EQ(dsp->params().size(), expected.size());
}

TEST(ParamDiscovery, ChannelStereo)
{
    const auto expected = channelParams();
    expectParams("channel_stereo", expected);
    auto dsp = builtin("channel_stereo");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), expected.size());
}

TEST(ParamDiscovery, Faders)
{
    for (const char* name : { "fader_mono", "fader_stereo" }) {
        expectParams(name,
            { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 },
                { "pan", "pan", ParamKind::Continuous, -1, 1, 0 } });
        auto dsp = builtin(name);
        EXPECT_EQ(dsp->numInputs(), name == std::string("fader_mono") ? 1 : 2);
        EXPECT_EQ(dsp->numOutputs(), 2);
        EXPECT_EQ(dsp->params().size(), 2u) << name << " has no mute: the engine mutes and solos";
    }
}

TEST(ParamDiscovery, Reverb)
{
    expectParams("reverb",
        { { "decay", "s", ParamKind::Continuous, 0.2f, 20, 2 },
            { "predelay", "ms", ParamKind::Continuous, 0, 200, 20 },
            { "damping", "Hz", ParamKind::Continuous, 1000, 20000, 6000 },
            { "width", "%", ParamKind::Continuous, 0, 100, 100 },
            { "level", "dB", ParamKind::Continuous, -120, 12, 0 } });
    auto dsp = builtin("reverb");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), 5u);
}

TEST(ParamDiscovery, Delay)
{
    expectParams("delay",
        { { "time", "ms", ParamKind::Continuous, 1, 2000, 375 },
            { "feedback", "%", ParamKind::Continuous, 0, 95, 35 },
            { "damping", "Hz", ParamKind::Continuous, 500, 20000, 6000 },
            { "pingpong", "", ParamKind::Toggle, 0, 1, 0 },
            { "level", "dB", ParamKind::Continuous, -120, 12, 0 } });
    auto dsp = builtin("delay");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), 5u);
}

TEST(ParamDiscovery, Master)
{
    std::vector<Expected> expected { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 },
        { "limiter/on", "", ParamKind::Toggle, 0, 1, 1 },
        { "limiter/ceiling", "dBTP", ParamKind::Continuous, -24, 0, -1 },
        { "limiter/release", "ms", ParamKind::Continuous, 10, 1000, 100 } };
    for (auto& e : eqParams(0))
        expected.push_back(e);
    for (auto& e : compParams(10, 2))
        expected.push_back(e);
    expectParams("master", expected);
    auto dsp = builtin("master");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), expected.size());
}

TEST(ParamDiscovery, ACheckboxDeclaringInit1StartsTicked)
{
    auto dsp = builtin("channel_mono");
    const DspParam* on = dsp->findParam("eq/on");
    ASSERT_NE(on, nullptr);
    EXPECT_EQ(on->kind, ParamKind::Toggle);
    EXPECT_FLOAT_EQ(on->init, 1.0f);
    EXPECT_FLOAT_EQ(*on->zone, 1.0f);
    EXPECT_FLOAT_EQ(dsp->findParam("hpf/on")->init, 0.0f); // the others keep Faust's 0
}

TEST(ParamDiscovery, Tone)
{
    expectParams("tone",
        { { "freq", "Hz", ParamKind::Continuous, 20, 20000, 1000 },
            { "level", "dB", ParamKind::Continuous, -120, 0, -20 } });
    auto dsp = builtin("tone");
    EXPECT_EQ(dsp->numInputs(), 0);
    EXPECT_EQ(dsp->numOutputs(), 1);
}

TEST(ParamDiscovery, Drone)
{
    expectParams("drone",
        { { "level", "dB", ParamKind::Continuous, -120, 0, -12 },
            { "tempo", "BPM", ParamKind::Continuous, 30, 180, 76 },
            { "cutoff", "Hz", ParamKind::Continuous, 80, 8000, 1400 },
            { "root", "MIDI note", ParamKind::Stepped, 36, 60, 50 } });
    auto dsp = builtin("drone");
    EXPECT_EQ(dsp->numInputs(), 0);
    EXPECT_EQ(dsp->numOutputs(), 2);
}

/// The controls the engine sets in each voice of an instrument (faust/README.md, "Instruments").
std::vector<Expected> voiceParams(std::vector<Expected> own)
{
    own.insert(own.begin(),
        { { "freq", "Hz", ParamKind::Continuous, 20, 20000, 440 }, { "gain", "linear", ParamKind::Continuous, 0, 1, 0.5f },
            { "gate", "", ParamKind::Trigger, 0, 1, 0 } });
    return own;
}

/// An instrument: a mono generator with exactly the expected controls.
void expectInstrument(const std::string& name, const std::vector<Expected>& expected)
{
    expectParams(name, expected);
    auto dsp = builtin(name);
    ASSERT_TRUE(dsp);
    EXPECT_EQ(dsp->numInputs(), 0) << name;
    EXPECT_EQ(dsp->numOutputs(), 1) << name;
    EXPECT_EQ(dsp->params().size(), expected.size()) << name;
}

TEST(ParamDiscovery, Synth)
{
    expectInstrument("synth",
        voiceParams({ { "glide", "ms", ParamKind::Continuous, 0, 2000, 0 },
            { "osc/detune", "cents", ParamKind::Continuous, 0, 50, 4 },
            { "osc/octave", "octaves", ParamKind::Stepped, -2, 2, 0 },
            { "osc/shape", "%", ParamKind::Continuous, 0, 100, 0 },
            { "osc/width", "%", ParamKind::Continuous, 5, 95, 50 },
            { "osc/mix", "%", ParamKind::Continuous, 0, 100, 50 },
            { "filter/cutoff", "Hz", ParamKind::Continuous, 20, 20000, 1200 },
            { "filter/resonance", "%", ParamKind::Continuous, 0, 100, 25 },
            { "filter/env", "octaves", ParamKind::Continuous, -5, 8, 2.5f },
            { "filter/keytrack", "%", ParamKind::Continuous, 0, 100, 50 },
            { "filter/velocity", "%", ParamKind::Continuous, 0, 100, 50 },
            { "filter/attack", "ms", ParamKind::Continuous, 1, 10000, 2 },
            { "filter/decay", "ms", ParamKind::Continuous, 1, 10000, 600 },
            { "filter/sustain", "%", ParamKind::Continuous, 0, 100, 30 },
            { "filter/release", "ms", ParamKind::Continuous, 5, 10000, 400 },
            { "amp/attack", "ms", ParamKind::Continuous, 1, 10000, 3 },
            { "amp/decay", "ms", ParamKind::Continuous, 1, 10000, 500 },
            { "amp/sustain", "%", ParamKind::Continuous, 0, 100, 80 },
            { "amp/release", "ms", ParamKind::Continuous, 5, 10000, 300 },
            { "amp/velocity", "%", ParamKind::Continuous, 0, 100, 100 },
            { "level", "dB", ParamKind::Continuous, -120, 0, -12 } }));
}

TEST(ParamDiscovery, Epiano)
{
    expectInstrument("epiano",
        voiceParams({ { "decay", "s", ParamKind::Continuous, 1, 30, 8 },
            { "release", "ms", ParamKind::Continuous, 20, 5000, 300 },
            { "brightness", "%", ParamKind::Continuous, 0, 100, 50 },
            { "tine", "%", ParamKind::Continuous, 0, 100, 50 },
            { "level", "dB", ParamKind::Continuous, -120, 0, -12 } }));
}

TEST(ParamDiscovery, Drums)
{
    expectInstrument("drums",
        voiceParams({ { "kick/tune", "Hz", ParamKind::Continuous, 30, 120, 50 },
            { "kick/decay", "ms", ParamKind::Continuous, 50, 3000, 600 },
            { "kick/punch", "%", ParamKind::Continuous, 0, 100, 50 },
            { "kick/click", "%", ParamKind::Continuous, 0, 100, 40 },
            { "snare/tune", "Hz", ParamKind::Continuous, 100, 400, 180 },
            { "snare/decay", "ms", ParamKind::Continuous, 50, 2000, 350 },
            { "snare/snappy", "%", ParamKind::Continuous, 0, 100, 70 },
            { "tom/tune", "Hz", ParamKind::Continuous, 40, 300, 80 },
            { "tom/decay", "ms", ParamKind::Continuous, 50, 3000, 700 },
            { "hat/tone", "Hz", ParamKind::Continuous, 2000, 14000, 7000 },
            { "hat/closed", "ms", ParamKind::Continuous, 20, 1000, 150 },
            { "hat/open", "ms", ParamKind::Continuous, 100, 5000, 900 },
            { "cymbal/decay", "ms", ParamKind::Continuous, 300, 10000, 2500 },
            { "level", "dB", ParamKind::Continuous, -120, 0, -6 } }));
}

TEST(ParamDiscovery, EveryBuiltinInstantiatesAtCommonRates)
{
    for (const std::string& name : backline::faust::builtinNames()) {
        auto factory = backline::faust::builtinFactory(name);
        ASSERT_TRUE(factory) << name;
        for (int rate : { 44100, 48000, 96000, 192000 }) {
            auto dsp = factory.value()->instantiate(rate);
            EXPECT_TRUE(dsp) << name << " at " << rate;
        }
        EXPECT_FALSE(factory.value()->instantiate(0)) << name << " at 0 Hz";
    }
}
