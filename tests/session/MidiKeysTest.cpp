// SPDX-License-Identifier: GPL-3.0-or-later
// The `midi:` map of a session: ports, feedback rate, program changes and `map:` entries, and
// every way to get them wrong.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

using namespace backline;
using namespace backline::session;

namespace {

const char* tracks = "backline: 1\ntracks: []\n";

std::string errorOf(const std::string& text)
{
    auto r = loadSessionText(std::string(tracks) + text, "/shows/friday/show.yaml");
    return r ? std::string("(loaded)") : r.error().message;
}

} // namespace

TEST(SessionMidi, HasNoDevicesOrMappingsWithoutTheMap)
{
    auto s = loadSessionText(tracks, "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->midi.api, MidiApi::Auto);
    EXPECT_TRUE(s->midi.inputs.empty());
    EXPECT_TRUE(s->midi.map.empty());
    EXPECT_TRUE(s->midi.programScenes);
    EXPECT_EQ(s->midi.feedbackRate, 30.0);
}

TEST(SessionMidi, ReadsPortsRatesAndEveryKindOfMapping)
{
    auto s = loadSessionText(std::string(tracks) + R"(midi:
  api: jack
  inputs: ["nanoKONTROL2.*", "a2j:Launchpad"]
  outputs: ["nanoKONTROL2.*"]
  feedback_rate: 50
  program_change: off
  map:
    - {cc: 7, channel: 1, to: /track/vox/gain, curve: db, min: -60, max: 6}
    - {cc14: 1, to: /track/keys/dsp/cutoff, curve: log, pickup: false}
    - {nrpn: 1000, to: /master/gain}
    - {note: 36, channel: 10, to: /track/vox/mute}
    - {program: 5, scene: chorus}
)",
        "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    const auto& m = s->midi;
    EXPECT_EQ(m.api, MidiApi::Jack);
    ASSERT_EQ(m.inputs.size(), 2u);
    EXPECT_EQ(m.inputs[1], "a2j:Launchpad");
    EXPECT_EQ(m.feedbackRate, 50.0);
    EXPECT_FALSE(m.programScenes);
    ASSERT_EQ(m.map.size(), 5u);
    EXPECT_EQ(midi::toString(m.map[0].mapping.source), "cc:7@1");
    EXPECT_EQ(m.map[0].mapping.curve, midi::Curve::Db);
    EXPECT_EQ(m.map[0].mapping.min, -60.0);
    EXPECT_TRUE(m.map[0].mapping.pickup);
    EXPECT_EQ(midi::toString(m.map[1].mapping.source), "cc14:1");
    EXPECT_FALSE(m.map[1].mapping.pickup);
    EXPECT_EQ(midi::toString(m.map[2].mapping.source), "nrpn:1000");
    EXPECT_FALSE(m.map[2].mapping.curve) << "unsaid: the parameter's own";
    EXPECT_EQ(midi::toString(m.map[3].mapping.source), "note:36@10");
    EXPECT_EQ(m.map[4].mapping.scene, "chorus");
    EXPECT_EQ(m.map[4].where.line, 14);
}

TEST(SessionMidi, ReadsBacklinesOwnJackPortsAndTheClock)
{
    auto s = loadSessionText(std::string(tracks) + R"(midi:
  jack_in: ["a2j:nanoKONTROL2.*"]
  jack_out: ["a2j:nanoKONTROL2 \\[24\\] \\(playback\\): nanoKONTROL2 MIDI 1"]
  clock: {out: true, connect: ["a2j:TR-8.*", "drums:in"], while_stopped: false}
)",
        "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    const auto& m = s->midi;
    EXPECT_EQ(m.jackIn, std::vector<std::string> {"a2j:nanoKONTROL2.*"});
    ASSERT_EQ(m.jackOut.size(), 1u);
    EXPECT_TRUE(m.clock.out);
    EXPECT_FALSE(m.clock.whileStopped);
    EXPECT_EQ(m.clock.connect, (std::vector<std::string> {"a2j:TR-8.*", "drums:in"}));

    auto plain = loadSessionText(tracks, "show.yaml");
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->midi.clock.out) << "no clock unless asked";
    EXPECT_TRUE(plain->midi.clock.whileStopped);
}

TEST(SessionMidi, RefusesWhatItCannotUseWithTheReasonAndThePlace)
{
    const std::pair<const char*, const char*> cases[] = {
        {"midi: {api: coremidi}\n", "must be auto, alsa or jack"},
        {"midi: {inputs: [\"(\"]}\n", "is not a valid pattern"},
        {"midi: {feedback_rate: 0}\n", "feedback_rate"},
        {"midi: {program_change: maybe}\n", "must be scenes"},
        {"midi: {mapping: []}\n", "unknown key 'mapping'"},
        {"midi: {map: {cc: 7}}\n", "must be a list"},
        {"midi: {map: [7]}\n", "must be a map"},
        {"midi: {map: [{to: /track/a/gain}]}\n", "which control it listens to"},
        {"midi: {map: [{cc: 7, note: 3, to: /a}]}\n", "both name the control"},
        {"midi: {map: [{cc: 128, to: /a}]}\n", "128"},
        {"midi: {map: [{cc14: 32, to: /a}]}\n", "32"},
        {"midi: {map: [{nrpn: 16384, to: /a}]}\n", "16384"},
        {"midi: {map: [{cc: 7, channel: 17, to: /a}]}\n", "17"},
        {"midi: {map: [{cc: 7}]}\n", "which parameter it moves"},
        {"midi: {map: [{cc: 7, to: /a, curve: cubic}]}\n", "'curve' must be"},
        {"midi: {map: [{cc: 7, to: /a, scene: x}]}\n", "only a program change recalls a scene"},
        {"midi: {map: [{program: 1, to: /a}]}\n", "write 'scene: NAME'"},
        {"midi: {map: [{program: 1}]}\n", "which scene"},
        {"midi: {map: [{program: 1, scene: x, curve: db}]}\n", "no curve"},
        {"midi: {map: [{cc: 7, to: /a, min: lots}]}\n", "min"},
        {"midi: {map: [{cc: 7, to: /a, pickup: 2}]}\n", "pickup"},
        {"midi:\n  map:\n    - {cc: 7, to: /a}\n    - {cc: 7, to: /b}\n", "cc:7 is mapped twice"},
        {"midi: {jack_in: \"a2j:nano\"}\n", "jack_in"},
        {"midi: {jack_out: [\"(\"]}\n", "is not a valid pattern"},
        {"midi: {clock: true}\n", "'midi.clock' must be a map"},
        {"midi: {clock: {out: sometimes}}\n", "out"},
        {"midi: {clock: {tempo: 120}}\n", "unknown key 'tempo'"},
        {"midi: {clock: {out: true, connect: [\"[\"]}}\n", "clock.connect"},
        {"midi: {clock: {while_stopped: 3}}\n", "while_stopped"},
    };
    for (const auto& [text, expected] : cases) {
        const std::string error = errorOf(text);
        EXPECT_NE(error.find(expected), std::string::npos) << text << "\n→ " << error;
        EXPECT_NE(error.find("show.yaml:"), std::string::npos) << "says where: " << error;
    }
}
