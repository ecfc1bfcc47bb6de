// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/StreamFraming.h"

#include <gtest/gtest.h>

using namespace backline::control;

namespace {

std::vector<std::vector<std::uint8_t>> feedByteByByte(StreamDecoder& d, const std::vector<std::uint8_t>& stream)
{
    std::vector<std::vector<std::uint8_t>> out;
    for (std::uint8_t b : stream)
        EXPECT_TRUE(d.feed(std::span(&b, 1), out, 1024));
    return out;
}

} // namespace

TEST(StreamFraming, LengthPrefixedPacketsComeOutWholeHoweverTheBytesArrive)
{
    const std::vector<std::uint8_t> a {1, 2, 3, 4}, b {5, 6, 7, 8, 9, 10, 11, 12};
    std::vector<std::uint8_t> stream;
    appendFramed(Framing::LengthPrefix, a, stream);
    appendFramed(Framing::LengthPrefix, b, stream);
    StreamDecoder d;
    auto packets = feedByteByByte(d, stream);
    EXPECT_EQ(d.framing(), Framing::LengthPrefix);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0], a);
    EXPECT_EQ(packets[1], b);
}

TEST(StreamFraming, SlipPacketsWithEscapedBytesRoundTrip)
{
    const std::vector<std::uint8_t> a {0xC0, 0xDB, 1, 0xC0}, b {'/', 'x', 0, 0};
    std::vector<std::uint8_t> stream;
    appendFramed(Framing::Slip, a, stream);
    appendFramed(Framing::Slip, b, stream);
    StreamDecoder d;
    auto packets = feedByteByByte(d, stream);
    EXPECT_EQ(d.framing(), Framing::Slip);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0], a);
    EXPECT_EQ(packets[1], b);
}

TEST(StreamFraming, AFrameAboveTheLimitBreaksTheStream)
{
    std::vector<std::uint8_t> stream {0x00, 0x10, 0x00, 0x00}; // 1 MB announced
    StreamDecoder d;
    std::vector<std::vector<std::uint8_t>> out;
    EXPECT_FALSE(d.feed(stream, out, 65536));

    std::vector<std::uint8_t> slip(70000, 'a');
    slip.insert(slip.begin(), 0xC0);
    StreamDecoder s;
    EXPECT_FALSE(s.feed(slip, out, 65536));
}
