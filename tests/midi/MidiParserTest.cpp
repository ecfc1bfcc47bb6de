// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMessage and MidiParser: every kind of message, streams cut anywhere, SysEx of any
// length, realtime bytes inside messages, and garbage of every shape.
#include "midi/MidiMessage.h"
#include "midi/MidiParser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <span>
#include <type_traits>
#include <vector>

namespace backline::midi {

/// GoogleTest prints a message as its bytes: "[90 3c 64]".
void PrintTo(const MidiMessage& m, std::ostream* os)
{
    *os << '[';
    for (int i = 0; i < m.size && i < 3; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, i == 0 ? "%02x" : " %02x", m.bytes[i]);
        *os << hex;
    }
    *os << ']';
}

} // namespace backline::midi

namespace {

using namespace backline::midi;
using Bytes = std::vector<std::uint8_t>;
using Messages = std::vector<MidiMessage>;

Messages parseAll(MidiParser& parser, const Bytes& bytes)
{
    Messages out;
    parser.parse(bytes, [&](const MidiMessage& m) { out.push_back(m); });
    return out;
}

MidiMessage message(std::uint8_t status, std::uint8_t data1 = 0, std::uint8_t data2 = 0)
{
    MidiMessage m;
    m.bytes[0] = status;
    m.size = std::uint8_t(expectedSize(status));
    if (m.size > 1)
        m.bytes[1] = data1;
    if (m.size > 2)
        m.bytes[2] = data2;
    return m;
}

/// Fails unless m is whole and valid: as long as its status says, data bytes below 0x80,
/// nothing past its size.
::testing::AssertionResult valid(const MidiMessage& m)
{
    if (m.size < 1 || m.size > 3 || m.size != expectedSize(m.status()))
        return ::testing::AssertionFailure() << "size " << int(m.size) << " for status " << int(m.status());
    for (int i = 1; i < 3; ++i) {
        if (i < m.size && m.bytes[i] >= 0x80)
            return ::testing::AssertionFailure() << "data byte " << int(m.bytes[i]) << " has its top bit set";
        if (i >= m.size && m.bytes[i] != 0)
            return ::testing::AssertionFailure() << "byte " << i << " past the size is " << int(m.bytes[i]);
    }
    return ::testing::AssertionSuccess();
}

} // namespace

TEST(MidiMessage, ExpectedSizeIsTheMidiTableForAllStatusBytes)
{
    for (int b = 0; b < 256; ++b) {
        std::size_t want = 0;
        if (b >= 0x80 && b < 0xF0)
            want = (b & 0xF0) == 0xC0 || (b & 0xF0) == 0xD0 ? 2 : 3;
        else if (b == 0xF1 || b == 0xF3)
            want = 2;
        else if (b == 0xF2)
            want = 3;
        else if (b == 0xF6 || b == 0xF8 || (b >= 0xFA && b <= 0xFC) || b == 0xFE || b == 0xFF)
            want = 1;
        EXPECT_EQ(expectedSize(std::uint8_t(b)), want) << "status " << b;
    }
}

TEST(MidiMessage, FactoriesAndAccessorsAgree)
{
    constexpr auto on = noteOn(3, 69, 100);
    static_assert(on.isNoteOn() && !on.isNoteOff() && on.channel() == 3 && on.note() == 69 && on.velocity() == 100);
    EXPECT_EQ(on.status(), 0x93);
    EXPECT_EQ(on.type(), kind::noteOn);
    EXPECT_EQ(on.size, 3);
    EXPECT_TRUE(on.isChannelMessage());
    EXPECT_FALSE(on.isRealtime());

    EXPECT_TRUE(noteOn(0, 60, 0).isNoteOff()) << "velocity 0 is a note-off";
    EXPECT_FALSE(noteOn(0, 60, 0).isNoteOn());
    const auto off = noteOff(15, 60, 64);
    EXPECT_TRUE(off.isNoteOff());
    EXPECT_EQ(off.status(), 0x8F);
    EXPECT_EQ(off.channel(), 15);
    EXPECT_EQ(off.velocity(), 64);

    const auto cc = controlChange(1, 7, 90);
    EXPECT_EQ(cc.type(), kind::controlChange);
    EXPECT_EQ(cc.controller(), 7);
    EXPECT_EQ(cc.value(), 90);

    const auto pc = programChange(2, 5);
    EXPECT_EQ(pc.size, 2);
    EXPECT_EQ(pc.status(), 0xC2);
    EXPECT_EQ(pc.program(), 5);
    EXPECT_EQ(pc.bytes[2], 0);

    EXPECT_EQ(pitchBend(0, 8192).pitchBend(), 8192);
    EXPECT_EQ(pitchBend(0, 8192).bytes[1], 0x00);
    EXPECT_EQ(pitchBend(0, 8192).bytes[2], 0x40);
    EXPECT_EQ(pitchBend(0, 0).pitchBend(), 0);
    EXPECT_EQ(pitchBend(0, 16383).pitchBend(), 16383);
    EXPECT_EQ(pitchBend(0, 1234).pitchBend(), 1234);

    const auto clock = message(kind::clock);
    EXPECT_TRUE(clock.isRealtime());
    EXPECT_FALSE(clock.isChannelMessage());
    EXPECT_EQ(clock.type(), kind::clock);
    EXPECT_EQ(clock.channel(), 0);
    EXPECT_EQ(message(kind::songPosition).type(), kind::songPosition);
    EXPECT_FALSE(message(kind::songPosition).isRealtime());
}

TEST(MidiMessage, FactoriesClampNotesAboveOneTwentySevenAndChannelsAboveSixteen)
{
    const auto high = noteOn(16, 200, 300);
    EXPECT_TRUE(valid(high));
    EXPECT_EQ(high.status(), 0x9F) << "channel 16 (0-based) is clamped to 15, not carried into the kind";
    EXPECT_EQ(high.note(), 127);
    EXPECT_EQ(high.velocity(), 127);
    const auto low = controlChange(-1, -5, -9);
    EXPECT_TRUE(valid(low));
    EXPECT_EQ(low.status(), 0xB0);
    EXPECT_EQ(low.controller(), 0);
    EXPECT_EQ(low.value(), 0);
    EXPECT_EQ(pitchBend(0, 99999).pitchBend(), 16383);
    EXPECT_EQ(pitchBend(0, -1).pitchBend(), 0);
    EXPECT_TRUE(valid(programChange(99, 1000)));
}

TEST(MidiParser, EveryMessageKindComesOutWhole)
{
    const Bytes bytes {
        0x81, 60, 64, // note off
        0x92, 61, 100, // note on
        0xA3, 62, 50, // poly pressure
        0xB4, 7, 127, // control change
        0xC5, 9, // program change
        0xD6, 33, // channel pressure
        0xE7, 0x00, 0x40, // pitch bend, centre
        0xF1, 0x35, // time code quarter frame
        0xF2, 0x10, 0x02, // song position
        0xF3, 4, // song select
        0xF6, // tune request
        0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF, // realtime
    };
    const Messages want {
        noteOff(1, 60, 64),
        noteOn(2, 61, 100),
        message(0xA3, 62, 50),
        controlChange(4, 7, 127),
        programChange(5, 9),
        message(0xD6, 33),
        pitchBend(7, 8192),
        message(kind::timeCode, 0x35),
        message(kind::songPosition, 0x10, 0x02),
        message(kind::songSelect, 4),
        message(kind::tuneRequest),
        message(kind::clock),
        message(kind::start),
        message(kind::resume),
        message(kind::stop),
        message(kind::activeSensing),
        message(kind::systemReset),
    };
    MidiParser parser;
    EXPECT_EQ(parseAll(parser, bytes), want);
    EXPECT_EQ(parser.droppedBytes(), 0u);
    EXPECT_EQ(parser.truncatedSysex(), 0u);
}

TEST(MidiParser, RunningStatusCarriesAcrossBuffersCutAnywhere)
{
    // Two note-ons and a zero-velocity note-off under one status byte, sent in three buffers:
    // the cuts fall after the status, between a message's data bytes, and between messages.
    MidiParser parser;
    const auto first = parseAll(parser, {0x90});
    const auto second = parseAll(parser, {60, 100, 64});
    const auto third = parseAll(parser, {90, 60, 0});
    EXPECT_TRUE(first.empty());
    EXPECT_EQ(second, Messages {noteOn(0, 60, 100)});
    ASSERT_EQ(third, (Messages {noteOn(0, 64, 90), noteOn(0, 60, 0)}));
    EXPECT_TRUE(third.back().isNoteOff());

    // Two-byte messages run too.
    EXPECT_EQ(parseAll(parser, {0xC1, 1, 2}), (Messages {programChange(1, 1), programChange(1, 2)}));
    EXPECT_EQ(parseAll(parser, {3}), Messages {programChange(1, 3)});
    EXPECT_EQ(parser.droppedBytes(), 0u);
}

TEST(MidiParser, RealtimeBytesInsideANoteComeOutAtOnceAndTheNoteGoesOn)
{
    MidiParser parser;
    EXPECT_EQ(parseAll(parser, {0x90, 0xF8, 60, 0xFA, 100}),
        (Messages {message(kind::clock), message(kind::start), noteOn(0, 60, 100)}));
    // Inside a running-status message, and across a buffer cut.
    EXPECT_EQ(parseAll(parser, {62, 0xFE}), Messages {message(kind::activeSensing)});
    EXPECT_EQ(parseAll(parser, {0xFC, 90, 64}), (Messages {message(kind::stop), noteOn(0, 62, 90)}));
    EXPECT_EQ(parser.droppedBytes(), 0u);
}

TEST(MidiParser, RealtimeBytesInsideSysexComeOutAndTheSysexGoesOn)
{
    MidiParser parser;
    // A SysEx (universal identity request) with a clock and a stop inside; its data bytes after
    // them are still SysEx (no note comes out of 0x3C 0x40) and its 0xF7 ends it normally.
    const auto out = parseAll(parser, {0xF0, 0x7E, 0xF8, 0x7F, 0x06, 0xFC, 0x01, 0x3C, 0x40, 0xF7});
    EXPECT_EQ(out, (Messages {message(kind::clock), message(kind::stop)}));
    EXPECT_EQ(parser.truncatedSysex(), 0u);
    EXPECT_EQ(parser.droppedBytes(), 0u);
    // SysEx ended running status: data bytes after it belong to nothing.
    EXPECT_TRUE(parseAll(parser, {60, 100}).empty());
    EXPECT_EQ(parser.droppedBytes(), 2u);
    EXPECT_EQ(parseAll(parser, {0x90, 60, 100}), Messages {noteOn(0, 60, 100)});
}

TEST(MidiParser, AMegabyteOfSysexWithoutItsEndIsSkippedAndTheNoteAfterItComesOut)
{
    // Constant memory whatever the SysEx's length: the parser is a small plain value, so it has
    // nowhere to keep a SysEx's bytes.
    static_assert(std::is_trivially_copyable_v<MidiParser>);
    static_assert(sizeof(MidiParser) <= 32, "nothing to keep a SysEx in");

    MidiParser parser;
    Bytes chunk(4096);
    for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = std::uint8_t(i % 0x80);
    std::size_t emitted = parseAll(parser, {0xF0}).size();
    for (int i = 0; i < 256; ++i) // 1 MiB, in the buffers a port would deliver
        emitted += parseAll(parser, chunk).size();
    EXPECT_EQ(emitted, 0u);
    EXPECT_EQ(parser.droppedBytes(), 0u) << "SysEx content is skipped, not dropped";

    EXPECT_EQ(parseAll(parser, {0x91, 60, 100}), Messages {noteOn(1, 60, 100)});
    EXPECT_EQ(parser.truncatedSysex(), 1u);
    EXPECT_EQ(parser.droppedBytes(), 0u);
}

TEST(MidiParser, AStatusByteEndsASysexAsTruncatedAndStartsItsOwnMessage)
{
    MidiParser parser;
    EXPECT_EQ(parseAll(parser, {0xF0, 1, 2, 0xB0, 7, 100}), Messages {controlChange(0, 7, 100)});
    EXPECT_EQ(parseAll(parser, {0xF0, 1, 0xF6}), Messages {message(kind::tuneRequest)});
    EXPECT_TRUE(parseAll(parser, {0xF0, 1, 0xF0, 2, 0xF7}).empty()) << "a SysEx in a SysEx ends the first";
    EXPECT_EQ(parser.truncatedSysex(), 3u);
    EXPECT_EQ(parser.droppedBytes(), 0u);
}

TEST(MidiParser, AStatusByteInterruptingAMessageDropsItAndCountsItsBytes)
{
    MidiParser parser;
    // A note-on cut short by a control change: the note's two bytes are dropped.
    EXPECT_EQ(parseAll(parser, {0x90, 60, 0xB0, 7, 127}), Messages {controlChange(0, 7, 127)});
    EXPECT_EQ(parser.droppedBytes(), 2u);
    // A status byte alone, then another.
    EXPECT_EQ(parseAll(parser, {0xC0, 0x92, 60, 100}), Messages {noteOn(2, 60, 100)});
    EXPECT_EQ(parser.droppedBytes(), 3u);
    // A running-status message cut short: only its data byte was read.
    EXPECT_EQ(parseAll(parser, {61, 0xE0, 0, 0x40}), Messages {pitchBend(0, 8192)});
    EXPECT_EQ(parser.droppedBytes(), 4u);
    // A system common message cut short, by a tune request and by a SysEx.
    EXPECT_EQ(parseAll(parser, {0xF2, 1, 0xF6}), Messages {message(kind::tuneRequest)});
    EXPECT_EQ(parser.droppedBytes(), 6u);
    EXPECT_TRUE(parseAll(parser, {0xF3, 0xF0, 5, 0xF7}).empty());
    EXPECT_EQ(parser.droppedBytes(), 7u);
    EXPECT_EQ(parser.truncatedSysex(), 0u);
}

TEST(MidiParser, ResetForgetsTheMessageUnderWayRunningStatusAndSysexButKeepsTheCounters)
{
    MidiParser parser;
    EXPECT_TRUE(parseAll(parser, {0x90, 60}).empty());
    parser.reset();
    EXPECT_TRUE(parseAll(parser, {100}).empty()) << "reset forgot the note and running status";
    EXPECT_EQ(parser.droppedBytes(), 1u);
    EXPECT_TRUE(parseAll(parser, {0xF0, 1, 2}).empty());
    parser.reset();
    EXPECT_TRUE(parseAll(parser, {0x90, 60, 100, 0xF7}).size() == 1) << "reset left the SysEx";
    EXPECT_EQ(parser.truncatedSysex(), 0u) << "reset ends a SysEx without calling it truncated";
    EXPECT_EQ(parser.droppedBytes(), 2u) << "the counters carry on over a reset; the stray 0xF7 counts";
}

TEST(MidiParser, DataBytesWithNoStatusAreDroppedAndCounted)
{
    MidiParser parser;
    EXPECT_TRUE(parseAll(parser, {60, 100, 0x7F, 0}).empty());
    EXPECT_EQ(parser.droppedBytes(), 4u);
    // After a system common message there is no running status either.
    EXPECT_EQ(parseAll(parser, {0xF1, 0x20, 0x21}), Messages {message(kind::timeCode, 0x20)});
    EXPECT_EQ(parser.droppedBytes(), 5u);
    EXPECT_EQ(parseAll(parser, {0xF6, 60, 100}), Messages {message(kind::tuneRequest)});
    EXPECT_EQ(parser.droppedBytes(), 7u);
    EXPECT_EQ(parseAll(parser, {0x80, 60, 0}), Messages {noteOff(0, 60, 0)});
}

TEST(MidiParser, SystemCommonMessagesEndRunningStatus)
{
    MidiParser parser;
    EXPECT_EQ(parseAll(parser, {0x90, 60, 100, 0xF2, 0x00, 0x08, 62, 100}),
        (Messages {noteOn(0, 60, 100), message(kind::songPosition, 0x00, 0x08)}));
    EXPECT_EQ(parser.droppedBytes(), 2u);
}

TEST(MidiParser, UndefinedStatusBytesAreIgnoredAndDropped)
{
    MidiParser parser;
    // 0xF4 and 0xF5 are status bytes: they end running status and a message under way.
    EXPECT_EQ(parseAll(parser, {0x90, 60, 100, 0xF4, 62, 100}), Messages {noteOn(0, 60, 100)});
    EXPECT_EQ(parser.droppedBytes(), 3u);
    EXPECT_TRUE(parseAll(parser, {0xB0, 7, 0xF5, 100}).empty());
    EXPECT_EQ(parser.droppedBytes(), 3u + 2u + 1u + 1u);
    // 0xF9 and 0xFD are realtime: dropped, and the message around them goes on.
    EXPECT_EQ(parseAll(parser, {0x90, 0xF9, 60, 0xFD, 100}), Messages {noteOn(0, 60, 100)});
    EXPECT_EQ(parser.droppedBytes(), 9u);
    // An 0xF7 with no SysEx to end.
    EXPECT_TRUE(parseAll(parser, {0xF7}).empty());
    EXPECT_EQ(parser.droppedBytes(), 10u);
    EXPECT_EQ(parser.truncatedSysex(), 0u);
}

TEST(MidiParser, PushLeavesOutAloneUntilAMessageIsWhole)
{
    MidiParser parser;
    MidiMessage out = noteOff(9, 1, 2);
    EXPECT_FALSE(parser.push(0x90, out));
    EXPECT_FALSE(parser.push(60, out));
    EXPECT_EQ(out, noteOff(9, 1, 2));
    EXPECT_TRUE(parser.push(100, out));
    EXPECT_EQ(out, noteOn(0, 60, 100));
    // A shorter message clears the bytes past its size.
    EXPECT_TRUE(parser.push(0xF8, out));
    EXPECT_EQ(out.size, 1);
    EXPECT_EQ(out.bytes[1], 0);
    EXPECT_EQ(out.bytes[2], 0);
}

TEST(MidiParser, EveryByteAfterEveryByteFromEveryStateGivesOnlyValidMessagesAndANoteStillComesThrough)
{
    // From each state a stream can be in, every pair of bytes; then a whole note-on, which
    // must come out as itself whatever came before.
    const std::vector<Bytes> states {
        {}, {0x90}, {0x90, 60}, {0x90, 60, 100}, {0xF0, 1}, {0xF2, 0}, {0xE0}, {0xC0, 5}};
    const Bytes note {0x93, 64, 99};
    std::size_t checked = 0;
    for (const auto& prefix : states) {
        for (int a = 0; a < 256; ++a) {
            for (int b = 0; b < 256; ++b) {
                MidiParser parser;
                Bytes bytes = prefix;
                bytes.push_back(std::uint8_t(a));
                bytes.push_back(std::uint8_t(b));
                for (const auto& m : parseAll(parser, bytes)) {
                    ASSERT_TRUE(valid(m)) << "after " << a << ", " << b << " from a prefix of " << prefix.size();
                    ++checked;
                }
                const auto after = parseAll(parser, note);
                ASSERT_EQ(after, Messages {noteOn(3, 64, 99)}) << "after " << a << ", " << b;
            }
        }
    }
    EXPECT_GT(checked, 100000u); // the pairs did make messages to check
}

TEST(MidiParser, HowTheStreamIsCutNeverChangesWhatComesOut)
{
    // A long pseudo-random stream, biased to status bytes so every path is taken, parsed whole
    // and in buffers of 1 to 17 bytes.
    Bytes stream(200000);
    std::uint32_t x = 12345;
    for (auto& byte : stream) {
        x = x * 1664525u + 1013904223u;
        byte = std::uint8_t((x >> 24) % 3 == 0 ? 0x80 | (x >> 8) : (x >> 8) & 0x7F);
    }
    MidiParser whole;
    const auto want = parseAll(whole, stream);
    ASSERT_GT(want.size(), 10000u);

    MidiParser cut;
    Messages got;
    for (std::size_t at = 0, n = 1; at < stream.size(); at += n, n = n % 17 + 1) {
        const auto part = std::span(stream).subspan(at, std::min(n, stream.size() - at));
        cut.parse(part, [&](const MidiMessage& m) { got.push_back(m); });
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(cut.droppedBytes(), whole.droppedBytes());
    EXPECT_EQ(cut.truncatedSysex(), whole.truncatedSysex());
    EXPECT_GT(whole.truncatedSysex(), 0u);
    EXPECT_GT(whole.droppedBytes(), 0u);
}

namespace {

/// Reads a buffer as the audio thread would: clang proves this nonblocking (-Wfunction-effects),
/// parse() and the lambda included.
std::size_t countNotesOnTheAudioThread(MidiParser& parser, std::span<const std::uint8_t> bytes) noexcept
    BACKLINE_NONBLOCKING
{
    std::size_t notes = 0;
    parser.parse(bytes, [&](const MidiMessage& m) {
        if (m.isNoteOn())
            ++notes;
    });
    return notes;
}

} // namespace

TEST(MidiParser, ParseIsUsableFromNonblockingCode)
{
    MidiParser parser;
    const Bytes bytes {0x90, 60, 100, 62, 100, 0xF8, 64, 0};
    EXPECT_EQ(countNotesOnTheAudioThread(parser, bytes), 2u);
}
