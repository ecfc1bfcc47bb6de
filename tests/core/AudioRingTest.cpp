// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/AudioRing.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using backline::AudioRing;

TEST(AudioRing, ReadsBackInterleavedWhatWasWrittenPlanar)
{
    AudioRing ring(2, 16);
    float l[4] = {1, 2, 3, 4}, r[4] = {-1, -2, -3, -4};
    const float* planar[2] = {l, r};
    ASSERT_TRUE(ring.writePlanar(planar, 4));
    std::vector<float> out(8);
    ASSERT_EQ(ring.read(out.data(), 4), 4u);
    EXPECT_EQ(out, (std::vector<float> {1, -1, 2, -2, 3, -3, 4, -4}));
}

TEST(AudioRing, AWriteThatDoesNotFitIsDroppedWholeAndCounted)
{
    AudioRing ring(1, 8);
    float block[6] = {};
    const float* planar[1] = {block};
    ASSERT_TRUE(ring.writePlanar(planar, 6));
    EXPECT_FALSE(ring.writePlanar(planar, 6));
    EXPECT_EQ(ring.framesDropped(), 6u);
    EXPECT_EQ(ring.readable(), 6u);
}

TEST(AudioRing, StreamsACounterAcrossThreadsWithoutLossOrReordering)
{
    AudioRing ring(1, 256);
    constexpr std::uint32_t blocks = 4000, n = 32;
    std::thread producer([&] {
        std::vector<float> block(n);
        float next = 0;
        for (std::uint32_t b = 0; b < blocks;) {
            for (std::uint32_t i = 0; i < n; ++i)
                block[i] = next + float(i);
            const float* planar[1] = {block.data()};
            if (ring.writePlanar(planar, n)) {
                next += n;
                ++b;
            } else {
                std::this_thread::yield();
            }
        }
    });
    std::vector<float> out(64);
    float expected = 0;
    while (expected < float(blocks * n)) {
        const std::size_t got = ring.read(out.data(), out.size());
        for (std::size_t i = 0; i < got; ++i)
            ASSERT_EQ(out[i], expected++);
    }
    producer.join();
}
