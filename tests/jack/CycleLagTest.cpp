// SPDX-License-Identifier: GPL-3.0-or-later
#include "jack/rt/CycleLag.h"

#include <gtest/gtest.h>

using backline::jack::CycleLag;

TEST(CycleLag, AClientOnTimeHasNoLag)
{
    CycleLag l;
    for (std::uint64_t own = 0; own < 128 * 100; own += 128)
        EXPECT_EQ(l.lag(std::uint32_t(5000 + own), own, 48000), 0u);
    EXPECT_EQ(l.jackFrame(1280), 6280u);
}

TEST(CycleLag, ALateClientSeesTheTimerOfALaterCycle)
{
    CycleLag l;
    EXPECT_EQ(l.lag(1000, 0, 48000), 0u);
    EXPECT_EQ(l.lag(1128, 128, 48000), 0u);
    // The driver ran three cycles on while the client waited its turn.
    EXPECT_EQ(l.lag(1000 + 5 * 128, 256, 48000), 3u * 128);
    EXPECT_EQ(l.jackFrame(256), 1256u);
}

TEST(CycleLag, AFirstReadingThatWasLateIsCorrectedByTheFirstOnTime)
{
    CycleLag l;
    EXPECT_EQ(l.lag(1000 + 256, 0, 48000), 0u); // late, but nothing to tell it by yet
    EXPECT_EQ(l.lag(1128, 128, 48000), 0u);     // a smaller distance: the true one
    EXPECT_EQ(l.lag(1256 + 128, 256, 48000), 128u);
    EXPECT_EQ(l.jackFrame(0), 1000u);
}

TEST(CycleLag, JacksFramesWrapAfterTwoToThe32)
{
    CycleLag l;
    const std::uint64_t own = (std::uint64_t(1) << 32) + 64;
    EXPECT_EQ(l.lag(0xFFFFFF00u, own - 128, 48000), 0u);
    EXPECT_EQ(l.lag(0xFFFFFF00u + 128 + 256, own, 48000), 256u); // wraps past 2^32
    EXPECT_EQ(l.jackFrame(own), 0xFFFFFF80u);
}

TEST(CycleLag, AJumpPastTheBoundStartsAfresh)
{
    CycleLag l;
    EXPECT_EQ(l.lag(1000, 0, 48000), 0u);
    EXPECT_EQ(l.lag(1000 + 128 + 100000, 128, 48000), 0u); // a new server's frames
    EXPECT_EQ(l.lag(1000 + 256 + 100000 + 128, 256, 48000), 128u);
}

TEST(CycleLag, CyclesTheClientDidNotCountMoveTheDistanceForGoodWithinTwoWindows)
{
    CycleLag l;
    std::uint32_t jack = 1000;
    std::uint64_t own = 0;
    for (int i = 0; i < 10; ++i, jack += 128, own += 128)
        EXPECT_EQ(l.lag(jack, own, 48000), 0u);
    jack += 3 * 128; // three cycles JACK ran without this client counting them
    int cycles = 0;
    for (std::uint32_t got; (got = l.lag(jack, own, 48000)) != 0;) {
        ASSERT_EQ(got, 3u * 128) << "taken for lateness until the old distance is forgotten";
        jack += 128;
        own += 128;
        ASSERT_LE(++cycles, 2 * CycleLag::windowCycles);
    }
    EXPECT_GT(cycles, 0);
    EXPECT_EQ(l.jackFrame(own), jack);
}
