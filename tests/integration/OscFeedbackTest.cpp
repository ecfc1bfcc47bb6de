// SPDX-License-Identifier: GPL-3.0-or-later
// Feedback to every client: backlined on jackd dummy, real UDP and TCP clients.
#include "OscLive.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// The default feedback interval: 50 packets a second.
constexpr std::int64_t intervalNs = 20'000'000;
/// What a loaded test machine may add to it.
constexpr std::int64_t slackNs = 40'000'000;

} // namespace

TEST(OscFeedback, AChangeFromClientAReachesSubscribedClientBAndIsEchoedToA)
{
    LiveDaemon d;
    RawOscClient a(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient b(RawOscClient::Kind::TcpLengthPrefix, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(a).empty());
    ASSERT_FALSE(subscribeAndReadSnapshot(b).empty());
    const auto sent = nowNs();
    a.send("/track/tone/gain", {-12.5f});
    for (auto* c : {&b, &a}) {
        auto m = c->receiveAddress("/track/tone/gain", 1000ms);
        ASSERT_TRUE(m);
        EXPECT_FLOAT_EQ(float(m->number(0)), -12.5f);
        EXPECT_TRUE(m->inBundle);
        EXPECT_LT(m->receivedNs - sent, intervalNs + slackNs);
    }
}

TEST(OscFeedback, AChangeByAClientThatDidNotSubscribeIsPushedToSubscribers)
{
    // Stands in for MIDI and scene recalls (not in this version): a change made elsewhere.
    LiveDaemon d;
    RawOscClient tablet(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient elsewhere(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(tablet).empty());
    elsewhere.send("/master/gain", {-3.0f});
    auto m = tablet.receiveAddress("/master/gain", 1000ms);
    ASSERT_TRUE(m);
    EXPECT_FLOAT_EQ(float(m->number(0)), -3.0f);
    // The change has gone out to subscribers; the sender, answered since, got none of it.
    auto toSender = elsewhere.receiveUntilPong();
    ASSERT_TRUE(toSender) << "the sender is answered";
    for (const auto& other : *toSender)
        EXPECT_NE(other.address, "/master/gain") << "only subscribers get feedback";
}

TEST(OscFeedback, AClientThatStopsRenewingGetsNothingAfterExpiry)
{
    LiveDaemon d;
    RawOscClient a(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient dead(RawOscClient::Kind::Udp, d.osc_port);
    const auto subscribed = nowNs();
    ASSERT_FALSE(subscribeAndReadSnapshot(dead, {1.0f}).empty());
    a.send("/track/tone/pan", {0.5f});
    ASSERT_TRUE(dead.receiveAddress("/track/tone/pan", 1000ms)) << "alive before expiry";
    // The lease's second passing is the subject: wait until the daemon counts no subscriber.
    const auto subscribers = [&] {
        const auto status = readStatus(a);
        const auto it = status.find("/status/osc/subscribers");
        return it == status.end() ? -1.0 : it->second.number(0);
    };
    ASSERT_TRUE(waitFor([&] { return subscribers() == 0.0; }, 10s, 50ms)) << "still " << subscribers() << " subscribers";
    EXPECT_GE(nowNs() - subscribed, 1'000'000'000) << "not before its second";
    // a subscribes now: once its own last change comes back to it, the daemon has pushed both
    // changes to every subscriber it has. dead's /pong after that shows its socket works.
    ASSERT_FALSE(subscribeAndReadSnapshot(a).empty());
    a.send("/track/tone/pan", {-0.5f});
    a.send("/track/tone/gain", {-4.0f});
    ASSERT_TRUE(a.receiveAddress("/track/tone/gain", 1000ms));
    auto after = dead.receiveUntilPong();
    ASSERT_TRUE(after) << "dead is still answered";
    for (const auto& m : *after)
        EXPECT_FALSE(m.address.starts_with("/track/")) << m.address;
}

TEST(OscFeedback, AFaderSweptWithAThousandMessagesInASecondArrivesCoalescedEndingAtTheFinalValue)
{
    LiveDaemon d;
    RawOscClient fader(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient tablet(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(tablet).empty());
    const auto start = nowNs();
    for (int i = 0; i < 1000; ++i) {
        fader.send("/track/tone/gain", {float(-99.9 + 0.1 * i)});
        while (nowNs() - start < std::int64_t(i) * 1'000'000)
            std::this_thread::sleep_for(50us);
    }
    const float last = float(-99.9 + 0.1 * 999);
    // Everything up to the final value (what came while the fader moved waits in the socket),
    // then whatever more came until the daemon answered a ping: nothing after it.
    auto got = tablet.receiveUntil(
        [&](const RawMessage& m) { return m.address == "/track/tone/gain" && std::abs(m.number(0) - last) < 1e-3; }, 5000ms);
    ASSERT_TRUE(got) << "the final value reached the subscriber";
    auto after = tablet.receiveUntilPong();
    ASSERT_TRUE(after);
    got->insert(got->end(), after->begin(), after->end());
    std::vector<float> values;
    std::vector<double> sequence;
    for (const auto& m : *got) {
        if (m.address == "/track/tone/gain")
            values.push_back(float(m.number(0)));
        else if (m.address == "/feedback/seq")
            sequence.push_back(m.number(0));
    }
    ASSERT_FALSE(values.empty());
    EXPECT_NEAR(values.back(), last, 1e-3);
    EXPECT_GE(values.size(), 25u);
    EXPECT_LE(values.size(), 70u) << "coalesced to the 50 packets a second a subscriber gets";
    ASSERT_GE(sequence.size(), values.size()) << "every feedback packet is numbered";
    for (std::size_t i = 1; i < sequence.size(); ++i)
        EXPECT_EQ(sequence[i], sequence[i - 1] + 1) << "numbered without gaps";
    EXPECT_NEAR(float(fader.request("/track/tone/gain")->number(0)), last, 1e-3);
}

TEST(OscFeedback, ANewSubscriberFirstReceivesTheFullState)
{
    LiveDaemon d(busSessionYaml);
    RawOscClient a(RawOscClient::Kind::Udp, d.osc_port);
    a.send("/track/vox/send/verb/level", {-6.0f});
    a.send("/bus/grp/mute", {1});
    const auto state = readState(a);
    ASSERT_GT(state.size(), 50u);
    RawOscClient late(RawOscClient::Kind::Udp, d.osc_port);
    const auto snapshot = subscribeAndReadSnapshot(late);
    EXPECT_EQ(snapshot, state);
    EXPECT_FLOAT_EQ(snapshot.at("/track/vox/send/verb/level"), -6.0f);
    EXPECT_FLOAT_EQ(snapshot.at("/bus/grp/mute"), 1.0f);
}

TEST(OscFeedback, AReloadSendsEverySubscriberTheNewState)
{
    LiveDaemon d;
    RawOscClient tablet(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(tablet).empty());
    tablet.send("/session/reload");
    auto begin = tablet.receiveAddress("/snapshot/begin", 10000ms);
    ASSERT_TRUE(begin);
    auto reloaded = tablet.receiveAddress("/session/reloaded", 10000ms);
    EXPECT_TRUE(reloaded);
}
