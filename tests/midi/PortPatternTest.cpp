// SPDX-License-Identifier: GPL-3.0-or-later
// The rules MidiDevices opens ports by, without any port: whole-name patterns, our own
// clients' names, and which API Auto chooses.
#include "control/midi/MidiApi.h"
#include "control/midi/OwnPort.h"
#include "control/midi/PortPattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace backline;
using namespace backline::control::midi;

PortPatterns compiled(const std::vector<std::string>& patterns)
{
    auto p = PortPatterns::compile(patterns, "MIDI input pattern");
    EXPECT_TRUE(p) << p.error().message;
    return p ? std::move(p.value()) : PortPatterns {};
}

TEST(PortPatterns, MatchTheWholeNameOnly)
{
    const auto p = compiled({"Launchpad.*"});
    EXPECT_TRUE(p.matches("Launchpad Mini:Launchpad Mini MIDI 1 24:0"));
    EXPECT_FALSE(p.matches("My Launchpad Mini:MIDI 1 24:0")); // not at the start
    const auto exact = compiled({"keys:out"});
    EXPECT_TRUE(exact.matches("keys:out"));
    EXPECT_FALSE(exact.matches("keys:out2"));
    EXPECT_FALSE(exact.matches("xkeys:out"));
}

TEST(PortPatterns, AlternativesAreEachWhole)
{
    // "^a|b$" would be wrong: the pattern is wrapped in a group before it is anchored.
    const auto p = compiled({"keys:out|pads:out"});
    EXPECT_TRUE(p.matches("keys:out"));
    EXPECT_TRUE(p.matches("pads:out"));
    EXPECT_FALSE(p.matches("keys:out and more"));
    EXPECT_FALSE(p.matches("more pads:out"));
}

TEST(PortPatterns, AnyPatternOfTheListMatches)
{
    const auto p = compiled({"a2j:Keystation \\[20\\] \\(capture\\).*", "bltest-.*"});
    EXPECT_TRUE(p.matches("a2j:Keystation [20] (capture): Keystation MIDI 1"));
    EXPECT_TRUE(p.matches("bltest-keys:out"));
    EXPECT_FALSE(p.matches("system:midi_capture_1"));
}

TEST(PortPatterns, AnEmptyListMatchesNothing)
{
    EXPECT_FALSE(compiled({}).matches("keys:out"));
    EXPECT_FALSE(PortPatterns {}.matches(""));
}

TEST(PortPatterns, ABadPatternIsNamedWithRegerrorsReason)
{
    auto p = PortPatterns::compile({"fine", "a\\"}, "MIDI output pattern");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, ErrorCode::Midi);
    EXPECT_NE(p.error().message.find("MIDI output pattern 'a\\'"), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find("Trailing backslash"), std::string::npos) << p.error().message;
}

TEST(OwnPort, OurClientAndJacksRenamesOfItAreOurs)
{
    EXPECT_TRUE(isOwnPort("backline:midi_in", "backline"));
    EXPECT_TRUE(isOwnPort("backline-01:midi_out", "backline"));
    EXPECT_TRUE(isOwnPort("backline-12:keys_midi_in", "backline"));
    EXPECT_TRUE(isOwnPort("backline:midi in 130:0", "backline")); // ALSA's "client:port id:id"
}

TEST(OwnPort, OtherClientsAreNot)
{
    EXPECT_FALSE(isOwnPort("backline-keys:out", "backline")); // a suffix that is not JACK's
    EXPECT_FALSE(isOwnPort("backline-:out", "backline"));
    EXPECT_FALSE(isOwnPort("backlined:out", "backline"));
    EXPECT_FALSE(isOwnPort("a2j:backline:out", "backline"));
    EXPECT_FALSE(isOwnPort("backline", "backline")); // no client part at all
    EXPECT_FALSE(isOwnPort("backline:out", ""));
}

TEST(MidiApiChoice, AutoTakesAlsaWhenThereIsASequencerAndJackOtherwise)
{
    EXPECT_EQ(concreteApi(MidiApi::Auto, true), MidiApi::Alsa);
    EXPECT_EQ(concreteApi(MidiApi::Auto, false), MidiApi::Jack);
    EXPECT_EQ(concreteApi(MidiApi::Alsa, false), MidiApi::Alsa);
    EXPECT_EQ(concreteApi(MidiApi::Jack, true), MidiApi::Jack);
    EXPECT_EQ(apiName(MidiApi::Auto), "auto");
    EXPECT_EQ(apiName(MidiApi::Alsa), "alsa");
    EXPECT_EQ(apiName(MidiApi::Jack), "jack");
    EXPECT_EQ(jackServerLabel("stage"), "stage");
}

} // namespace
