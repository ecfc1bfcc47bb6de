// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's one linear ramp: the same steps whether advanced in slices or rendered per sample.
#include "engine/rt/Smoother.h"

#include <gtest/gtest.h>

#include <vector>

using backline::engine::Smoother;

TEST(Smoother, RenderWritesTheValuesAdvancingOneFrameAtATimeReturns)
{
    Smoother rendered, advanced;
    rendered.prepare(100, 0.25f);
    advanced.prepare(100, 0.25f);
    rendered.setTarget(0.8f);
    advanced.setTarget(0.8f);
    std::vector<float> values(128);
    EXPECT_FALSE(rendered.render(values.data(), 128));
    for (std::size_t i = 0; i < values.size(); ++i)
        ASSERT_EQ(values[i], advanced.advance(1)) << "frame " << i;
    EXPECT_EQ(values.back(), 0.8f);
}

TEST(Smoother, AGlideLandsExactlyOnItsTargetAfterItsLength)
{
    Smoother s;
    s.prepare(480, -30.0f);
    s.setTarget(-6.1f);
    EXPECT_TRUE(s.ramping());
    EXPECT_NE(s.advance(479), -6.1f);
    EXPECT_EQ(s.advance(1), -6.1f);
    EXPECT_FALSE(s.ramping());
}

TEST(Smoother, ALengthOfZeroJumps)
{
    Smoother s;
    s.prepare(0, 1.0f);
    s.setTarget(0.0f);
    EXPECT_FALSE(s.ramping());
    EXPECT_TRUE(s.silent());
    float value = -1.0f;
    EXPECT_TRUE(s.render(&value, 64));
    EXPECT_EQ(value, 0.0f);
}

TEST(Smoother, SettingTheSameTargetAgainGlidesAfreshButFollowingItDoesNot)
{
    Smoother set, followed;
    set.prepare(100, 0.0f);
    followed.prepare(100, 0.0f);
    set.setTarget(1.0f);
    followed.follow(1.0f);
    EXPECT_EQ(set.advance(50), followed.advance(50));
    set.setTarget(1.0f); // a parameter set again: its 100 frames start over from here
    followed.follow(1.0f); // a gain read again every block: its glide runs its course
    EXPECT_EQ(followed.advance(50), 1.0f);
    EXPECT_LT(set.advance(50), 1.0f);
    EXPECT_EQ(set.advance(50), 1.0f);
}

TEST(Smoother, ASettledValueRendersAsOneConstant)
{
    Smoother s;
    s.prepare(10, 0.5f);
    float values[4] = {-1.0f, -1.0f, -1.0f, -1.0f};
    EXPECT_TRUE(s.render(values, 4));
    EXPECT_EQ(values[0], 0.5f);
    EXPECT_EQ(values[1], -1.0f); // untouched: the caller reads values[0]
    EXPECT_FALSE(s.silent());
}

TEST(Smoother, AGlideOfAGivenLengthArrivesExactlyThenAndTakesOverFromMidRamp)
{
    Smoother s;
    s.prepare(960, 0.0f);
    s.setTarget(1.0f);
    const float mid = s.advance(480);
    s.glideTo(0.25f, 100); // a morph's stretch, from wherever the ramp had got to
    EXPECT_NEAR(s.advance(1), mid + (0.25f - mid) / 100.0f, 1e-6f);
    EXPECT_NE(s.advance(98), 0.25f);
    EXPECT_EQ(s.advance(1), 0.25f);
    EXPECT_FALSE(s.ramping());
}
