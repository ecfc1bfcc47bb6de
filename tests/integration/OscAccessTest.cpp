// SPDX-License-Identifier: GPL-3.0-or-later
// Access control: a client outside osc.allow gets no reply and changes nothing.
#include "OscLive.h"

#include <gtest/gtest.h>

#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(OscAccess, AClientOutsideTheAllowedListGetsNoReplyAndChangesNothing)
{
    // 127.0.0.2 is this machine too (all of 127/8 is loopback) but not on the list.
    LiveDaemon d(std::string(toneSessionYaml) + "osc:\n  allow: [127.0.0.1, ::1]\n");
    RawOscClient stranger(RawOscClient::Kind::Udp, d.osc_port, "127.0.0.2");
    RawOscClient strangerTcp(RawOscClient::Kind::TcpLengthPrefix, d.osc_port, "127.0.0.2");
    RawOscClient friendly(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(friendly).empty());

    for (auto* c : {&stranger, &strangerTcp}) {
        c->send("/ping");
        c->send("/track/tone/gain", {-40.0f});
        c->send("/subscribe");
        c->send("/meters/subscribe", {30.0f});
        c->send("/session/reload");
        c->sendBundle(1, {{"/track/tone/mute", {1}}});
        c->send("/nonsense");
    }
    EXPECT_TRUE(stranger.receiveFor(500ms).empty());
    EXPECT_TRUE(strangerTcp.receiveFor(100ms).empty());
    for (const auto& m : friendly.receiveFor(100ms))
        EXPECT_FALSE(m.address.starts_with("/track/")) << "nothing changed, so no feedback: " << m.address;
    EXPECT_FLOAT_EQ(float(friendly.request("/track/tone/gain")->number(0)), 0.0f);
    EXPECT_FLOAT_EQ(float(friendly.request("/track/tone/mute")->number(0)), 0.0f);
    friendly.send("/status");
    auto blocked = friendly.receiveAddress("/status/osc/blocked");
    ASSERT_TRUE(blocked);
    EXPECT_GE(blocked->number(0), 7.0) << "the UDP packets are counted (the TCP connection is refused at once)";
    EXPECT_NE(d.process->output().find("outside the allowed addresses"), std::string::npos) << "and logged";
}

TEST(OscAccess, IPv6LoopbackIsAllowedByDefault)
{
    LiveDaemon d;
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port, "::1", "::1");
    auto reply = c.request("/ping");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/pong");
}

TEST(OscAccess, AnInvalidAllowEntryIsASessionErrorWithItsPosition)
{
    TempDir dir;
    const auto session = dir.write("s.yaml", std::string(toneSessionYaml) + "osc:\n  allow: [127.0.0.1, 10.0.0.0/33]\n");
    JackServer jack;
    Process p({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name()},
        dir.path() / "log");
    auto code = p.wait(10000ms);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 2);
    EXPECT_NE(p.output().find("s.yaml:8:"), std::string::npos) << p.output();
    EXPECT_NE(p.output().find("0 to 32"), std::string::npos) << p.output();
}
