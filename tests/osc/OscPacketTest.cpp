// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscArg.h"
#include "control/osc/OscConfig.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscWriter.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace backline::control;

namespace {

std::vector<std::uint8_t> message(const std::string& address, std::vector<OscReply::Arg> args = {})
{
    OscWriter w;
    w.message(address, args);
    return w.bytes();
}

std::vector<std::uint8_t> serialise(const char* address, lo_message m)
{
    std::size_t size = 0;
    void* bytes = lo_message_serialise(m, address, nullptr, &size);
    std::vector<std::uint8_t> out(static_cast<std::uint8_t*>(bytes), static_cast<std::uint8_t*>(bytes) + size);
    std::free(bytes);
    lo_message_free(m);
    return out;
}

/// A bundle around raw elements (each already encoded).
std::vector<std::uint8_t> bundle(std::uint64_t time, const std::vector<std::vector<std::uint8_t>>& elements)
{
    std::vector<std::uint8_t> out {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0};
    for (int i = 7; i >= 0; --i)
        out.push_back(std::uint8_t(time >> (8 * i)));
    for (const auto& e : elements) {
        const auto n = std::uint32_t(e.size());
        out.insert(out.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n)});
        out.insert(out.end(), e.begin(), e.end());
    }
    return out;
}

} // namespace

TEST(OscPacket, AMessageDecodesWithItsArguments)
{
    auto p = parsePacket(message("/track/a/gain", {-6.0f, 3, std::string("x")}));
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_FALSE(p.bundle);
    ASSERT_EQ(p.messages.size(), 1u);
    EXPECT_EQ(p.messages[0].address, "/track/a/gain");
    EXPECT_EQ(p.messages[0].types, "fis");
    ASSERT_EQ(p.messages[0].argc, 3);
    EXPECT_FLOAT_EQ(oscArg<float>(p.messages[0].argv[0]), -6.0f);
    EXPECT_EQ(oscArg<std::int32_t>(p.messages[0].argv[1]), 3);
    EXPECT_STREQ(oscArgString(p.messages[0].argv[2]), "x");
}

TEST(OscPacket, ABundleKeepsItsTimeAndItsMessagesInOrder)
{
    auto p = parsePacket(bundle(0x1234567800000000ULL, {message("/a", {1.0f}), message("/b", {2.0f})}));
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_TRUE(p.bundle);
    EXPECT_EQ(p.timetag, 0x1234567800000000ULL);
    ASSERT_EQ(p.messages.size(), 2u);
    EXPECT_EQ(p.messages[0].address, "/a");
    EXPECT_EQ(p.messages[1].address, "/b");
}

TEST(OscPacket, NestedBundlesWithTheSameTimeAreFlattened)
{
    const std::uint64_t t = 0xabcdef0000000000ULL;
    auto inner = bundle(t, {message("/b"), bundle(oscImmediately, {message("/c")})});
    auto p = parsePacket(bundle(t, {message("/a"), inner}));
    ASSERT_FALSE(p.error) << p.error->message;
    ASSERT_EQ(p.messages.size(), 3u);
    EXPECT_EQ(p.messages[2].address, "/c");
}

TEST(OscPacket, ANestedBundleWithAnotherTimeIsRefusedWhole)
{
    auto p = parsePacket(bundle(0x1000000000000000ULL, {message("/a"), bundle(0x2000000000000000ULL, {message("/b")})}));
    ASSERT_TRUE(p.error);
    EXPECT_TRUE(p.messages.empty());
    EXPECT_NE(p.error->message.find("parent's time"), std::string::npos);
}

TEST(OscPacket, BundlesNestedTooDeepAreRefused)
{
    auto b = bundle(oscImmediately, {message("/x")});
    for (int i = 0; i < 64; ++i)
        b = bundle(oscImmediately, {b});
    auto p = parsePacket(b);
    ASSERT_TRUE(p.error);
    EXPECT_NE(p.error->message.find("nested deeper"), std::string::npos);
}

TEST(OscPacket, EveryTruncationOfAValidPacketIsRefusedWithoutReadingPastIt)
{
    auto full = bundle(oscImmediately, {message("/track/a/gain", {-3.0f}), message("/track/b/pan", {0.5f, std::string("abc")})});
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
        // A fresh allocation of exactly `cut` bytes so a sanitizer catches any overread.
        std::vector<std::uint8_t> bytes(full.begin(), full.begin() + std::ptrdiff_t(cut));
        auto p = parsePacket(bytes);
        if (cut == 16) // a bundle header alone is a valid empty bundle
            continue;
        EXPECT_TRUE(p.error || p.messages.size() < 2) << "cut at " << cut;
        if (p.error) {
            EXPECT_TRUE(p.messages.empty());
        }
    }
    auto m = message("/track/a/gain", {-3.0f});
    for (std::size_t cut = 0; cut < m.size(); ++cut) {
        std::vector<std::uint8_t> bytes(m.begin(), m.begin() + std::ptrdiff_t(cut));
        EXPECT_TRUE(parsePacket(bytes).error) << "cut at " << cut;
    }
}

TEST(OscPacket, AnElementClaimingMoreBytesThanRemainIsRefused)
{
    auto b = bundle(oscImmediately, {message("/a")});
    b[19] = 0xff; // the element's size, low byte
    auto p = parsePacket(b);
    ASSERT_TRUE(p.error);
    EXPECT_NE(p.error->message.find("claims"), std::string::npos);
}

TEST(OscPacket, UnknownArgumentTypesAreNamed)
{
    std::vector<std::uint8_t> bytes {'/', 'a', 0, 0, ',', 'q', 0, 0, 0, 0, 0, 0};
    auto p = parsePacket(bytes);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->address, "/a");
    EXPECT_NE(p.error->message.find("'q'"), std::string::npos) << p.error->message;
}

TEST(OscPacket, TypeTagsThatDoNotMatchTheArgumentsAreRefused)
{
    // ",ff" promises 8 bytes of arguments, 4 follow.
    std::vector<std::uint8_t> bytes {'/', 'a', 0, 0, ',', 'f', 'f', 0, 0, 0, 0, 0};
    EXPECT_TRUE(parsePacket(bytes).error);
    // No type tag string at all.
    std::vector<std::uint8_t> none {'/', 'a', 0, 0, 'f', 'f', 0, 0, 0, 0, 0, 0};
    EXPECT_TRUE(parsePacket(none).error);
}

TEST(OscPacket, A64KilobyteStringIsDecodedButALongAddressIsRefused)
{
    auto big = message("/track/a/gain", {std::string(64000, 'x')});
    auto p = parsePacket(big);
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_EQ(std::strlen(oscArgString(p.messages[0].argv[0])), 64000u);

    auto longAddress = message("/" + std::string(20000, 'a'));
    auto q = parsePacket(longAddress);
    ASSERT_TRUE(q.error);
    EXPECT_LE(q.error->address.size(), backline::config::oscErrorAddressEcho + 3);
}

TEST(OscPacket, AllOscOnePointOneTypesDecode)
{
    lo_message m = lo_message_new();
    lo_message_add_int64(m, 1LL << 40);
    lo_message_add_double(m, 0.25);
    lo_message_add_true(m);
    lo_message_add_nil(m);
    std::uint8_t midi[4] = {0x90, 60, 100, 0};
    lo_message_add_midi(m, midi);
    lo_blob blob = lo_blob_new(3, "abc");
    lo_message_add_blob(m, blob);
    lo_blob_free(blob);
    auto p = parsePacket(serialise("/x", m));
    ASSERT_FALSE(p.error) << p.error->message;
    EXPECT_EQ(p.messages[0].types, "hdTNmb");
    EXPECT_EQ(oscArg<std::int64_t>(p.messages[0].argv[0]), 1LL << 40);
    EXPECT_EQ(oscArg<double>(p.messages[0].argv[1]), 0.25);
}

// liblo's argument pointers keep OSC's 4-byte alignment: after an int32, an int64, a double and
// a timetag sit 4 bytes off an 8-byte boundary. Reading them as `argv[i]->h` / `->d` is the
// undefined behaviour UBSan's alignment check reports (the asan preset fails on it); oscArg copies.
TEST(OscPacket, EightByteArgumentsAfterAFourByteOneReadBack)
{
    lo_message m = lo_message_new();
    lo_message_add_int32(m, 7);
    lo_message_add_int64(m, -(1LL << 40) - 3);
    lo_message_add_double(m, -0.125);
    lo_timetag tt {0x83AA7E80u, 0x80000000u};
    lo_message_add_timetag(m, tt);
    lo_message_add_string(m, "after");
    auto p = parsePacket(serialise("/x", m));
    ASSERT_FALSE(p.error) << p.error->message;
    const auto& in = p.messages[0];
    ASSERT_EQ(in.types, "ihdts");
    EXPECT_EQ(oscArg<std::int32_t>(in.argv[0]), 7);
    EXPECT_EQ(oscArg<std::int64_t>(in.argv[1]), -(1LL << 40) - 3);
    EXPECT_EQ(oscArg<double>(in.argv[2]), -0.125);
    const auto t = oscArg<lo_timetag>(in.argv[3]);
    EXPECT_EQ(t.sec, tt.sec);
    EXPECT_EQ(t.frac, tt.frac);
    EXPECT_STREQ(oscArgString(in.argv[4]), "after");
}

TEST(OscPacket, EmptyAndAddresslessPacketsAreRefused)
{
    EXPECT_TRUE(parsePacket({}).error);
    std::vector<std::uint8_t> noSlash {'a', 0, 0, 0, ',', 0, 0, 0};
    EXPECT_TRUE(parsePacket(noSlash).error);
}

TEST(OscPacket, PrintableAddressReplacesControlCharactersAndCutsLongOnes)
{
    EXPECT_EQ(printableAddress(std::string("/a\x01\xff", 4)), "/a??");
    EXPECT_EQ(printableAddress(std::string(500, 'a')).size(), backline::config::oscErrorAddressEcho + 3);
}
