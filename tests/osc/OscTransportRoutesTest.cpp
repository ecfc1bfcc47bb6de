// SPDX-License-Identifier: GPL-3.0-or-later
// The /transport/… routes over a real OSC server (against FakeTransport, which keeps the real
// rules): what each request answers, what a bad one is told, and what subscribers are sent.
#include "OscServerFixture.h"

#include <gtest/gtest.h>

#include <set>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

TEST_F(OscServerTest, TransportRequestsAnswerWhatTheyDid)
{
    auto c = client();
    auto played = ask(*c, "/transport/play");
    ASSERT_TRUE(played);
    EXPECT_EQ(played->address, "/transport/playing");
    auto position = ask(*c, "/transport/position");
    ASSERT_TRUE(position);
    EXPECT_EQ(position->address, "/transport/position");
    ASSERT_EQ(position->args.size(), 6u);
    EXPECT_EQ(position->text(5), "rolling");
    auto stopped = ask(*c, "/transport/stop");
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->address, "/transport/stopped");

    auto tempo = ask(*c, "/transport/tempo", {96.0f, 4.0f});
    ASSERT_TRUE(tempo);
    EXPECT_EQ(tempo->address, "/transport/tempo");
    EXPECT_FLOAT_EQ(float(tempo->number(0)), 96.0f);
    auto got = ask(*c, "/transport/tempo");
    ASSERT_TRUE(got);
    EXPECT_FLOAT_EQ(float(got->number(0)), 96.0f);

    auto meter = ask(*c, "/transport/meter", {7, 8});
    ASSERT_TRUE(meter);
    EXPECT_EQ(meter->address, "/transport/meter");
    EXPECT_EQ(meter->number(0), 7.0);
    EXPECT_EQ(meter->number(1), 8.0);
    auto readMeter = ask(*c, "/transport/meter");
    ASSERT_TRUE(readMeter);
    EXPECT_EQ(readMeter->number(0), 7.0);

    auto located = ask(*c, "/transport/locate", {std::string("17.3")});
    ASSERT_TRUE(located);
    EXPECT_EQ(located->address, "/transport/located");
    EXPECT_EQ(located->number(1), 17.0);
    EXPECT_EQ(located->number(2), 3.0);
    auto bySeconds = ask(*c, "/transport/locate", {12.5f});
    ASSERT_TRUE(bySeconds);
    EXPECT_EQ(bySeconds->address, "/transport/located");
    EXPECT_FLOAT_EQ(float(bySeconds->number(0)), 12.5f);
    const std::vector<std::string> expected {"play", "stop", "tempo", "meter", "locate bar", "locate"};
    EXPECT_EQ(target.fakeTransport.requests(), expected);
}

TEST_F(OscServerTest, BadTransportRequestsAreAnsweredWithAnErrorAndChangeNothing)
{
    auto c = client();
    expectRefused(*c, {
        {"/transport/tempo", {0.0f}, "from 20 to 400 BPM, got 0"},
        {"/transport/tempo", {10000.0f}, "got 10000"},
        {"/transport/tempo", {120.0f, -2.0f}, "glide"},
        {"/transport/tempo", {std::string("fast")}, "expects the tempo in BPM"},
        {"/transport/meter", {0, 0}, "1 to 64 beats"},
        {"/transport/meter", {4, 3}, "power of two"},
        {"/transport/meter", {4}, "two whole numbers"},
        {"/transport/meter", {4.5f, 4}, "two whole numbers"},
        {"/transport/locate", {-1.0f}, "got -1"},
        {"/transport/locate", {std::string("3")}, "is not a bar and beat"},
        {"/transport/locate", {std::string("3.x")}, "is not a bar and beat"},
        {"/transport/locate", {std::string("0.1")}, "is not a bar and beat"},
        {"/transport/locate", {std::string("2.9")}, "beat 9 is not in a bar of 4 beats"},
        {"/transport/locate", {}, "expects the time in seconds"},
        {"/transport/play", {1}, "takes no arguments"},
        {"/transport/position", {std::string("now")}, "takes no arguments"},
    });
    EXPECT_TRUE(target.fakeTransport.requests().empty()) << "nothing reached the transport";
}

TEST_F(OscServerTest, SubscribersHearEveryTransportChangeAndThePositionWhileItRolls)
{
    auto tablet = client();
    auto other = client();
    subscribe(*tablet);
    ASSERT_TRUE(tablet->receiveUntilPong()) << "whatever came with the subscription is read";
    ASSERT_TRUE(other->receiveUntilPong()) << "the other client is heard";
    other->send("/transport/play");
    auto changed = tablet->receiveUntil([](const RawMessage& m) { return m.address == "/status/transport"; }, 2000ms);
    ASSERT_TRUE(changed) << "the change reached the subscriber";
    std::set<std::string> addresses;
    for (const auto& m : *changed)
        addresses.insert(m.address);
    for (const char* a : {"/feedback/seq", "/transport/position", "/transport/tempo", "/transport/meter"})
        EXPECT_TRUE(addresses.count(a)) << a;
    EXPECT_EQ(changed->back().text(0), "rolling");
    // Rolling: the position keeps coming, ten a second, each in a numbered feedback packet.
    std::vector<std::int64_t> arrivals;
    while (arrivals.size() < 5) {
        auto m = tablet->receiveAddress("/transport/position", 2000ms);
        ASSERT_TRUE(m) << "the position keeps coming while rolling";
        arrivals.push_back(m->receivedNs);
    }
    EXPECT_GE(arrivals.back() - arrivals.front(), 4 * 90'000'000) << "not more often than ten a second";
    other->send("/transport/stop");
    auto stopped = tablet->receiveUntil([](const RawMessage& m) { return m.address == "/status/transport"; }, 2000ms);
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->back().text(0), "stopped");
}
