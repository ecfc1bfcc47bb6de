// SPDX-License-Identifier: GPL-3.0-or-later
// The demo's generative patches: they make sound on their own, stay finite and below 0 dBFS.
#include "DspRender.h"
#include "Signal.h"

#include "faust/JitCompiler.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace backline::test;

namespace {

void expectMusic(backline::faust::DspInstance& dsp)
{
    ASSERT_EQ(dsp.numOutputs(), 2);
    const auto out = render(dsp, {}, frames(10.0));
    for (const auto& channel : out) {
        std::size_t bad = 0;
        for (float s : channel)
            bad += std::isfinite(s) ? 0 : 1;
        EXPECT_EQ(bad, 0u) << dsp.origin() << ": NaN or Inf samples";
        EXPECT_GT(rmsDb(channel), -50.0) << dsp.origin();
        EXPECT_LT(peakDb(channel), 0.0) << dsp.origin();
        // It keeps going: the last second is not silent either.
        EXPECT_GT(rmsDb(std::span<const float>(channel).last(frames(1.0))), -60.0) << dsp.origin();
    }
    // A stereo patch, not the same signal twice.
    EXPECT_NE(out[0], out[1]);
}

} // namespace

TEST(Generative, DronePlaysOnItsOwn)
{
    auto drone = builtin("drone");
    expectMusic(*drone);
}

TEST(Generative, DroneFollowsItsControlsWithoutBlowingUp)
{
    auto drone = builtin("drone");
    for (auto [path, value] : { std::pair { "tempo", 180.0f }, { "cutoff", 8000.0f }, { "resonance", 100.0f },
             { "echo", 100.0f }, { "density", 100.0f }, { "level", 0.0f }, { "root", 36.0f } })
        setParam(*drone, path, value);
    expectMusic(*drone);
}

TEST(Generative, DroneIsTheSameEveryTime)
{
    auto a = builtin("drone");
    auto b = builtin("drone");
    EXPECT_EQ(render(*a, {}, frames(1.0)), render(*b, {}, frames(1.0)));
}

TEST(Generative, ChimesPlaysOnItsOwn)
{
    backline::faust::JitCompiler jit({});
    auto factory = jit.compile(BACKLINE_SOURCE_DIR "/sessions/dsp/chimes.dsp");
    ASSERT_TRUE(factory) << factory.error().message;
    auto chimes = factory.value()->instantiate(testSampleRate);
    ASSERT_TRUE(chimes) << chimes.error().message;
    for (const char* path : { "level", "density", "brightness" }) {
        const auto* param = chimes.value()->findParam(path);
        ASSERT_NE(param, nullptr) << path;
        EXPECT_FALSE(param->unit.empty()) << path;
    }
    expectMusic(*chimes.value());

    // Busy and bright, it still stays below full scale.
    auto busy = factory.value()->instantiate(testSampleRate);
    ASSERT_TRUE(busy);
    setParam(*busy.value(), "density", 8.0f);
    setParam(*busy.value(), "brightness", 100.0f);
    setParam(*busy.value(), "level", 0.0f);
    expectMusic(*busy.value());
}
