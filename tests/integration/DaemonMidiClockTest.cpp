// SPDX-License-Identifier: GPL-3.0-or-later
// backline's own JACK MIDI ports on a real jackd (dummy backend): the transport's beat clock on
// backline:clock_out, frame by frame as a drum machine hears it, and a controller on
// backline:midi_in / midi_out moving a parameter and following the tablet.
#include "JackMidiClient.h"
#include "LiveDaemon.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <thread>

using namespace backline::test;

namespace {

const std::string clockYaml = R"(backline: 1
name: clock
transport: {tempo: 120}
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
midi:
  clock: {out: true, while_stopped: false}
  map:
    - {cc: 7, to: /track/tone/gain, curve: linear, min: -60, max: 0, pickup: false}
)";

constexpr std::uint8_t tick = 0xF8, start = 0xFA, resume = 0xFB, stop = 0xFC, songPosition = 0xF2;

/// The events of status heard so far.
std::vector<JackMidiClient::Timed> eventsOf(JackMidiClient& c, std::uint8_t status)
{
    std::vector<JackMidiClient::Timed> found;
    for (auto& e : c.heardTimed())
        if (!e.bytes.empty() && e.bytes[0] == status)
            found.push_back(e);
    return found;
}

/// Ticks heard after frame.
std::vector<std::uint64_t> ticksAfter(JackMidiClient& c, std::uint64_t frame)
{
    std::vector<std::uint64_t> frames;
    for (const auto& e : eventsOf(c, tick))
        if (e.frame >= frame)
            frames.push_back(e.frame);
    return frames;
}

float valueOf(LiveDaemon& d, const std::string& address)
{
    d.osc->send(address);
    auto reply = d.osc->receiveAddress(address);
    return reply && !reply->args.empty() ? reply->number(0) : -999.0f;
}

} // namespace

TEST(DaemonMidiClock, TheBeatClockFollowsTheTransportFrameByFrame)
{
    LiveDaemon d(clockYaml);
    JackMidiClient drums(d.jack.name(), "bltest-drums");
    drums.addInput("in");
    ASSERT_TRUE(drums.connect("backline:clock_out", "bltest-drums:in"));
    ASSERT_TRUE(drums.settle());
    // Freewheeling, JACK runs every client every cycle: no cycle of either is skipped, so the
    // frames the drum machine counts are the engine's, whatever the machine's load.
    Freewheeling freewheel(drums);

    d.osc->send("/transport/play");
    ASSERT_TRUE(waitFor([&] { return eventsOf(drums, tick).size() >= 100; })) << d.process->output();
    d.osc->send("/transport/stop");
    ASSERT_TRUE(waitFor([&] { return !eventsOf(drums, stop).empty(); }));

    const auto starts = eventsOf(drums, start);
    ASSERT_EQ(starts.size(), 1u) << "a start from bar 1 is MIDI's Start";
    const std::uint64_t started = starts[0].frame;
    const std::uint64_t stopped = eventsOf(drums, stop)[0].frame;
    auto ticks = ticksAfter(drums, started);
    ticks.erase(std::remove_if(ticks.begin(), ticks.end(), [&](std::uint64_t f) { return f >= stopped; }), ticks.end());
    ASSERT_GE(ticks.size(), 100u);
    EXPECT_EQ(ticks[0], started) << "the first tick is on Start's frame";
    for (std::size_t k = 1; k < ticks.size(); ++k)
        ASSERT_EQ(ticks[k] - ticks[k - 1], 1000u) << "tick " << k << ": 120 BPM at 48 kHz is 1,000 frames a tick";
    EXPECT_LT(stopped - ticks.back(), 1000u);

    // Rolling on from where it stopped: Song Position (the next sixteenth), Continue, and the
    // first tick on that sixteenth's frame.
    d.osc->send("/transport/play");
    ASSERT_TRUE(waitFor([&] { return !eventsOf(drums, resume).empty() && ticksAfter(drums, stopped).size() >= 10; }));
    d.osc->send("/transport/stop");
    const auto positions = eventsOf(drums, songPosition);
    ASSERT_FALSE(positions.empty());
    const auto& position = positions.back();
    ASSERT_EQ(position.bytes.size(), 3u);
    const std::uint64_t sixteenth = position.bytes[1] | (std::uint64_t(position.bytes[2]) << 7);
    const std::uint64_t stoppedAt = stopped - started; // the transport's frame where it stood
    EXPECT_EQ(sixteenth, (stoppedAt + 5999) / 6000) << "6,000 frames a sixteenth";
    const std::uint64_t continued = eventsOf(drums, resume).back().frame;
    EXPECT_EQ(position.frame, continued);
    const auto after = ticksAfter(drums, continued);
    ASSERT_GE(after.size(), 10u);
    EXPECT_EQ(after[0], continued + sixteenth * 6000 - stoppedAt) << "the first tick is the sixteenth's";
    for (std::size_t k = 1; k < 10; ++k)
        ASSERT_EQ(after[k] - after[k - 1], 1000u);
    EXPECT_EQ(drums.overflows(), 0u) << "every event heard was read";
    EXPECT_TRUE(d.process->running());
}

TEST(DaemonMidiClock, AControllerOnTheSessionsOwnPortsMovesAParameterAndFollowsTheTablet)
{
    LiveDaemon d(clockYaml);
    JackMidiClient ctl(d.jack.name(), "bltest-ctl");
    ctl.addOutput("out");
    ctl.addInput("in");
    ASSERT_TRUE(ctl.connect("bltest-ctl:out", "backline:midi_in"));
    ASSERT_TRUE(ctl.connect("backline:midi_out", "bltest-ctl:in"));
    ASSERT_TRUE(ctl.settle());
    // A skipped cycle of a non-real-time jackd loses its MIDI: played again until it lands.
    bool moved = false;
    for (int i = 0; i < 5 && !moved; ++i) {
        ASSERT_TRUE(ctl.play({0xB0, 7, 0}));
        moved = waitFor([&] { return valueOf(d, "/track/tone/gain") == -60.0f; }, std::chrono::seconds(3));
    }
    ASSERT_TRUE(moved) << d.process->output();

    bool followed = false;
    for (int i = 0; i < 5 && !followed; ++i) {
        d.osc->sendFloat("/track/tone/gain", -30.0f);
        followed = waitFor([&] {
            const auto all = ctl.heard();
            return std::find(all.begin(), all.end(), Bytes {0xB0, 7, 64}) != all.end();
        }, std::chrono::seconds(3));
        if (!followed) {
            d.osc->sendFloat("/track/tone/gain", -10.0f);
            std::this_thread::sleep_for(std::chrono::milliseconds(300)); // past the gesture hold
        }
    }
    EXPECT_TRUE(followed) << "the tablet's change came back on backline:midi_out";
    EXPECT_TRUE(d.process->running());
}

TEST(DaemonMidiClock, AnExternalClockOnMidiInLeadsTheTransport)
{
    const std::string yaml = "backline: 1\nname: follower\ntracks:\n  - {name: tone, dsp: tone}\n"
                             "midi:\n  clock: {in: true}\n";
    LiveDaemon d(yaml);
    JackMidiClient master(d.jack.name(), "bltest-master");
    master.addOutput("out");
    ASSERT_TRUE(master.connect("bltest-master:out", "backline:midi_in"));
    ASSERT_TRUE(master.settle());
    Freewheeling freewheel(master); // every cycle of both clients runs: no tick is lost
    // Start, then a tick every 8 cycles of 128 frames: 1,024 frames, 117.1875 BPM.
    ASSERT_TRUE(master.play({0xFA}));
    for (int k = 0; k < 100; ++k) {
        ASSERT_TRUE(master.play({0xF8}));
        for (int gap = 0; gap < 7; ++gap)
            ASSERT_TRUE(master.play({}));
    }
    ASSERT_TRUE(waitFor([&] { return master.played(); }));
    auto position = d.osc->request("/transport/position");
    ASSERT_TRUE(position && position->args.size() >= 6) << d.process->output();
    EXPECT_EQ(position->text(5), "rolling");
    EXPECT_NEAR(position->number(4), 117.1875, 0.05);

    ASSERT_TRUE(master.play({0xFC}));
    ASSERT_TRUE(waitFor([&] { return master.played(); }));
    ASSERT_TRUE(master.waitCycles(4));
    position = d.osc->request("/transport/position");
    ASSERT_TRUE(position && position->args.size() >= 6);
    EXPECT_EQ(position->text(5), "stopped");
    EXPECT_TRUE(d.process->running());
}
