// SPDX-License-Identifier: GPL-3.0-or-later
// The session writer: a session loaded, changed (every parameter, scenes, safes), written and
// loaded again gives the changed state exactly, keeping what the user wrote elsewhere.
#include "session/SessionWriter.h"

#include "engine/GraphBuilder.h"
#include "faust/DspFactory.h"
#include "port/Param.h"
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

namespace {

using namespace backline;

/// A session as a person writes one: comments, block and flow maps, keys left out.
const std::string userText = R"(# the Friday gig
backline: 1
name: friday   # shown in /status
transport: {tempo: 120, meter: [4, 4], jack: off}
tracks:
  # the lead synth
  - name: lead
    dsp: tone
    params: {freq: 220}
    gain: -6      # a bit down
    sends:
      - {bus: verb, level: -20}
  - name: pad
    dsp: drone
    pan: 0.25
    mute: false
  - name: keys
    channels: 2
    strip:
      eq/low/gain: 1.5
buses:
  - {name: verb, dsp: reverb}
  - name: grp
    kind: group
master:
  gain: -1
scenes:
  verse: {/track/lead/gain: -6, /track/pad/gain: -3}   # the quiet one
  chorus: {/track/lead/gain: 0}
safe: [/track/pad/pan]
songs:
  - name: opener
    sections:
      - {name: intro, bars: 4, scene: verse}
      - {name: chorus, bars: 8, scene: chorus, then: loop}
setlist: [opener]
# the end
)";

/// A session loaded with its graph built (built-in DSPs only).
struct Loaded {
    session::SessionSpec spec;
    std::unique_ptr<engine::Graph> graph;
};

Loaded load(const std::string& text)
{
    auto spec = session::loadSessionText(text, "/tmp/backline-writer/session.yaml");
    if (!spec)
        throw std::runtime_error(spec.error().message);
    auto graph = engine::buildGraph(*spec, 48000, 256, [](const session::DspSpec& dsp) {
        return faust::builtinFactory(dsp.builtin);
    });
    if (!graph)
        throw std::runtime_error(graph.error().message);
    return {std::move(*spec), std::move(*graph)};
}

/// Every parameter of loaded at what its file gives it, as the daemon hands them to a save.
session::LiveSession asLoaded(const Loaded& loaded)
{
    session::LiveSession live;
    const auto& table = *loaded.graph->params;
    for (engine::ParamId id = 0; id < table.size(); ++id) {
        if (table[id].kind == port::ParamKind::Trigger)
            continue;
        const float value = loaded.graph->sessionValues[id];
        live.values.push_back({table[id].address, value, value});
    }
    for (const auto& scene : loaded.spec.scenes) {
        session::LiveScene copy {scene.name, {}};
        for (const auto& v : scene.values)
            copy.values.emplace_back(v.address, v.value);
        live.scenes.push_back(std::move(copy));
    }
    return live;
}

/// A value in the parameter's range other than value, by its rules (snapped to its step).
float otherValue(const port::ParamInfo& info, float value, int salt)
{
    if (info.kind == port::ParamKind::Toggle)
        return value >= 0.5f ? 0.0f : 1.0f;
    const double fraction = 0.137 + 0.071 * (salt % 9);
    auto checked = port::checkValue(info, info.address, info.min + (info.max - info.min) * fraction);
    float next = checked ? *checked : info.min;
    if (next == value)
        next = info.max;
    return next;
}

TEST(SessionWriter, WritesNothingNewWhenNothingChanged)
{
    const Loaded loaded = load(userText);
    auto written = session::writeSession(loaded.spec, asLoaded(loaded));
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(written->text, userText);
    EXPECT_TRUE(written->notWritten.empty());
}

TEST(SessionWriter, EveryChangedParameterSceneAndSafeLoadsBackExactly)
{
    const Loaded before = load(userText);
    session::LiveSession live = asLoaded(before);
    const auto& table = *before.graph->params;
    int salt = 0;
    for (auto& value : live.values) {
        const auto& info = table[*table.find(value.address)];
        // One destination per track is what `output:` can say: the keys go to the group bus.
        if (value.address.find("/route/") != std::string::npos)
            value.value = value.address.starts_with("/track/keys/") == value.address.ends_with("/grp") ? 1.0f : 0.0f;
        else
            value.value = otherValue(info, value.value, ++salt);
    }
    live.scenes[0].values[1].second = -12.5;              // a blind edit
    live.scenes.push_back({"stored: all", {}});           // a store of many values, a name that needs quotes
    for (const auto& value : live.values)
        live.scenes.back().values.emplace_back(value.address, double(value.value));
    live.safe = std::vector<std::string> {"/track/lead/gain", "/bus/*/dsp"};

    auto written = session::writeSession(before.spec, live);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_TRUE(written->notWritten.empty()) << written->notWritten.front().address;
    const Loaded after = load(written->text);

    // Every parameter.
    ASSERT_EQ(after.graph->params->size(), table.size());
    for (const auto& value : live.values) {
        const auto id = after.graph->params->find(value.address);
        ASSERT_TRUE(id) << value.address;
        EXPECT_EQ(after.graph->sessionValues[*id], value.value) << value.address << "\n" << written->text;
    }
    // Every scene, in order.
    ASSERT_EQ(after.spec.scenes.size(), live.scenes.size());
    for (std::size_t s = 0; s < live.scenes.size(); ++s) {
        EXPECT_EQ(after.spec.scenes[s].name, live.scenes[s].name);
        ASSERT_EQ(after.spec.scenes[s].values.size(), live.scenes[s].values.size());
        for (std::size_t v = 0; v < live.scenes[s].values.size(); ++v) {
            EXPECT_EQ(after.spec.scenes[s].values[v].address, live.scenes[s].values[v].first);
            EXPECT_EQ(float(after.spec.scenes[s].values[v].value), float(live.scenes[s].values[v].second));
        }
    }
    // The safes, the songs, the setlist and the transport.
    ASSERT_EQ(after.spec.safe.size(), 2u);
    EXPECT_EQ(after.spec.safe[0].glob, "/track/lead/gain");
    EXPECT_EQ(after.spec.safe[1].glob, "/bus/*/dsp");
    ASSERT_EQ(after.spec.songs.size(), 1u);
    ASSERT_EQ(after.spec.songs[0].sections.size(), 2u);
    EXPECT_EQ(after.spec.songs[0].sections[1].then, session::SectionEnd::Loop);
    EXPECT_EQ(after.spec.songs[0].sections[0].scene, "verse");
    ASSERT_EQ(after.spec.setlist.size(), 1u);
    EXPECT_EQ(after.spec.transport, before.spec.transport);
    EXPECT_EQ(after.spec.name, "friday");

    // The user's comments outside the rewritten scenes stay, and so does the key order.
    for (const char* kept : {"# the Friday gig\n", "name: friday   # shown in /status\n", "  # the lead synth\n",
             "# a bit down", "# the end\n"})
        EXPECT_NE(written->text.find(kept), std::string::npos) << kept << "\n" << written->text;
    EXPECT_LT(written->text.find("tracks:"), written->text.find("buses:"));
    // A new map of many values a line each, under its owner's keys, as a person would lay it out.
    EXPECT_NE(written->text.find("\n    strip:\n      trim: "), std::string::npos) << written->text;
    EXPECT_LT(written->text.find("scenes:"), written->text.find("songs:"));

    // Written again from what it loads as, the text stays as it is.
    auto again = session::writeSession(after.spec, asLoaded(after));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->text, written->text);
}

TEST(SessionWriter, EditsValuesInPlaceAndAddsMissingKeysWhereAPersonWould)
{
    const Loaded before = load(userText);
    session::LiveSession live = asLoaded(before);
    auto set = [&](std::string_view address, float value) {
        for (auto& v : live.values)
            if (v.address == address)
                v.value = value;
    };
    set("/track/lead/gain", -7.25f);
    set("/track/lead/dsp/freq", 440.0f);
    set("/track/pad/gain", -2.0f);
    set("/track/pad/send/verb/level", -9.0f);
    set("/track/lead/send/verb/pre", 1.0f);
    auto written = session::writeSession(before.spec, live);
    ASSERT_TRUE(written) << written.error().message;
    const std::string& text = written->text;
    EXPECT_NE(text.find("    gain: -7.25      # a bit down\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    params: {freq: 440}\n"), std::string::npos) << text;
    EXPECT_NE(text.find("      - {bus: verb, level: -20, pre: true}\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    mute: false\n    gain: -2\n    sends: [{bus: verb, level: -9}]\n"), std::string::npos)
        << text;
}

TEST(SessionWriter, FloatsReadBackAsTheSameFloat)
{
    for (float value : {0.1f, -6.0f, 1e-7f, 3.4028235e38f, -119.99f, 0.333333343f, 19999.998f, 1.0f / 3.0f}) {
        const std::string text = session::fileNumber(value);
        EXPECT_EQ(float(std::stod(text)), value) << text;
    }
}

TEST(SessionWriter, SavedSafesAndScenesMayBeEmpty)
{
    const std::string text = userText.substr(0, userText.find("songs:"));
    const Loaded before = load(text);
    session::LiveSession live = asLoaded(before);
    live.scenes.clear();
    live.safe = std::vector<std::string> {};
    auto written = session::writeSession(before.spec, live);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_NE(written->text.find("\nscenes: {}\nsafe: []\n"), std::string::npos) << written->text;
    const Loaded after = load(written->text);
    EXPECT_TRUE(after.spec.scenes.empty());
    EXPECT_TRUE(after.spec.safe.empty());
}

} // namespace

namespace {

TEST(SessionWriter, LearnedMidiMappingsAreWrittenAndLoadBack)
{
    const std::string text = userText.substr(0, userText.find("songs:"))
        + "midi:\n  # the nanoKONTROL\n  inputs: [\"nano.*\"]\n  feedback_rate: 20\n  jack_in: [\"a2j:pads\"]\n"
          "  jack_out: [\"a2j:pads.*\"]\n  clock: {out: true, connect: [drums:in], while_stopped: false}\n  map:\n"
          "    - {cc: 7, to: /track/lead/gain}\n";
    const Loaded before = load(text);
    session::LiveSession live = asLoaded(before);
    live.midiMap = std::vector<midi::MidiMapping> {before.spec.midi.map[0].mapping};
    auto same = session::writeSession(before.spec, live);
    ASSERT_TRUE(same) << same.error().message;
    EXPECT_EQ(same->text, text) << "an unchanged map leaves the section as written";

    midi::MidiMapping learned;
    learned.source = {midi::MidiSource::Kind::Note, 36, 10};
    learned.address = "/track/pad/mute";
    midi::MidiMapping fader;
    fader.source = {midi::MidiSource::Kind::Cc14, 2, 0};
    fader.address = "/track/pad/gain";
    fader.curve = midi::Curve::Db;
    fader.min = -60.0;
    fader.max = 6.0;
    fader.pickup = false;
    live.midiMap->push_back(learned);
    live.midiMap->push_back(fader);
    auto written = session::writeSession(before.spec, live);
    ASSERT_TRUE(written) << written.error().message;
    const Loaded after = load(written->text);
    const auto& midi = after.spec.midi;
    ASSERT_EQ(midi.map.size(), 3u) << written->text;
    EXPECT_EQ(midi.map[1].mapping, learned);
    EXPECT_EQ(midi.map[2].mapping, fader);
    EXPECT_EQ(midi.inputs, std::vector<std::string> {"nano.*"}) << "the section's other keys are kept";
    EXPECT_EQ(midi.feedbackRate, 20.0);
    EXPECT_EQ(midi.jackIn, std::vector<std::string> {"a2j:pads"});
    EXPECT_EQ(midi.jackOut, std::vector<std::string> {"a2j:pads.*"});
    EXPECT_EQ(midi.clock, before.spec.midi.clock) << written->text;
    EXPECT_TRUE(midi.clock.out);
    EXPECT_NE(written->text.find("# the Friday gig"), std::string::npos) << "comments elsewhere stay";

    live.midiMap->clear();
    auto none = session::writeSession(before.spec, live);
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(load(none->text).spec.midi.map.empty());
}

} // namespace

namespace {

TEST(SessionWriter, AutoConnectRulesEditedLiveAreWrittenAndLoadBack)
{
    const std::string text = userText.substr(0, userText.find("songs:"))
        + "connections:\n  # the stage box\n  - {from: \"system:capture_1\", to: \"backline:lead_in\"}\n";
    const Loaded before = load(text);
    session::LiveSession live = asLoaded(before);
    live.connections = std::vector<port::ConnectionRule> {before.spec.connections[0].rule};
    auto same = session::writeSession(before.spec, live);
    ASSERT_TRUE(same) << same.error().message;
    EXPECT_EQ(same->text, text) << "unchanged rules leave the list as written";

    live.connections->push_back({"^backline:out_[LR]$", "^darkice-[0-9]+:left"});
    auto written = session::writeSession(before.spec, live);
    ASSERT_TRUE(written) << written.error().message;
    const Loaded after = load(written->text);
    ASSERT_EQ(after.spec.connections.size(), 2u) << written->text;
    EXPECT_EQ(after.spec.connections[0].rule, before.spec.connections[0].rule);
    EXPECT_EQ(after.spec.connections[1].rule, (port::ConnectionRule {"^backline:out_[LR]$", "^darkice-[0-9]+:left"}));
    EXPECT_NE(written->text.find("# the Friday gig"), std::string::npos) << "comments elsewhere stay";

    live.connections->clear();
    auto none = session::writeSession(before.spec, live);
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(load(none->text).spec.connections.empty()) << none->text;
}

} // namespace
