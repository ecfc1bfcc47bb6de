// SPDX-License-Identifier: GPL-3.0-or-later
// Reloading the session while audio runs: a broken DSP keeps the running graph; a good edit
// takes effect with its new parameters and ports.
#include "LiveDaemon.h"
#include "Signal.h"

#include <gtest/gtest.h>

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
