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
using backline::faust::ParamKind;

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
    EXPECT_EQ(names, (std::vector<std::string> { "drone", "master", "strip_mono", "strip_stereo", "tone" }));
    EXPECT_EQ(backline::faust::builtinCatalog().size(), names.size());
}

TEST(ParamDiscovery, UnknownBuiltinNamesTheOnesThereAre)
{
    auto factory = backline::faust::builtinFactory("strip_mnoo");
    ASSERT_FALSE(factory);
    EXPECT_EQ(factory.error().code, backline::ErrorCode::Faust);
    EXPECT_NE(factory.error().message.find("strip_mnoo"), std::string::npos);
    EXPECT_NE(factory.error().message.find("strip_mono"), std::string::npos);
}

TEST(ParamDiscovery, StripMono)
{
    expectParams("strip_mono",
        { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 }, { "pan", "pan", ParamKind::Continuous, -1, 1, 0 },
            { "mute", "", ParamKind::Toggle, 0, 1, 0 } });
    auto dsp = builtin("strip_mono");
    EXPECT_EQ(dsp->numInputs(), 1);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), 3u);
    EXPECT_EQ(dsp->origin(), "strip_mono");
    EXPECT_FLOAT_EQ(dsp->findParam("gain")->step, 0.1f);
    EXPECT_FALSE(dsp->findParam("gain")->tooltip.empty());
    EXPECT_EQ(dsp->findParam("nope"), nullptr);
}

TEST(ParamDiscovery, StripStereo)
{
    expectParams("strip_stereo",
        { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 }, { "pan", "pan", ParamKind::Continuous, -1, 1, 0 },
            { "mute", "", ParamKind::Toggle, 0, 1, 0 } });
    auto dsp = builtin("strip_stereo");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
}

TEST(ParamDiscovery, Master)
{
    expectParams("master",
        { { "gain", "dB", ParamKind::Continuous, -120, 12, 0 },
            { "limiter/ceiling", "dBFS", ParamKind::Continuous, -24, 0, -0.3f },
            { "limiter/bypass", "", ParamKind::Toggle, 0, 1, 0 } });
    auto dsp = builtin("master");
    EXPECT_EQ(dsp->numInputs(), 2);
    EXPECT_EQ(dsp->numOutputs(), 2);
    EXPECT_EQ(dsp->params().size(), 3u);
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
