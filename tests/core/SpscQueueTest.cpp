// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/SpscQueue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

using backline::SpscQueue;

TEST(SpscQueue, PopsInPushOrder)
{
    SpscQueue<int, 8> q;
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(q.push(i));
    for (int i = 0; i < 5; ++i) {
        int v = -1;
        ASSERT_TRUE(q.pop(v));
        EXPECT_EQ(v, i);
    }
    int v;
    EXPECT_FALSE(q.pop(v));
}

TEST(SpscQueue, PushFailsWhenFullAndSucceedsAfterPop)
{
    SpscQueue<int, 4> q;
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(q.push(i));
    EXPECT_FALSE(q.push(99));
    int v;
    ASSERT_TRUE(q.pop(v));
    EXPECT_TRUE(q.push(4));
}

TEST(SpscQueue, TransfersEveryItemAcrossThreadsInOrder)
{
    SpscQueue<std::uint64_t, 64> q;
    constexpr std::uint64_t count = 200000;
    std::thread producer([&] {
        for (std::uint64_t i = 0; i < count;)
            if (q.push(i))
                ++i;
    });
    std::uint64_t expected = 0;
    while (expected < count) {
        std::uint64_t v;
        if (q.pop(v)) {
            ASSERT_EQ(v, expected);
            ++expected;
        }
    }
    producer.join();
}
