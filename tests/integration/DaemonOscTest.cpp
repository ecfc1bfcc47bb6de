// SPDX-License-Identifier: GPL-3.0-or-later
// backlined on a real jackd (dummy backend), steered by a real liblo client, heard by a real
// JACK client in the test.
#include "LiveDaemon.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(DaemonOsc, PingIsAnsweredWithPongToTheSender)
{
    LiveDaemon d;
    auto reply = d.osc->request("/ping");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/pong");
}

TEST(DaemonOsc, AddressWithoutArgumentRepliesItsCurrentValue)
{
    LiveDaemon d;
    auto reply = d.osc->request("/track/tone/dsp/freq");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/track/tone/dsp/freq");
    EXPECT_FLOAT_EQ(reply->number(0), 1000.0f);
}

TEST(DaemonOsc, SetThenGetReturnsTheNewValueForTrackAndMaster)
{
    LiveDaemon d;
    d.osc->sendFloat("/track/tone/gain", -7.5f);
    d.osc->sendFloat("/master/gain", -2.0f);
    d.osc->sendFloat("/track/tone/pan", 0.25f);
    lo_message m = lo_message_new();
    lo_message_add_int32(m, 1);
    d.osc->send("/track/tone/mute", m);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -7.5f);
    EXPECT_FLOAT_EQ(d.osc->request("/master/gain")->number(0), -2.0f);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/pan")->number(0), 0.25f);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/mute")->number(0), 1.0f);
}

TEST(DaemonOsc, EveryInvalidMessageRepliesErrorAndChangesNothing)
{
    LiveDaemon d;
    d.osc->sendFloat("/track/tone/gain", -3.0f);
    ASSERT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -3.0f);

    auto expectError = [&](const std::string& address, lo_message m, const std::string& fragment) {
        d.osc->send(address, m);
        auto reply = d.osc->receive();
        ASSERT_TRUE(reply) << address;
        EXPECT_EQ(reply->address, "/error") << address;
        EXPECT_EQ(reply->text(0), address);
        EXPECT_NE(reply->text(1).find(fragment), std::string::npos) << reply->text(1);
    };
    expectError("/track/tone/gian", lo_message_new(), "did you mean '/track/tone/gain'");
    expectError("/nowhere", lo_message_new(), "unknown address");
    lo_message s = lo_message_new();
    lo_message_add_string(s, "loud");
    expectError("/track/tone/gain", s, "expects a number");
    lo_message two = lo_message_new();
    lo_message_add_float(two, 1.0f);
    lo_message_add_float(two, 2.0f);
    expectError("/track/tone/gain", two, "one number");
    lo_message big = lo_message_new();
    lo_message_add_float(big, 40.0f);
    expectError("/track/tone/gain", big, "out of range");
    lo_message nan = lo_message_new();
    lo_message_add_float(nan, std::nanf(""));
    expectError("/track/tone/gain", nan, "finite");
    lo_message half = lo_message_new();
    lo_message_add_float(half, 0.5f);
    expectError("/track/tone/mute", half, "0 or 1");
    expectError("/track/nobody/gain", lo_message_new(), "unknown parameter");

    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -3.0f);
    EXPECT_FLOAT_EQ(d.osc->request("/track/tone/mute")->number(0), 0.0f);
    EXPECT_TRUE(d.process->running());
}

TEST(DaemonOsc, GainChangeOverOscChangesTheMeasuredOutputByTheCommandedDb)
{
    LiveDaemon d;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    // Freewheeling captures: no xrun can drop a block from them, and the 300 ms skipped after
    // the change (the strip's smoothing settles well within it) are 300 ms of audio, however
    // slow the machine.
    auto [before, unusedR] = listener.captureFreewheeling(24000);
    d.osc->sendFloat("/track/tone/gain", -10.0f);
    ASSERT_FLOAT_EQ(d.osc->request("/track/tone/gain")->number(0), -10.0f);
    auto [after, unusedR2] = listener.captureFreewheeling(24000, 14400);
    ASSERT_GT(before.size(), 4800u);
    ASSERT_GT(after.size(), 4800u);
    EXPECT_NEAR(rmsDb(before), -26.02, 0.1);
    EXPECT_NEAR(rmsDb(after) - rmsDb(before), -10.0, 0.1);
}

TEST(DaemonOsc, MasterOutputsAreConnectedToThePhysicalPlaybackPorts)
{
    LiveDaemon d;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    jack_port_t* out = jack_port_by_name(listener.client(), "backline:out_L");
    ASSERT_NE(out, nullptr);
    const char** connections = jack_port_get_all_connections(listener.client(), out);
    ASSERT_NE(connections, nullptr);
    bool toPlayback = false;
    for (int i = 0; connections[i]; ++i)
        toPlayback = toPlayback || std::string(connections[i]) == "system:playback_1";
    jack_free(connections);
    EXPECT_TRUE(toPlayback);
}

TEST(DaemonOsc, StatusReportsTheJackRateAndBufferSize)
{
    LiveDaemon d;
    auto reply = d.osc->request("/status");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/status");
    EXPECT_EQ(reply->text(0), "it");
    EXPECT_EQ(reply->number(1), 48000.0f);
    EXPECT_EQ(reply->number(2), 128.0f);
}

TEST(DaemonOsc, SigtermStopsTheDaemonCleanly)
{
    LiveDaemon d;
    d.process->signal(SIGTERM);
    auto code = d.process->wait(5000ms);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << d.process->output();
}
