// SPDX-License-Identifier: GPL-3.0-or-later
// MidiDevices as ports and servers come and go: hot-plug at each poll, a JACK server that
// goes away and comes back, none at all. Through RtMidi's JACK API on a jackd dummy server.
#include "JackMidiClient.h"
#include "MidiDevicesRig.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

using namespace backline;
using namespace backline::control::midi;
using namespace backline::test;
using namespace std::chrono_literals;

TEST(MidiDevices, HotPlugOpensNewPortsAtTheNextPollAndLetsGoOfVanishedOnes)
{
    JackServer jack;
    Collector collector;
    auto keys = std::make_unique<JackMidiClient>(jack.name(), "bltest-keys");
    auto devices = makeDevices(jackOptions(jack, {"bltest-keys:.*"}), collector);
    EXPECT_TRUE(devices->status().inputs.empty());

    const std::string port = keys->addOutput("out");
    devices->poll();
    ASSERT_EQ(devices->status().inputs, std::vector<std::string> {port});
    {
        Freewheeling all(*keys); // no cycle, and no event, is skipped however busy the machine
        ASSERT_TRUE(keys->settle());
        ASSERT_TRUE(keys->play({0x90, 60, 100}));
        ASSERT_TRUE(collector.waitFor(1));
    }
    const std::uint32_t firstId = collector.got()[0].portId;

    keys->removeOutput();
    devices->poll();
    EXPECT_TRUE(devices->status().inputs.empty());

    // Back again: opened again, under a new id.
    keys->addOutput("out");
    devices->poll();
    ASSERT_EQ(devices->status().inputs, std::vector<std::string> {port});
    {
        Freewheeling all(*keys);
        ASSERT_TRUE(keys->settle());
        ASSERT_TRUE(keys->play({0x90, 61, 100}));
        ASSERT_TRUE(collector.waitFor(2));
    }
    const auto got = collector.got();
    EXPECT_EQ(got[1].message, midi::noteOn(0, 61, 100));
    EXPECT_NE(got[1].portId, firstId);

    // The whole client goes.
    keys.reset();
    devices->poll();
    EXPECT_TRUE(devices->status().inputs.empty());
    devices->poll();
    EXPECT_EQ(devices->status().api, "jack");
}

/// Counts the log lines at warning level or above that contain text.
std::size_t warningsWith(spdlog::sinks::ringbuffer_sink_mt& sink, const std::string& text)
{
    std::size_t n = 0;
    for (const auto& m : sink.last_raw())
        if (m.level >= spdlog::level::warn && std::string_view(m.payload.data(), m.payload.size()).find(text) != std::string_view::npos)
            ++n;
    return n;
}

TEST(MidiDevices, WithNeitherSequencerNorServerItRunsWithNoneSaysWhyOnceAndTriesAgain)
{
    const std::string nowhere = "bltest-nowhere-" + std::to_string(::getpid());
    ::setenv("JACK_DEFAULT_SERVER", nowhere.c_str(), 1);
    auto log = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(200);
    spdlog::default_logger()->sinks().push_back(log);

    Collector collector;
    MidiDevices::Options options; // Auto, no server named: libjack's default, $JACK_DEFAULT_SERVER
    options.clientName = ourClient;
    options.inputPatterns = {".*"};
    options.outputPatterns = {".*"};
    auto devices = makeDevices(options, collector);
    for (int i = 0; i < 5; ++i)
        devices->poll();
    devices->send(midi::noteOn(0, 60, 100));
    auto status = devices->status();
    EXPECT_EQ(status.api, "none");
    EXPECT_NE(status.reason.find("no ALSA sequencer"), std::string::npos) << status.reason;
    EXPECT_NE(status.reason.find("'" + nowhere + "'"), std::string::npos) << status.reason;
    EXPECT_TRUE(status.inputs.empty());
    EXPECT_EQ(warningsWith(*log, "no MIDI devices"), 1u);

    // A server comes up later: the next poll finds it.
    JackServer jack;
    JackMidiClient keys(jack.name(), "bltest-keys");
    const std::string port = keys.addOutput("out");
    ::setenv("JACK_DEFAULT_SERVER", jack.name().c_str(), 1);
    devices->poll();
    status = devices->status();
    EXPECT_EQ(status.api, "jack");
    EXPECT_EQ(status.reason, "");
    EXPECT_EQ(status.inputs, std::vector<std::string> {port});
    spdlog::default_logger()->sinks().pop_back();
}

TEST(MidiDevices, AJackServerThatGoesAwayLetsEveryPortGoUntilItIsBack)
{
    JackServer jack;
    auto keys = std::make_unique<JackMidiClient>(jack.name(), "bltest-keys");
    const std::string port = keys->addOutput("out");
    auto synth = std::make_unique<JackMidiClient>(jack.name(), "bltest-synth");
    const std::string synthIn = synth->addInput("in");
    Collector collector;
    auto devices = makeDevices(jackOptions(jack, {"bltest-keys:.*"}, {"bltest-synth:.*"}), collector);
    ASSERT_EQ(devices->status().inputs, std::vector<std::string> {port});
    ASSERT_EQ(devices->status().outputs, std::vector<std::string> {synthIn});

    jack.stop(SIGKILL);
    // JACK tells its clients when the server's socket closes; the watch hears it, and the
    // owner is asked to poll at once.
    ASSERT_TRUE(waitFor([&] { return devices->needsPoll(); }));
    devices->poll();
    auto status = devices->status();
    EXPECT_EQ(status.api, "none");
    EXPECT_NE(status.reason.find("went away"), std::string::npos) << status.reason;
    EXPECT_TRUE(status.inputs.empty());
    EXPECT_TRUE(status.outputs.empty());
    EXPECT_FALSE(devices->needsPoll());
    devices->send(midi::noteOn(0, 60, 100)); // nowhere to go, and no wait for a dead server
    // Every client of the dead server is closed before anything opens one again: libjack's
    // next jack_client_open would delete those still open under their owners (MidiDevices
    // did its part in the poll above).
    keys.reset();
    synth.reset();
    devices->poll();
    EXPECT_EQ(devices->status().api, "none");

    jack.restart();
    keys = std::make_unique<JackMidiClient>(jack.name(), "bltest-keys");
    keys->addOutput("out");
    synth = std::make_unique<JackMidiClient>(jack.name(), "bltest-synth");
    synth->addInput("in");
    ASSERT_TRUE(waitFor([&] {
        devices->poll();
        const auto s = devices->status();
        return s.inputs == std::vector<std::string> {port} && s.outputs == std::vector<std::string> {synthIn};
    }, defaultWait, 50ms));
    {
        Freewheeling all(*keys);
        ASSERT_TRUE(keys->settle());
        ASSERT_TRUE(keys->play({0x90, 60, 100}));
        ASSERT_TRUE(collector.waitFor(1));
        devices->send(midi::noteOff(0, 60));
        ASSERT_TRUE(waitFor([&] { return !synth->heard().empty(); }));
    }
    EXPECT_EQ(collector.got()[0].message, midi::noteOn(0, 60, 100));
    EXPECT_EQ(synth->heard(), (std::vector<Bytes> {{0x80, 60, 0}}));
}

} // namespace
