// SPDX-License-Identifier: GPL-3.0-or-later
// /state and /status describe what the session really has.
#include "OscLive.h"

#include <gtest/gtest.h>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(OscIntrospection, StateListsEveryParameterTheSessionHasWithItsDescription)
{
    LiveDaemon d(busSessionYaml);
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    c.send("/state");
    std::map<std::string, RawMessage> params;
    std::optional<RawMessage> end;
    while (auto m = c.receive()) {
        if (m->address == "/state/end") {
            end = m;
            break;
        }
        ASSERT_EQ(m->address, "/state/param");
        ASSERT_EQ(m->types, "sfsfffsf") << "address value unit min max default kind step";
        params[m->text(0)] = *m;
    }
    ASSERT_TRUE(end);
    EXPECT_EQ(std::size_t(end->number(0)), params.size());
    for (const char* address :
        {"/track/vox/gain", "/track/vox/pan", "/track/vox/mute", "/track/vox/solo", "/track/vox/trim",
            "/track/vox/polarity", "/track/vox/hpf/on", "/track/vox/eq/mid1/gain", "/track/vox/comp/threshold",
            "/track/vox/gate/threshold", "/track/vox/send/verb/level", "/track/vox/send/verb/pre",
            "/track/vox/route/master", "/track/vox/route/grp", "/track/vox/dsp/freq", "/bus/verb/gain", "/bus/verb/pan",
            "/bus/verb/mute", "/bus/verb/solo", "/bus/verb/solo_safe", "/bus/verb/dsp/decay", "/bus/grp/gain",
            "/master/gain", "/master/eq/on", "/master/comp/on", "/master/limiter/ceiling"})
        EXPECT_TRUE(params.count(address)) << address;
    EXPECT_FALSE(params.count("/bus/grp/dsp/decay")) << "a bus without a DSP has no dsp/ parameters";
    const auto& send = params.at("/track/vox/send/verb/level");
    EXPECT_FLOAT_EQ(float(send.number(1)), -12.0f);
    EXPECT_EQ(send.text(2), "dB");
    EXPECT_FLOAT_EQ(float(send.number(3)), -120.0f);
    EXPECT_FLOAT_EQ(float(send.number(4)), 12.0f);
    EXPECT_EQ(params.at("/track/vox/route/grp").text(6), "toggle");
    EXPECT_FLOAT_EQ(float(params.at("/track/vox/route/grp").number(1)), 1.0f);

    c.send("/state", {0, 5});
    int page = 0;
    while (auto m = c.receive()) {
        if (m->address == "/state/end") {
            EXPECT_EQ(std::size_t(m->number(0)), params.size());
            EXPECT_EQ(m->number(2), 5.0);
            break;
        }
        ++page;
    }
    EXPECT_EQ(page, 5);
}

TEST(OscIntrospection, StatusReportsRateBufferLoadTransportRecordingAndUptime)
{
    LiveDaemon d;
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    std::map<std::string, RawMessage> fields;
    std::optional<RawMessage> positional;
    for (const auto& [address, m] : readStatus(c)) {
        if (address == "/status")
            positional = m;
        else
            fields[address.substr(8)] = m;
    }
    ASSERT_TRUE(positional);
    EXPECT_EQ(positional->text(0), "it");
    EXPECT_EQ(fields.at("sample_rate").number(0), 48000.0);
    EXPECT_EQ(fields.at("buffer_size").number(0), 128.0);
    EXPECT_GE(fields.at("dsp_load").number(0), 0.0);
    EXPECT_LT(fields.at("dsp_load").number(0), 100.0);
    EXPECT_EQ(fields.at("transport").text(0), "stopped");
    const std::string recording = fields.at("recording").text(0);
    EXPECT_TRUE(recording == "unavailable" || recording == "idle" || recording == "recording") << recording;
    EXPECT_GT(fields.at("uptime").number(0), 0.0);
    EXPECT_EQ(fields.at("tracks").number(0), 1.0);
    EXPECT_EQ(fields.at("osc/clients").number(0), 2.0) << "the harness's liblo client and this one";
    for (const char* key : {"xruns", "dropped_commands", "buses", "osc/subscribers", "osc/meter_subscribers",
             "osc/tcp_connections", "osc/received", "osc/errors", "osc/dropped", "osc/blocked"})
        EXPECT_TRUE(fields.count(key)) << key;
}
