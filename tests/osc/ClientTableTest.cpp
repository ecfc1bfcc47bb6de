// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ClientTable.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

using namespace backline::control;

namespace {

constexpr std::int64_t second = 1000000000LL;

Endpoint udp(int port, const char* host = "127.0.0.1")
{
    Endpoint e;
    auto* in = reinterpret_cast<sockaddr_in*>(&e.address);
    in->sin_family = AF_INET;
    in->sin_port = htons(std::uint16_t(port));
    inet_pton(AF_INET, host, &in->sin_addr);
    e.addressLength = sizeof(sockaddr_in);
    return e;
}

/// Heard from at t and again a second later: established.
ClientState* established(ClientTable& table, const Endpoint& e, std::int64_t t)
{
    table.touch(e, t);
    return table.touch(e, t + second);
}

} // namespace

TEST(RateLimit, AllowsABurstThenTheRate)
{
    RateLimit limit(100.0, 10.0);
    int taken = 0;
    for (int i = 0; i < 50; ++i)
        taken += limit.take(1.0, second) ? 1 : 0;
    EXPECT_EQ(taken, 10);
    EXPECT_FALSE(limit.take(1.0, second));
    // A tenth of a second later: 10 more.
    taken = 0;
    for (int i = 0; i < 50; ++i)
        taken += limit.take(1.0, second + second / 10) ? 1 : 0;
    EXPECT_EQ(taken, 10);
}

TEST(ClientTable, TheSameEndpointIsTheSameClient)
{
    ClientTable table({.capacity = 8}, 100, 100, 1e6);
    ClientState* a = table.touch(udp(5000), 1);
    ClientState* b = table.touch(udp(5000), 2);
    EXPECT_EQ(a, b);
    EXPECT_NE(table.touch(udp(5001), 3), a);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EQ(a->name, "udp 127.0.0.1:5000");
}

TEST(ClientTable, SubscriptionsEndWhenNotRenewedAndIdleClientsAreForgotten)
{
    ClientTable table({.capacity = 8}, 100, 100, 1e6);
    ClientState* c = table.touch(udp(5000), 0);
    c->feedback.active = true;
    c->feedback.untilNs = 10 * second;
    table.touch(udp(5001), 0);
    EXPECT_EQ(table.expire(5 * second, 60 * second), 0u);
    EXPECT_EQ(table.subscribers(), 1u);
    EXPECT_EQ(table.expire(10 * second, 60 * second), 1u);
    EXPECT_EQ(table.subscribers(), 0u);
    EXPECT_EQ(table.size(), 2u);
    table.expire(100 * second, 60 * second);
    EXPECT_EQ(table.size(), 0u);
}

TEST(ClientTable, WhenFullAClientHeardOnceMakesRoomBeforeAnEstablishedOne)
{
    ClientTable table({.capacity = 3}, 100, 100, 1e6);
    ClientState* subscriber = established(table, udp(1), 0);
    subscriber->feedback.active = true;
    subscriber->feedback.untilNs = 1000 * second;
    established(table, udp(2), 0);
    table.touch(udp(3), 5 * second); // heard once, and the most recent
    std::string evicted;
    ASSERT_NE(table.touch(udp(4), 6 * second, &evicted), nullptr);
    EXPECT_EQ(evicted, "udp 127.0.0.1:3");
    EXPECT_EQ(table.find(udp(3)), nullptr);
    ASSERT_NE(table.touch(udp(5), 7 * second, &evicted), nullptr);
    EXPECT_EQ(evicted, "udp 127.0.0.1:4") << "newcomers push each other out, not the established";
    table.touch(udp(5), 9 * second); // now established too
    ASSERT_NE(table.touch(udp(6), 10 * second, &evicted), nullptr);
    EXPECT_EQ(evicted, "udp 127.0.0.1:2") << "then the longest idle established client without a subscription";
    EXPECT_NE(table.find(udp(1)), nullptr) << "an established subscriber goes last";
    EXPECT_EQ(table.evictions(), 3u);
}

TEST(ClientTable, ANewClientGetsInEvenWhenEveryClientIsAnEstablishedSubscriber)
{
    ClientTable table({.capacity = 2}, 100, 100, 1e6);
    for (int port : {1, 2}) {
        ClientState* c = established(table, udp(port), port * second);
        c->meters.active = true;
        c->meters.untilNs = 1000 * second;
    }
    std::string evicted;
    ASSERT_NE(table.touch(udp(3), 10 * second, &evicted), nullptr);
    EXPECT_EQ(evicted, "udp 127.0.0.1:1") << "the longest idle";
    EXPECT_EQ(table.size(), 2u);
}

TEST(ClientTable, AFloodFromThrowawayPortsOfOneAddressPushesOutOnlyItsOwnClients)
{
    ClientTable table({.capacity = 32, .perAddress = 4}, 100, 100, 1e6);
    for (int port = 1; port <= 3; ++port)
        table.touch(udp(port, "192.168.1.20"), 0); // a tablet's ports, heard once each
    for (int port = 1000; port < 3000; ++port) {
        ClientState* c = table.touch(udp(port, "192.168.1.66"), second + port);
        ASSERT_NE(c, nullptr);
        c->feedback.active = true; // each asks for a subscription
        c->feedback.untilNs = 1000 * second;
    }
    EXPECT_EQ(table.clientsOf(PeerAddress::of(udp(0, "192.168.1.66"))), 4u);
    for (int port = 1; port <= 3; ++port)
        EXPECT_NE(table.find(udp(port, "192.168.1.20")), nullptr) << port;
    EXPECT_EQ(table.size(), 7u);
    EXPECT_EQ(table.evictions(), 2000u - 4u);
}

TEST(ClientTable, AFullTableMakesRoomFromTheAddressHoldingTheMost)
{
    ClientTable table({.capacity = 8, .perAddress = 8}, 100, 100, 1e6);
    for (int port = 1; port <= 6; ++port)
        table.touch(udp(port, "10.0.0.66"), 10 * second + port); // newer than the others
    table.touch(udp(1, "10.0.0.2"), 0);
    table.touch(udp(1, "10.0.0.3"), 0);
    std::string evicted;
    ASSERT_NE(table.touch(udp(1, "10.0.0.4"), 20 * second, &evicted), nullptr);
    EXPECT_EQ(evicted, "udp 10.0.0.66:1") << "not the longest idle of all, but from the address holding six";
    EXPECT_NE(table.find(udp(1, "10.0.0.2")), nullptr);
    EXPECT_NE(table.find(udp(1, "10.0.0.3")), nullptr);
}

TEST(ClientTable, TheReplyBudgetIsSharedByAnAddressesPortsAndRefillsAtItsRate)
{
    ClientTable table({}, 100, 100, 10000);
    table.touch(udp(1), second);
    EXPECT_TRUE(table.takeReplyBytes(udp(1), 6000, second));
    EXPECT_FALSE(table.takeReplyBytes(udp(2), 6000, second)) << "another port of the same address";
    EXPECT_TRUE(table.takeReplyBytes(udp(1, "127.0.0.2"), 6000, second)) << "another address has its own";
    EXPECT_NEAR(table.replyBytesAvailable(udp(3), second), 4000.0, 1.0);
    EXPECT_TRUE(table.takeReplyBytes(udp(2), 6000, second + second / 5)) << "2,000 bytes back after 0.2 s";
    table.setReplyRate(1000);
    EXPECT_LE(table.replyBytesAvailable(udp(1), second + second / 5), 1000.0);
}
