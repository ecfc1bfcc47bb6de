// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server pushing to subscribers: the snapshot, feedback, leases, meter streams.
#include "OscServerFixture.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

TEST_F(OscServerTest, ANewSubscriberFirstGetsTheWholeStateNumbered)
{
    target.changeFromElsewhere("/track/b/pan", 0.25f);
    auto c = client();
    c->send("/subscribe");
    auto ack = c->receive();
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->address, "/subscribed");
    EXPECT_FLOAT_EQ(float(ack->number(0)), 10.0f) << "default expiry";
    std::vector<RawMessage> snapshot;
    while (auto m = c->receive(500ms)) {
        snapshot.push_back(*m);
        if (m->address == "/snapshot/end")
            break;
    }
    ASSERT_GE(snapshot.size(), 3u);
    EXPECT_EQ(snapshot[0].address, "/feedback/seq");
    EXPECT_EQ(snapshot[0].number(0), 1.0);
    EXPECT_EQ(snapshot[1].address, "/snapshot/begin");
    const auto count = std::size_t(snapshot[1].number(0));
    EXPECT_EQ(count, target.all().size());
    std::set<std::string> addresses;
    for (const auto& m : snapshot) {
        EXPECT_TRUE(m.inBundle);
        if (m.address.starts_with("/track/") || m.address.starts_with("/master/"))
            addresses.insert(m.address);
        if (m.address == "/track/b/pan") {
            EXPECT_FLOAT_EQ(float(m.number(0)), 0.25f);
        }
    }
    EXPECT_EQ(addresses.size(), count);
}

TEST_F(OscServerTest, AChangeFromOneClientReachesEverySubscriberAndIsEchoedToTheSender)
{
    auto a = client();
    auto b = client(RawOscClient::Kind::TcpLengthPrefix);
    subscribe(*a);
    subscribe(*b);
    const auto sent = nowNs();
    a->send("/track/a/gain", {-12.0f});
    for (auto* c : {a.get(), b.get()}) {
        auto m = c->receiveAddress("/track/a/gain", 500ms);
        ASSERT_TRUE(m);
        EXPECT_FLOAT_EQ(float(m->number(0)), -12.0f);
        EXPECT_LT(m->receivedNs - sent, 20'000'000 + 30'000'000) << "within one feedback interval (20 ms) and slack";
    }
}

TEST_F(OscServerTest, AChangeMadeElsewhereIsPushedToo)
{
    auto a = client();
    subscribe(*a);
    target.changeFromElsewhere("/master/gain", -1.5f); // as MIDI or a scene recall would
    auto m = a->receiveAddress("/master/gain", 500ms);
    ASSERT_TRUE(m);
    EXPECT_FLOAT_EQ(float(m->number(0)), -1.5f);
}

TEST_F(OscServerTest, AFastFaderIsCoalescedAndEndsAtTheFinalValue)
{
    auto fader = client();
    auto tablet = client();
    subscribe(*tablet);
    const auto start = nowNs();
    for (int i = 0; i <= 1000; ++i) {
        fader->send("/track/a/gain", {float(-100.0 + 0.1 * i)});
        while (nowNs() - start < std::int64_t(i) * 1'000'000)
            std::this_thread::sleep_for(100us);
    }
    // Everything up to the final value (feedback that came while the fader moved waits in the
    // socket), then whatever more came until the server answered a ping: nothing after it.
    auto got = tablet->receiveUntil(
        [](const RawMessage& m) { return m.address == "/track/a/gain" && m.number(0) == 0.0; }, 5000ms);
    ASSERT_TRUE(got) << "the final value reached the subscriber";
    auto after = tablet->receiveUntilPong();
    ASSERT_TRUE(after);
    got->insert(got->end(), after->begin(), after->end());
    std::vector<float> values;
    std::set<std::uint64_t> packets;
    std::vector<double> sequence;
    for (const auto& m : *got) {
        if (m.address == "/track/a/gain") {
            values.push_back(float(m.number(0)));
            packets.insert(m.packet);
        }
        if (m.address == "/feedback/seq")
            sequence.push_back(m.number(0));
    }
    ASSERT_FALSE(values.empty());
    EXPECT_FLOAT_EQ(values.back(), 0.0f);
    EXPECT_LE(values.size(), 70u) << "1,001 changes in a second at 50 packets a second";
    EXPECT_GE(values.size(), 20u);
    ASSERT_EQ(sequence.size(), packets.size()) << "every feedback packet is numbered";
    for (std::size_t i = 1; i < sequence.size(); ++i)
        EXPECT_EQ(sequence[i], sequence[i - 1] + 1) << "no gap in the numbering";
    EXPECT_EQ(target.value("/track/a/gain"), 0.0f);
}

TEST_F(OscServerTest, ASubscriberThatDoesNotRenewGetsNothingAfterExpiry)
{
    auto a = client();
    auto quiet = client();
    const auto subscribed = nowNs();
    subscribe(*quiet, {1.0f});
    a->send("/track/a/pan", {0.5f});
    EXPECT_TRUE(quiet->receiveAddress("/track/a/pan", 500ms)) << "alive before expiry";
    // The lease's second passing is the subject: wait for the server to end it, not a guess.
    ASSERT_TRUE(waitFor([&] { return server->counters().subscribers == 0; })) << "the subscription ended";
    EXPECT_GE(nowNs() - subscribed, 1'000'000'000) << "not before its second";
    // a subscribes now: once a's own change comes back to it, the server has pushed that
    // change to every subscriber it has; quiet's /pong after it shows quiet's socket works.
    subscribe(*a);
    a->send("/track/a/pan", {-0.5f});
    ASSERT_TRUE(a->receiveAddress("/track/a/pan", 500ms));
    auto after = quiet->receiveUntilPong();
    ASSERT_TRUE(after) << "quiet is still answered";
    for (const auto& m : *after)
        EXPECT_NE(m.address, "/track/a/pan");
}

TEST_F(OscServerTest, RenewingKeepsTheSubscriptionWithoutAnotherSnapshot)
{
    auto a = client();
    auto witness = client();
    subscribe(*a, {2.0f});
    subscribe(*witness);
    a->send("/subscribe", {2.0f});
    EXPECT_TRUE(a->receiveAddress("/subscribed"));
    // A snapshot goes out with the acknowledgement, so it would be here before the /pong.
    auto renewed = a->receiveUntilPong();
    ASSERT_TRUE(renewed);
    for (const auto& m : *renewed)
        EXPECT_NE(m.address, "/snapshot/begin");
    a->send("/unsubscribe");
    EXPECT_TRUE(a->receiveAddress("/unsubscribed"));
    target.changeFromElsewhere("/track/c/gain", -2.0f);
    // Once the witness has the change, every subscriber has been sent it.
    ASSERT_TRUE(witness->receiveAddress("/track/c/gain", 500ms));
    auto after = a->receiveUntilPong();
    ASSERT_TRUE(after);
    for (const auto& m : *after)
        EXPECT_NE(m.address, "/track/c/gain");
}

TEST_F(OscServerTest, MetersStreamAtTheAskedRateInEachFormat)
{
    auto a = client();
    a->send("/meters/subscribe", {20.0f});
    auto ack = a->receiveAddress("/meters/subscribed");
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->text(1), "levels");
    auto got = a->receiveFor(520ms);
    int packets = 0;
    for (const auto& m : got)
        packets += m.address == "/meters/seq" ? 1 : 0;
    EXPECT_GE(packets, 8);
    EXPECT_LE(packets, 13);
    bool master = false;
    for (const auto& m : got)
        if (m.address == "/meters/master") {
            master = true;
            EXPECT_EQ(m.args.size(), 4u);
        }
    EXPECT_TRUE(master);

    auto b = client();
    b->send("/meters/subscribe", {10.0f, std::string("blob"), 5.0f});
    EXPECT_TRUE(b->receiveAddress("/meters/subscribed"));
    auto names = b->receive();
    ASSERT_TRUE(names);
    EXPECT_EQ(names->address, "/meters/names");
    EXPECT_EQ(names->text(3), "master");
    auto blob = b->receiveAddress("/meters/blob");
    ASSERT_TRUE(blob);
    EXPECT_EQ(std::get<std::vector<std::uint8_t>>(blob->args[0]).size(), 12u + 3 * 16 + 20);

    a->send("/meters/unsubscribe");
    EXPECT_TRUE(a->receiveAddress("/meters/unsubscribed"));
    // Two more of b's packets (10 a second) span more than one of a's intervals (20 a second).
    ASSERT_TRUE(b->receiveAddress("/meters/blob"));
    ASSERT_TRUE(b->receiveAddress("/meters/blob"));
    auto after = a->receiveUntilPong();
    ASSERT_TRUE(after);
    for (const auto& m : *after)
        EXPECT_NE(m.address, "/meters/seq");
}

TEST_F(OscServerTest, AReloadRunsOffTheOscThreadAndSubscribersGetAFreshSnapshot)
{
    // The reload cannot finish until the test lets it: a /pong meanwhile shows the OSC thread
    // answers while a reload runs, however slow the machine.
    std::promise<void> finish;
    target.reloadGate = finish.get_future().share();
    struct Release { // a failed assertion below must not leave the reload waiting forever
        std::promise<void>& finish;
        bool done = false;
        ~Release()
        {
            if (!done)
                finish.set_value();
        }
    } release {finish};
    auto a = client();
    auto b = client();
    subscribe(*b);
    a->send("/session/reload");
    ASSERT_TRUE(test::waitFor([&] { return target.reloadStarted.load(); }));
    auto pong = b->request("/ping");
    ASSERT_TRUE(pong) << "the OSC thread answers while the reload runs";
    EXPECT_EQ(pong->address, "/pong");
    EXPECT_EQ(target.reloads.load(), 0);
    finish.set_value();
    release.done = true;
    auto done = a->receiveAddress("/session/reloaded");
    ASSERT_TRUE(done);
    EXPECT_EQ(done->text(0), "fake-reloaded") << "the name the reload gave, not a status read beside it";
    EXPECT_TRUE(b->receiveAddress("/snapshot/begin"));
}
