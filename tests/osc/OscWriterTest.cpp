// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscWriter.h"

#include <gtest/gtest.h>

using namespace backline::control;

TEST(OscWriter, AMessageIsWhatLibloReadsBack)
{
    OscWriter w;
    const OscReply::Arg args[] = {42, 1.5f, std::string("hello")};
    w.message("/state/param", args);
    EXPECT_EQ(w.size(), OscWriter::messageSize("/state/param", args));
    int result = 0;
    lo_message m = lo_message_deserialise(const_cast<std::uint8_t*>(w.bytes().data()), w.size(), &result);
    ASSERT_NE(m, nullptr) << result;
    EXPECT_STREQ(lo_message_get_types(m), "ifs");
    lo_arg** argv = lo_message_get_argv(m);
    EXPECT_EQ(oscArg<std::int32_t>(argv[0]), 42);
    EXPECT_FLOAT_EQ(oscArg<float>(argv[1]), 1.5f);
    EXPECT_STREQ(oscArgString(argv[2]), "hello");
    lo_message_free(m);
}

TEST(OscWriter, ABundleWithABlobReadsBack)
{
    OscWriter w;
    w.beginBundle(0x0102030405060708ULL);
    w.message("/a", {});
    const std::uint8_t blob[] = {1, 2, 3, 4, 5};
    w.blobMessage("/b", blob);
    w.endBundle();
    auto p = parsePacket(w.bytes());
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_EQ(p.timetag, 0x0102030405060708ULL);
    ASSERT_EQ(p.messages.size(), 2u);
    EXPECT_EQ(p.messages[1].types, "b");
    EXPECT_EQ(lo_blob_datasize(reinterpret_cast<lo_blob>(p.messages[1].argv[0])), 5u);
}

TEST(PacketPacker, ALoneMessageGoesAsItselfSeveralGoInBundlesWithinTheLimit)
{
    PacketPacker one(1200);
    one.add({"/pong", {}});
    auto single = one.finish();
    ASSERT_EQ(single.size(), 1u);
    EXPECT_EQ(single[0][0], '/');

    PacketPacker many(200);
    for (int i = 0; i < 40; ++i)
        many.add({"/track/a/gain", {float(i)}});
    auto packets = many.finish();
    EXPECT_GT(packets.size(), 4u);
    int seen = 0;
    for (const auto& packet : packets) {
        EXPECT_LE(packet.size(), 200u);
        auto p = parsePacket(packet);
        ASSERT_FALSE(p.error);
        for (const auto& m : p.messages)
            EXPECT_FLOAT_EQ(oscArg<float>(m.argv[0]), float(seen++));
    }
    EXPECT_EQ(seen, 40);
}

TEST(PacketPacker, SequencedPacketsAreBundlesLedByTheirNumber)
{
    std::uint32_t sequence = 7;
    PacketPacker packer(120);
    packer.sequenceWith("/feedback/seq", &sequence);
    for (int i = 0; i < 10; ++i)
        packer.add({"/track/a/pan", {0.5f}});
    auto packets = packer.finish();
    ASSERT_GT(packets.size(), 1u);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        auto p = parsePacket(packets[i]);
        ASSERT_FALSE(p.error);
        EXPECT_TRUE(p.bundle);
        EXPECT_EQ(p.messages[0].address, "/feedback/seq");
        EXPECT_EQ(oscArg<std::int32_t>(p.messages[0].argv[0]), int(8 + i));
        EXPECT_LE(packets[i].size(), 120u);
    }
    EXPECT_EQ(sequence, 7 + packets.size());
}
