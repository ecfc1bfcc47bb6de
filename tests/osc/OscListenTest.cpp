// SPDX-License-Identifier: GPL-3.0-or-later
// Listening to single parameters (/listen, /ignore; OSCQuery's LISTEN and IGNORE): the value
// now, then that parameter's changes only, for the connection's life.
#include "OscServerFixture.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

bool has(const std::vector<RawMessage>& messages, const std::string& address)
{
    return std::any_of(messages.begin(), messages.end(), [&](const RawMessage& m) { return m.address == address; });
}

} // namespace

TEST_F(OscServerTest, AListenerGetsTheValueNowThenThatParametersChangesOnly)
{
    target.changeFromElsewhere("/track/a/gain", -3.0f);
    auto listener = client(RawOscClient::Kind::TcpLengthPrefix);
    auto fader = client();
    listener->send("/listen", {std::string("/track/a/gain")});
    auto now = listener->receiveAddress("/track/a/gain");
    ASSERT_TRUE(now);
    EXPECT_FLOAT_EQ(float(now->number(0)), -3.0f);

    fader->send("/track/a/gain", {-12.0f});
    fader->send("/track/b/pan", {0.5f});
    auto change = listener->receiveAddress("/track/a/gain");
    ASSERT_TRUE(change);
    EXPECT_FLOAT_EQ(float(change->number(0)), -12.0f);
    // Made elsewhere (a scene, MIDI) too.
    target.changeFromElsewhere("/track/a/gain", -20.0f);
    auto elsewhere = listener->receiveAddress("/track/a/gain");
    ASSERT_TRUE(elsewhere);
    EXPECT_FLOAT_EQ(float(elsewhere->number(0)), -20.0f);
    // No subscription: nothing else, not the pan, no /feedback/seq.
    const auto rest = listener->receiveUntilPong();
    ASSERT_TRUE(rest);
    EXPECT_FALSE(has(*rest, "/track/b/pan"));
    EXPECT_FALSE(has(*rest, "/feedback/seq"));
    EXPECT_FALSE(has(*rest, "/snapshot/begin"));
}

TEST_F(OscServerTest, IgnoreEndsAListenAndListeningTwiceIsOneListen)
{
    auto listener = client(RawOscClient::Kind::TcpSlip);
    auto fader = client();
    listener->send("/listen", {std::string("/track/a/gain")});
    listener->send("/listen", {std::string("/track/a/gain")});
    listener->send("/listen", {std::string("/master/gain")});
    ASSERT_TRUE(listener->receiveAddress("/master/gain"));
    fader->send("/track/a/gain", {-6.0f});
    auto once = listener->receiveUntil([](const RawMessage& m) { return m.address == "/track/a/gain" && m.number(0) == -6.0; });
    ASSERT_TRUE(once);
    listener->send("/ignore", {std::string("/track/a/gain")});
    ASSERT_TRUE(listener->receiveUntilPong()); // the ignore is done
    fader->send("/track/a/gain", {-9.0f});
    fader->send("/master/gain", {-1.0f});
    auto master = listener->receiveUntil([](const RawMessage& m) { return m.address == "/master/gain" && m.number(0) == -1.0; });
    ASSERT_TRUE(master) << "the other listen goes on";
    const auto rest = listener->receiveUntilPong();
    ASSERT_TRUE(rest);
    auto after = *master;
    after.insert(after.end(), rest->begin(), rest->end());
    for (const auto& m : after)
        EXPECT_FALSE(m.address == "/track/a/gain" && m.number(0) == -9.0) << "ignored, yet sent";
}

TEST_F(OscServerTest, BadListensAreRefusedWithAReason)
{
    auto udp = client();
    udp->send("/listen", {std::string("/track/a/gain")});
    auto overUdp = udp->receiveAddress("/error");
    ASSERT_TRUE(overUdp);
    EXPECT_NE(overUdp->text(1).find("connection"), std::string::npos) << overUdp->text(1);

    auto tcp = client(RawOscClient::Kind::TcpLengthPrefix);
    tcp->send("/listen", {std::string("/track/nobody/gain")});
    auto unknown = tcp->receiveAddress("/error");
    ASSERT_TRUE(unknown);
    EXPECT_NE(unknown->text(1).find("no parameter /track/nobody/gain"), std::string::npos) << unknown->text(1);
    tcp->send("/listen");
    auto none = tcp->receiveAddress("/error");
    ASSERT_TRUE(none);
    EXPECT_NE(none->text(1).find("one string"), std::string::npos) << none->text(1);
    tcp->send("/listen", {1.0f});
    ASSERT_TRUE(tcp->receiveAddress("/error"));
    tcp->send("/ignore", {std::string("/track/a/gain"), std::string("/master/gain")});
    ASSERT_TRUE(tcp->receiveAddress("/error"));
    // None of it made a listen.
    auto fader = client();
    fader->send("/track/a/gain", {-7.0f});
    ASSERT_TRUE(fader->receiveUntilPong());
    const auto rest = tcp->receiveUntilPong();
    ASSERT_TRUE(rest);
    EXPECT_FALSE(has(*rest, "/track/a/gain"));
}

TEST_F(OscServerTest, AfterAReloadAListenerIsSentTheValuesAgain)
{
    auto listener = client(RawOscClient::Kind::TcpLengthPrefix);
    listener->send("/listen", {std::string("/master/gain")});
    ASSERT_TRUE(listener->receiveAddress("/master/gain"));
    auto admin = client();
    admin->send("/session/reload");
    ASSERT_TRUE(admin->receiveAddress("/session/reloaded", 10s));
    EXPECT_TRUE(listener->receiveAddress("/master/gain", 5s)) << "the value after the reload";
}
