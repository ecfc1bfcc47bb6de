// SPDX-License-Identifier: GPL-3.0-or-later
// A MIDI controller on stage: backlined on a real jackd (dummy backend) opens a test client's
// JACK MIDI ports through RtMidi's JACK API (this machine has no ALSA sequencer), its knobs and
// pads move parameters, the tablet's changes come back to it as feedback, learn binds a knob
// and the save writes it to the session file.
#include "JackMidiClient.h"
#include "LiveDaemon.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>
#include <fstream>
#include <sstream>

using namespace backline::test;

namespace {

const std::string controllerYaml = R"(backline: 1
name: controller
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
midi:
  api: jack
  inputs: ["bltest-ctl:out"]
  outputs: ["bltest-ctl:in"]
  map:
    - {cc: 7, to: /track/tone/gain, curve: linear, min: -60, max: 0, pickup: false}
    - {note: 36, channel: 10, to: /track/tone/mute}
)";

/// The parameter's value as the daemon answers it over OSC.
float valueOf(LiveDaemon& d, const std::string& address)
{
    d.osc->send(address);
    auto reply = d.osc->receiveAddress(address); // past late replies to earlier reads
    return reply && !reply->args.empty() ? reply->number(0) : -999.0f;
}

/// Whether the controller heard bytes.
bool heard(JackMidiClient& ctl, const Bytes& bytes)
{
    const auto all = ctl.heard();
    return std::find(all.begin(), all.end(), bytes) != all.end();
}

// A non-real-time jackd on a busy machine may skip a late client's cycle, and the MIDI in it
// with it: what the controller plays is played again until it lands, and feedback waited for
// is asked for again (the value moved away and back), each within a deadline.
constexpr int tries = 5;
constexpr auto perTry = std::chrono::seconds(3);

/// Plays bytes until address reads value.
bool playUntil(LiveDaemon& d, JackMidiClient& ctl, const Bytes& bytes, const std::string& address, float value)
{
    for (int i = 0; i < tries; ++i) {
        if (!ctl.play(bytes))
            return false;
        if (waitFor([&] { return valueOf(d, address) == value; }, perTry))
            return true;
    }
    return false;
}

/// Sets address to value over OSC until the controller hears bytes (moving it to away and back
/// between tries, so the feedback is sent anew).
bool feedbackUntil(LiveDaemon& d, JackMidiClient& ctl, const std::string& address, float value, float away,
    const Bytes& bytes)
{
    for (int i = 0; i < tries; ++i) {
        d.osc->sendFloat(address, value);
        if (waitFor([&] { return heard(ctl, bytes); }, perTry))
            return true;
        d.osc->sendFloat(address, away);
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // past the gesture hold and the rate
    }
    return false;
}

} // namespace

TEST(DaemonMidiControl, AControllerMovesParametersAndFollowsTheTablet)
{
    LiveDaemon d(controllerYaml);
    JackMidiClient ctl(d.jack.name(), "bltest-ctl");
    ctl.addOutput("out");
    ctl.addInput("in");
    // The daemon looks for new ports once a second.
    ASSERT_TRUE(waitFor([&] {
        auto status = d.osc->request("/midi/status");
        return status && status->text(0) == "jack" && status->number(2) == 1.0f && status->number(3) == 1.0f;
    }, std::chrono::seconds(20))) << d.process->output();

    // At load the controller is told where the session is: gain 0 dB is the top of cc 7. (Sent
    // once: a skipped cycle could lose it, so a second chance comes from the tablet below.)
    const bool toldAtLoad = waitFor([&] { return heard(ctl, {0xB0, 7, 127}); }, perTry);

    ASSERT_TRUE(playUntil(d, ctl, {0xB0, 7, 0}, "/track/tone/gain", -60.0f)) << d.process->output();
    ASSERT_TRUE(playUntil(d, ctl, {0xB0, 7, 127}, "/track/tone/gain", 0.0f));

    // The pad on channel 1 does nothing; on channel 10 it toggles the mute.
    ASSERT_TRUE(ctl.play({0x90, 36, 100}));
    ASSERT_TRUE(ctl.play({0x80, 36, 0}));
    bool faded = false; // then the fader, on the same port: once it moved, the pad was taken in
    for (int i = 0; i < tries && !faded; ++i) {
        ASSERT_TRUE(ctl.play({0xB0, 7, 64}));
        faded = waitFor([&] { return valueOf(d, "/track/tone/gain") != 0.0f; }, perTry);
    }
    ASSERT_TRUE(faded);
    EXPECT_EQ(valueOf(d, "/track/tone/mute"), 0.0f) << "channel 1's pad is not the mapped one";
    bool muted = false;
    for (int i = 0; i < tries && !muted; ++i) {
        ASSERT_TRUE(ctl.play({0x99, 36, 100}));
        ASSERT_TRUE(ctl.play({0x89, 36, 0}));
        muted = waitFor([&] { return valueOf(d, "/track/tone/mute") == 1.0f; }, perTry);
    }
    ASSERT_TRUE(muted);

    // A tablet moves the fader: the controller follows (-30 dB is the middle: 63.5 rounds up).
    ASSERT_TRUE(feedbackUntil(d, ctl, "/track/tone/gain", -30.0f, -10.0f, {0xB0, 7, 64}))
        << "the tablet's change came back";
    // And the pad's light follows the mute: a note-on of velocity 0 on its channel is off.
    ASSERT_TRUE(feedbackUntil(d, ctl, "/track/tone/mute", 0.0f, 1.0f, {0x99, 36, 0}));
    if (!toldAtLoad)
        std::printf("[ note ] the value sent at load was not heard (a skipped JACK cycle?)\n");
    EXPECT_TRUE(d.process->running());
}

TEST(DaemonMidiControl, LearnBindsAKnobAndTheSaveWritesIt)
{
    LiveDaemon d(controllerYaml);
    JackMidiClient ctl(d.jack.name(), "bltest-ctl");
    ctl.addOutput("out");
    ASSERT_TRUE(waitFor([&] {
        auto status = d.osc->request("/midi/status");
        return status && status->number(2) == 1.0f;
    }, std::chrono::seconds(20))) << d.process->output();

    lo_message learn = lo_message_new();
    lo_message_add_string(learn, "/track/tone/pan");
    d.osc->send("/midi/learn", learn);
    auto waiting = d.osc->receiveAddress("/midi/learn");
    ASSERT_TRUE(waiting);
    bool learned = false;
    for (int i = 0; i < tries && !learned; ++i) {
        ASSERT_TRUE(ctl.play({0xB2, 21, 100}));
        learned = waitFor([&] {
            auto status = d.osc->request("/midi/status");
            return status && status->args.size() > 7 && status->text(7).empty();
        }, perTry);
    }
    ASSERT_TRUE(learned) << "the learn was answered";
    // Soft takeover: the knob sweeps through pan 0 (the middle) and so picks it up, whichever
    // of its messages a skipped cycle loses.
    bool panned = false;
    for (int i = 0; i < tries && !panned; ++i) {
        ASSERT_TRUE(ctl.play({0xB2, 21, 0}));
        ASSERT_TRUE(ctl.play({0xB2, 21, 127}));
        panned = waitFor([&] { return valueOf(d, "/track/tone/pan") == 1.0f; }, perTry);
    }
    ASSERT_TRUE(panned);

    d.osc->send("/session/save");
    auto saved = d.osc->receiveAddress("/session/saved", std::chrono::seconds(10)); // past late replies to the gets
    ASSERT_TRUE(saved) << d.process->output();
    std::ifstream in(d.session);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("{cc: 21, channel: 3, to: /track/tone/pan}"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("{cc: 7, to: /track/tone/gain"), std::string::npos) << "the session's own stay";
}

TEST(DaemonMidiControl, ASessionWithABadMappingIsRefusedWithThePlace)
{
    TempDir dir;
    const auto session = dir.write("bad.yaml",
        "backline: 1\ntracks:\n  - {name: tone, dsp: tone}\nmidi:\n  map:\n    - {cc: 7, to: /track/tone/gian}\n");
    JackServer jack;
    Process p({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(), "--osc-port",
                  std::to_string(freeOscPort()), "--cache-dir", (dir.path() / "cache").string()},
        dir.path() / "log");
    const auto code = p.wait(std::chrono::seconds(30));
    ASSERT_TRUE(code) << p.output();
    EXPECT_EQ(*code, 2) << p.output();
    EXPECT_NE(p.output().find("bad.yaml:6:7: in 'midi.map', cc:7: unknown parameter '/track/tone/gian' (did you mean "
                              "'/track/tone/gain'?)"),
        std::string::npos)
        << p.output();
}

TEST(DaemonMidiControl, TheControllerComesBackWithAKilledJackServer)
{
    using namespace std::chrono_literals;
    LiveDaemon d(controllerYaml);
    auto midiInputs = [&] {
        auto status = d.osc->request("/midi/status");
        return status && status->args.size() > 3 ? int(status->number(2)) : -1;
    };
    {
        JackMidiClient ctl(d.jack.name(), "bltest-ctl");
        ctl.addOutput("out");
        ASSERT_TRUE(waitFor([&] { return midiInputs() == 1; }, 20s)) << d.process->output();
        d.jack.stop(SIGKILL); // as if jackd crashed; the test's client dies with it
    }
    // The daemon and its MIDI clients let the dead server go, and OSC answers meanwhile.
    ASSERT_TRUE(waitFor([&] { return midiInputs() == 0; }, 10s)) << d.process->output();
    d.jack.restart();
    JackMidiClient ctl(d.jack.name(), "bltest-ctl");
    ctl.addOutput("out");
    ASSERT_TRUE(waitFor([&] { return midiInputs() == 1; }, 20s)) << d.process->output();
    ASSERT_TRUE(playUntil(d, ctl, {0xB0, 7, 0}, "/track/tone/gain", -60.0f)) << d.process->output();
    EXPECT_TRUE(d.process->running());
}

TEST(DaemonMidiControl, AHardwareKeyboardThroughRtMidiPlaysItsInstrumentOnItsChannel)
{
    const std::string yaml = "backline: 1\nname: keyboard\ntracks:\n"
                             "  - name: keys\n    dsp: " BACKLINE_TEST_DATA_DIR "/faust/voice_dc.dsp\n"
                             "    channels: 2\n    voices: 4\n"
                             "    midi: {channel: 1, devices: [\"bltest-keys:out\"]}\n"
                             "midi:\n  api: jack\n";
    LiveDaemon d(yaml);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    JackMidiClient keys(d.jack.name(), "bltest-keys");
    keys.addOutput("out");
    ASSERT_TRUE(waitFor([&] {
        auto status = d.osc->request("/midi/status");
        return status && status->text(0) == "jack" && status->number(2) == 1.0f;
    }, std::chrono::seconds(20))) << d.process->output();
    ASSERT_TRUE(keys.settle());

    // voice_dc plays its velocity as a level while the key is down.
    auto level = [&] {
        auto [left, right] = listener.capture(std::chrono::milliseconds(100));
        return left.empty() ? -1.0f : left.back();
    };
    // A key on channel 2 is not this instrument's; then channel 1's is (played again until a
    // cycle a non-real-time jackd skipped no longer loses it).
    ASSERT_TRUE(keys.play({0x91, 64, 127}));
    bool sounded = false;
    for (int i = 0; i < tries && !sounded; ++i) {
        ASSERT_TRUE(keys.play({0x90, 60, 64}));
        sounded = waitFor([&] { return std::fabs(level() - 64.0f / 127.0f) < 1e-3f; }, perTry);
    }
    ASSERT_TRUE(sounded) << "the keyboard's note played the instrument at its velocity\n" << d.process->output();
    bool released = false;
    for (int i = 0; i < tries && !released; ++i) {
        ASSERT_TRUE(keys.play({0x80, 60, 0}));
        released = waitFor([&] { return std::fabs(level()) < 1e-4f; }, perTry);
    }
    EXPECT_TRUE(released);
    EXPECT_TRUE(d.process->running());
}
