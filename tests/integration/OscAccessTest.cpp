// SPDX-License-Identifier: GPL-3.0-or-later
// Access control: a client outside osc.allow gets no reply and changes nothing.
#include "OscLive.h"
#include "WaitFor.h"

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
    // The daemon reads its UDP socket in order: the stranger's datagrams were handled before
    // this /status, and whatever it would have answered them is in the stranger's socket now.
    const auto status = readStatus(friendly);
    ASSERT_TRUE(status.count("/status/osc/blocked"));
    EXPECT_GE(status.at("/status/osc/blocked").number(0), 7.0)
        << "the UDP packets are counted (the TCP connection is refused at once)";
    EXPECT_TRUE(stranger.receiveFor(0ms).empty());
    EXPECT_TRUE(strangerTcp.receiveFor(0ms).empty());
    EXPECT_TRUE(strangerTcp.closedByPeer()) << "the connection was closed unheard";
    // A change of friendly's own comes back with any other change made since it subscribed.
    friendly.send("/track/tone/pan", {0.25f});
    auto fed = friendly.receiveThrough("/track/tone/pan", 1000ms);
    ASSERT_TRUE(fed) << "friendly gets feedback";
    for (const auto& m : *fed)
        EXPECT_TRUE(m.address == "/track/tone/pan" || !m.address.starts_with("/track/"))
            << "the stranger changed nothing, so no feedback: " << m.address;
    EXPECT_FLOAT_EQ(float(friendly.request("/track/tone/gain")->number(0)), 0.0f);
    EXPECT_FLOAT_EQ(float(friendly.request("/track/tone/mute")->number(0)), 0.0f);
    EXPECT_NE(d.process->output().find("outside the allowed addresses"), std::string::npos) << "and logged";

    // The control: a reload that lets the address in, and the same socket is answered.
    d.dir.write("session.yaml", std::string(toneSessionYaml) + "osc:\n  allow: [127.0.0.1, 127.0.0.2, ::1]\n");
    friendly.send("/session/reload");
    ASSERT_TRUE(friendly.receiveAddress("/session/reloaded", 30s)) << d.process->output();
    EXPECT_TRUE(waitFor([&] { return stranger.request("/ping", 100ms).has_value(); }))
        << "the stranger's socket works, once its address is allowed";
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
