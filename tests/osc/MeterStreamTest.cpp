// SPDX-License-Identifier: GPL-3.0-or-later
#include "FakeTarget.h"

#include "control/osc/MeterStream.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace backline::control;

TEST(MeterStream, LevelsAreOneMessagePerMeterAndOneForLoudness)
{
    backline::test::FakeTarget target;
    MeterStream stream;
    stream.update(target.meters());
    const auto& m = stream.messages(MeterFormat::Levels);
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m[0].address, "/meters/track/a");
    EXPECT_EQ(std::get<float>(m[0].args[0]), -6.0f);
    EXPECT_EQ(std::get<float>(m[0].args[3]), -13.0f);
    EXPECT_EQ(m[3].address, "/meters/loudness");
    EXPECT_EQ(std::get<float>(m[3].args[1]), -200.0f) << "silence (-inf) goes out as -200";
}

TEST(MeterStream, SingleFormatHasOneValuePerAddress)
{
    backline::test::FakeTarget target;
    MeterStream stream;
    stream.update(target.meters());
    const auto& m = stream.messages(MeterFormat::Single);
    ASSERT_EQ(m.size(), 3u * 2 + 5);
    EXPECT_EQ(m[0].address, "/meters/track/a/peak");
    EXPECT_EQ(std::get<float>(m[0].args[0]), -6.0f) << "the louder channel";
    EXPECT_EQ(m[1].address, "/meters/track/a/rms");
    EXPECT_EQ(m[6].address, "/meters/loudness/momentary");
}

TEST(MeterStream, TheBlobFollowsTheDocumentedLayout)
{
    backline::test::FakeTarget target;
    MeterStream stream;
    stream.update(target.meters());
    const auto& blob = stream.blob();
    ASSERT_EQ(blob.size(), 12u + 3 * 16 + 20);
    auto u32 = [&](std::size_t at) {
        return std::uint32_t(blob[at]) << 24 | std::uint32_t(blob[at + 1]) << 16 | std::uint32_t(blob[at + 2]) << 8
            | blob[at + 3];
    };
    auto f32 = [&](std::size_t at) {
        const std::uint32_t bits = u32(at);
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    };
    EXPECT_EQ(u32(0), 1u);
    EXPECT_EQ(u32(4), stream.layoutId());
    EXPECT_EQ(u32(8), 3u);
    EXPECT_EQ(f32(12), -6.0f);
    EXPECT_EQ(f32(12 + 4), -7.0f);
    EXPECT_EQ(f32(12 + 3 * 16), -20.0f) << "momentary loudness after the meters";
    const auto names = stream.names();
    ASSERT_EQ(names.args.size(), 4u);
    EXPECT_EQ(std::get<std::string>(names.args[3]), "master");
}

TEST(MeterStream, TheLayoutIdChangesOnlyWhenTheMetersDo)
{
    backline::test::FakeTarget target;
    MeterStream stream;
    stream.update(target.meters());
    const auto first = stream.layoutId();
    stream.update(target.meters());
    EXPECT_EQ(stream.layoutId(), first);
    auto fewer = target.meters();
    fewer.meters.pop_back();
    stream.update(fewer);
    EXPECT_NE(stream.layoutId(), first);
}
