// SPDX-License-Identifier: GPL-3.0-or-later
// MidiDevices' messages through RtMidi's JACK API on a jackd dummy server (this machine has no
// ALSA sequencer): test clients of plain libjack play into its inputs and listen to its
// outputs; and its patterns, checked before anything opens.
#include "JackMidiClient.h"
#include "MidiDevicesRig.h"

#include "../integration/PortLook.h"

#include <gtest/gtest.h>
#include <jack/jack.h>

#include <string>
#include <vector>

namespace {

using namespace backline;
using namespace backline::control::midi;
using namespace backline::test;

TEST(MidiDevices, AnInputHandsOverWhatTheDevicePlaysInOrderWithRisingTimes)
{
    JackServer jack;
    JackMidiClient keys(jack.name(), "bltest-keys");
    const std::string port = keys.addOutput("out");
    Collector collector;
    auto devices = makeDevices(jackOptions(jack, {"bltest-keys:.*"}), collector);
    const auto status = devices->status();
    EXPECT_EQ(status.api, "jack");
    ASSERT_EQ(status.inputs, std::vector<std::string> {port});

    std::int64_t before = 0;
    std::int64_t after = 0;
    {
        Freewheeling all(keys); // no cycle, and no event, is skipped however busy the machine
        ASSERT_TRUE(keys.settle());
        before = monotonicNs();
        ASSERT_TRUE(keys.play({0x90, 60, 100}));
        ASSERT_TRUE(keys.play({0xB0, 7, 64}));
        ASSERT_TRUE(keys.play({0xF8}));
        ASSERT_TRUE(collector.waitFor(3)) << collector.got().size();
        after = monotonicNs();
        ASSERT_TRUE(keys.waitCycles(4)); // a fourth message, were there one, would be in by now
    }
    const auto got = collector.got();
    EXPECT_EQ(messages(got),
        (std::vector<midi::MidiMessage> {midi::noteOn(0, 60, 100), midi::controlChange(0, 7, 64), realtime(midi::kind::clock)}));
    for (const Got& g : got) {
        EXPECT_EQ(g.port, port);
        EXPECT_EQ(g.portId, got[0].portId);
        EXPECT_GE(g.ns, before);
        EXPECT_LE(g.ns, after);
    }
    // One event a cycle: each came in a later JACK cycle than the one before.
    EXPECT_LT(got[0].ns, got[1].ns);
    EXPECT_LT(got[1].ns, got[2].ns);
    EXPECT_EQ(devices->status().received, 3u);
    EXPECT_EQ(devices->status().dropped, 0u);
}

TEST(MidiDevices, RunningStatusAndSplitMessagesReachTheSinkWhole)
{
    JackServer jack;
    JackMidiClient keys(jack.name(), "bltest-keys");
    keys.addOutput("out");
    Collector collector;
    auto devices = makeDevices(jackOptions(jack, {"bltest-keys:out"}), collector);
    ASSERT_EQ(devices->status().inputs.size(), 1u);

    {
        Freewheeling all(keys);
        ASSERT_TRUE(keys.settle());
        ASSERT_TRUE(keys.play({0x90, 60, 100, 62, 100})); // one event, two note-ons by running status
        ASSERT_TRUE(keys.play({0x90, 64}));               // a note-on cut in two events
        ASSERT_TRUE(keys.play({100}));
        ASSERT_TRUE(keys.play({0xB0, 1})); // cut by a realtime byte, which comes out at once
        ASSERT_TRUE(keys.play({0xFA, 2}));
        ASSERT_TRUE(collector.waitFor(5)) << collector.got().size();
        ASSERT_TRUE(keys.waitCycles(4));
    }
    EXPECT_EQ(messages(collector.got()),
        (std::vector<midi::MidiMessage> {midi::noteOn(0, 60, 100), midi::noteOn(0, 62, 100), midi::noteOn(0, 64, 100),
            realtime(midi::kind::start), midi::controlChange(0, 1, 2)}));
    EXPECT_EQ(devices->status().parseDrops, 0u);
}

TEST(MidiDevices, SendReachesTheOutputDeviceByteForByte)
{
    JackServer jack;
    JackMidiClient synth(jack.name(), "bltest-synth");
    const std::string port = synth.addInput("in");
    Collector collector;
    auto devices = makeDevices(jackOptions(jack, {}, {"bltest-synth:in"}), collector);
    ASSERT_EQ(devices->status().outputs, std::vector<std::string> {port});

    {
        Freewheeling all(synth);
        ASSERT_TRUE(synth.settle());
        devices->send(midi::noteOn(2, 64, 90));
        devices->send(midi::controlChange(0, 1, 127));
        EXPECT_TRUE(devices->send(port, midi::programChange(3, 5)));
        EXPECT_FALSE(devices->send("bltest-synth:nothing", midi::programChange(3, 6)));
        ASSERT_TRUE(waitFor([&] { return synth.heard().size() >= 3; })) << synth.heard().size();
        ASSERT_TRUE(synth.waitCycles(4));
    }
    EXPECT_EQ(synth.heard(), (std::vector<Bytes> {{0x92, 64, 90}, {0xB0, 1, 127}, {0xC3, 5}}));
    EXPECT_EQ(devices->status().sendFailures, 0u);
}

TEST(MidiDevices, NeverOpensItsOwnPortsEvenWhenEverythingMatches)
{
    JackServer jack;
    JackMidiClient keys(jack.name(), "bltest-keys");
    const std::string keysOut = keys.addOutput("out");
    JackMidiClient synth(jack.name(), "bltest-synth");
    const std::string synthIn = synth.addInput("in");
    Collector collector;
    auto devices = makeDevices(jackOptions(jack, {".*"}, {".*"}), collector);
    devices->poll(); // a second look, now that our own ports exist
    devices->poll();

    const auto status = devices->status();
    EXPECT_EQ(status.inputs, std::vector<std::string> {keysOut});
    EXPECT_EQ(status.outputs, std::vector<std::string> {synthIn});

    // Our own ports exist (JACK names each RtMidi client "bltest-midi", "bltest-midi-01", …)
    // and none of them is connected to another of ours.
    PortLook look(jack.name());
    ASSERT_TRUE(look.open());
    jack_status_t st {};
    jack_client_t* lister = jack_client_open("bltest-lister", JackOptions(JackNoStartServer | JackServerName), &st,
        jack.name().c_str());
    ASSERT_NE(lister, nullptr);
    const char** ours = jack_get_ports(lister, ("^" + ourClient + "(-[0-9]+)?:").c_str(), JACK_DEFAULT_MIDI_TYPE, 0);
    ASSERT_NE(ours, nullptr);
    int count = 0;
    for (; ours[count]; ++count) {
        for (const std::string& peer : look.connections(ours[count]))
            EXPECT_NE(peer.rfind(ourClient, 0), 0u) << ours[count] << " is connected to our own " << peer;
    }
    jack_free(ours);
    jack_client_close(lister);
    EXPECT_EQ(count, 2); // one input, one output
    const auto keysPeers = look.connections(keysOut);
    ASSERT_EQ(keysPeers.size(), 1u);
    EXPECT_EQ(keysPeers[0].rfind(ourClient, 0), 0u) << keysPeers[0];

    // What goes out does not come back in.
    Freewheeling all(synth);
    ASSERT_TRUE(synth.settle());
    devices->send(midi::noteOn(0, 60, 1));
    ASSERT_TRUE(waitFor([&] { return synth.heard().size() == 1; }));
    ASSERT_TRUE(synth.waitCycles(4));
    EXPECT_TRUE(collector.got().empty());
}

TEST(MidiDevices, ABadPatternIsAClearErrorNamingIt)
{
    Collector collector;
    MidiDevices::Options options;
    options.api = MidiApi::Alsa; // no sequencer here: nothing is opened, the patterns are checked first
    options.inputPatterns = {"Launchpad.*", "(unclosed"};
    auto bad = MidiDevices::create(options, collector.sink());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::Midi);
    EXPECT_NE(bad.error().message.find("MIDI input pattern '(unclosed'"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("Unmatched ("), std::string::npos) << bad.error().message; // regerror's text

    options.inputPatterns = {"Launchpad.*"};
    options.outputPatterns = {"a[b"};
    bad = MidiDevices::create(options, collector.sink());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("MIDI output pattern 'a[b'"), std::string::npos) << bad.error().message;

    options.outputPatterns = {};
    auto devices = MidiDevices::create(options, collector.sink());
    ASSERT_TRUE(devices) << devices.error().message;
    auto changed = (*devices)->setPatterns({"ok"}, {"*oops"});
    ASSERT_FALSE(changed);
    EXPECT_NE(changed.error().message.find("MIDI output pattern '*oops'"), std::string::npos) << changed.error().message;
}

} // namespace
