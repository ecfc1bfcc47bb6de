// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ClientTable.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

using namespace backline::control;

namespace {

constexpr std::int64_t second = 1000000000LL;

Endpoint udp(int port)
{
    Endpoint e;
    auto* in = reinterpret_cast<sockaddr_in*>(&e.address);
    in->sin_family = AF_INET;
    in->sin_port = htons(std::uint16_t(port));
    inet_pton(AF_INET, "127.0.0.1", &in->sin_addr);
    e.addressLength = sizeof(sockaddr_in);
    return e;
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
    ClientTable table(8, 100, 100);
    ClientState* a = table.touch(udp(5000), 1);
    ClientState* b = table.touch(udp(5000), 2);
    EXPECT_EQ(a, b);
    EXPECT_NE(table.touch(udp(5001), 3), a);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EQ(a->name, "udp 127.0.0.1:5000");
}

TEST(ClientTable, SubscriptionsEndWhenNotRenewedAndIdleClientsAreForgotten)
{
    ClientTable table(8, 100, 100);
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

TEST(ClientTable, WhenFullTheLongestIdleNonSubscriberMakesRoom)
{
    ClientTable table(2, 100, 100);
    ClientState* subscriber = table.touch(udp(1), 0);
    subscriber->feedback.active = true;
    subscriber->feedback.untilNs = 1000 * second;
    table.touch(udp(2), 1);
    ASSERT_NE(table.touch(udp(3), 2), nullptr);
    EXPECT_NE(table.find(udp(1)), nullptr) << "subscribers are kept";
    EXPECT_EQ(table.find(udp(2)), nullptr);
    table.find(udp(3))->meters.active = true;
    table.find(udp(3))->meters.untilNs = 1000 * second;
    EXPECT_EQ(table.touch(udp(4), 3), nullptr) << "a table full of subscribers takes no stranger";
}
