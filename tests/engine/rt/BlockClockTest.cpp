// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's sample clock as control threads read it after each block.
#include "engine/rt/BlockClock.h"

#include <gtest/gtest.h>

#include <ctime>

using backline::engine::BlockClock;

namespace {

std::int64_t monotonicNs()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

} // namespace

TEST(BlockClock, ReadsNothingBeforeTheFirstBlock)
{
    BlockClock clock;
    const auto r = clock.read();
    EXPECT_EQ(r.frame, 0u);
    EXPECT_EQ(r.monotonicNs, 0);
    EXPECT_FALSE(r.exact);
    EXPECT_EQ(clock.frames(), 0u);
}

TEST(BlockClock, WithTheBackendsTimeTheReadingIsTheBackendsCycleStart)
{
    BlockClock clock;
    clock.setBackendClock(256, 123456789);
    clock.publish(1024, 128, 48000);
    const auto r = clock.read();
    EXPECT_EQ(r.frame, 1024u + 256u);
    EXPECT_EQ(r.monotonicNs, 123456789);
    EXPECT_TRUE(r.exact);
    EXPECT_EQ(clock.frames(), 1152u);
}

TEST(BlockClock, WithoutTheBackendsTimeTheNextFrameIsDueABlockAfterTheBlocksEnd)
{
    BlockClock clock;
    clock.setBackendClock(64, 999); // for one block only
    clock.publish(0, 480, 48000);
    const std::int64_t before = monotonicNs();
    clock.publish(480, 480, 48000);
    const std::int64_t after = monotonicNs();
    const auto r = clock.read();
    EXPECT_EQ(r.frame, 960u);
    EXPECT_FALSE(r.exact);
    EXPECT_GE(r.monotonicNs, before + 10000000); // 480 frames at 48 kHz: 10 ms
    EXPECT_LE(r.monotonicNs, after + 10000000);
}
