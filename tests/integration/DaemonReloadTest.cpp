// SPDX-License-Identifier: GPL-3.0-or-later
// Reloading the session while audio runs: a broken DSP keeps the running graph; a good edit
// takes effect with its new parameters and ports.
#include "LiveDaemon.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(DaemonReload, BrokenDspAtReloadKeepsTheRunningGraphAndSaysWhy)
{
    LiveDaemon d;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    d.osc->sendFloat("/track/tone/gain", -4.0f);
    d.dir.write("broken.dsp", "process = oops;\n");
    d.dir.write("session.yaml", "backline: 1\nname: it\ntracks:\n  - name: other\n    dsp: broken.dsp\n");
    auto reply = d.osc->request("/session/reload", 30s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/error");
    EXPECT_NE(reply->text(1).find("broken.dsp"), std::string::npos) << reply->text(1);
    EXPECT_NE(reply->text(1).find("oops"), std::string::npos) << reply->text(1);
    // Still the old graph, with the value set before the failed reload, still sounding.
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -4.0f);
    auto [l, r] = listener.capture(300ms);
    EXPECT_NEAR(rmsDb(l), -30.02, 0.2);
}

TEST(DaemonReload, GoodEditTakesEffectWithNewTracksAndPorts)
{
    LiveDaemon d;
    d.dir.write("session.yaml", "backline: 1\nname: edited\ntracks:\n  - name: tone\n    dsp: tone\n"
                                "  - name: vox\n    channels: 2\n");
    auto reply = d.osc->request("/session/reload", 30s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/session/reloaded") << reply->text(1);
    EXPECT_EQ(reply->text(0), "edited");
    auto vox = d.osc->request("/track/vox/gain");
    ASSERT_TRUE(vox);
    EXPECT_EQ(vox->address, "/track/vox/gain");
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    EXPECT_NE(jack_port_by_name(listener.client(), "backline:vox_in_1"), nullptr);
    EXPECT_NE(jack_port_by_name(listener.client(), "backline:vox_in_2"), nullptr);
}

TEST(DaemonReload, SighupReloadsTheSession)
{
    LiveDaemon d;
    d.dir.write("session.yaml", "backline: 1\nname: hup\ntracks:\n  - name: tone\n    dsp: tone\n    gain: -11\n");
    d.process->signal(SIGHUP);
    for (int i = 0; i < 100; ++i) {
        if (d.osc->request("/track/tone/gain")->number(0) == -11.0f)
            break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -11.0f);
}

TEST(DaemonReload, RestartLoadsJitDspFromTheMachineCodeCache)
{
    TempDir shared;
    const std::string yaml = "backline: 1\ntracks:\n  - name: dc\n    dsp: " BACKLINE_TEST_DATA_DIR "/faust/dc_level.dsp\n";
    std::string firstLog, secondLog;
    for (int run = 0; run < 2; ++run) {
        JackServer jack;
        TempDir dir;
        auto session = dir.write("s.yaml", yaml);
        const int port = freeOscPort();
        Process p({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(), "--osc-port",
                      std::to_string(port), "--cache-dir", (shared.path() / "cache").string()},
            dir.path() / "log");
        OscClient osc(port);
        ASSERT_TRUE(osc.waitForPong(20s)) << p.output();
        (run == 0 ? firstLog : secondLog) = p.output();
    }
    EXPECT_NE(firstLog.find("compiled"), std::string::npos) << firstLog;
    EXPECT_NE(secondLog.find("loaded cached"), std::string::npos) << secondLog;
}

namespace {

/// Waits until address reads value (a reload without a reply, by SIGHUP), up to timeout.
bool waitForValue(OscClient& osc, const std::string& address, float value, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto m = osc.request(address); m && m->address == address && m->number(0) == value)
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

} // namespace

// Issue 16 fault 6 (issue 10 item 6, the reload rule): after a soak the output jumped from -75 to
// -30 dBFS on a reload of an unchanged file, every value set live thrown away. A reload keeps the
// live value of each parameter the file did not change, and takes the file's value where it did.
TEST(DaemonReload, AReloadKeepsValuesSetLiveThatTheFileDidNotChangeAndTakesTheFilesWhereItDid)
{
    LiveDaemon d; // a 1 kHz tone at -20 dBFS, the track's gain 0 dB (the file says nothing of it)
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    // The soak: the track pulled down and the tone moved, live.
    d.osc->sendFloat("/track/tone/gain", -45.0f);
    d.osc->sendFloat("/track/tone/dsp/freq", 500.0f);
    ASSERT_TRUE(waitForValue(*d.osc, "/track/tone/gain", -45.0f, 5s));
    ASSERT_TRUE(waitForValue(*d.osc, "/track/tone/dsp/freq", 500.0f, 5s));
    // Levels are measured freewheeling, after 200 ms of audio (the 20 ms smoothing, a reload's
    // 30 ms crossfade): a busy machine's stalled JACK cannot cut a glide short or drop a block.
    const auto settled = [&] { return toneDbMedian(listener.captureFreewheeling(48000, 9600).first, 500.0, 48000.0); };
    const double live = settled();
    ASSERT_LT(live, -60.0) << "the live value did not reach the output";

    // Reload of the unchanged file, listened to throughout: no block rises toward the file's level.
    // The reload is asked for 8 of JACK's cycles into the listening, which goes on in 100 ms
    // pieces until the reload has answered and then for 300 ms of audio more (its crossfade is
    // 30 ms), however long a busy machine takes over either.
    std::optional<OscMessage> reply;
    std::atomic<bool> answered {false};
    std::thread reload([&] {
        OscClient osc(d.osc_port);
        listener.waitCycles(8);
        reply = osc.request("/session/reload", 30s);
        answered = true;
    });
    std::vector<float> during;
    const auto listen = [&](std::chrono::milliseconds length) {
        const auto piece = listener.capture(length).first;
        during.insert(during.end(), piece.begin(), piece.end());
    };
    while (!answered)
        listen(100ms);
    listen(300ms);
    reload.join();
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/reloaded") << reply->text(1);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -45.0f);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/dsp/freq")->number(0), 500.0f);
    ASSERT_FALSE(during.empty());
    // -20 dBFS peak (the tone) - 3 dB (centre pan) - 45 dB; the file's values would be 45 dB louder.
    EXPECT_LT(peakDb(during), live + 3.0 + 1.0) << "the level jumped during the reload";
    EXPECT_NEAR(settled(), live, 0.2);

    // The file changes the gain (to -10 dB) and still says nothing of the frequency: by SIGHUP.
    d.dir.write("session.yaml", std::string(toneSessionYaml) + "    gain: -10\n");
    d.process->signal(SIGHUP);
    ASSERT_TRUE(waitForValue(*d.osc, "/track/tone/gain", -10.0f, 30s)) << d.process->output();
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/dsp/freq")->number(0), 500.0f) << "kept: the file did not change it";
    EXPECT_NEAR(settled(), live + 35.0, 0.3);

    // And a value the file changed and was then set live is kept at the next reload of that file.
    d.osc->sendFloat("/track/tone/gain", -30.0f);
    ASSERT_TRUE(waitForValue(*d.osc, "/track/tone/gain", -30.0f, 5s));
    reply = d.osc->request("/session/reload", 30s);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/reloaded") << reply->text(1);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -30.0f);
}
