// SPDX-License-Identifier: GPL-3.0-or-later
// The tone source, the tests' calibrated signal, judged by what comes out.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace backline::test;

TEST(Tone, RmsIsLevelMinus3dB)
{
    auto tone = builtin("tone");
    setParam(*tone, "level", -20.0f);
    const auto out = render(*tone, {}, frames(1.0));
    EXPECT_NEAR(rmsDb(settled(out[0])), -23.0103, 0.01);
}

TEST(Tone, SoundsAtItsFrequency)
{
    auto tone = builtin("tone");
    setParam(*tone, "level", -20.0f);
    setParam(*tone, "freq", 1000.0f);
    const auto out = render(*tone, {}, frames(1.0));
    EXPECT_NEAR(toneDb(settled(out[0]), 1000.0, testSampleRate), -20.0, 0.05);
    EXPECT_LT(toneDb(settled(out[0]), 1100.0, testSampleRate), -80.0);
}

TEST(Tone, FollowsAFrequencyChange)
{
    auto tone = builtin("tone");
    render(*tone, {}, frames(0.1));
    setParam(*tone, "freq", 440.0f);
    const auto out = render(*tone, {}, frames(1.0));
    EXPECT_NEAR(toneDb(settled(out[0]), 440.0, testSampleRate), -20.0, 0.05);
    EXPECT_LT(toneDb(settled(out[0]), 1000.0, testSampleRate), -80.0);
}

TEST(Tone, LevelFloorIsSilence)
{
    auto tone = builtin("tone");
    setParam(*tone, "level", -120.0f);
    const auto out = render(*tone, {}, frames(0.5));
    EXPECT_LT(peakDb(out[0]), -120.0);
}
