// SPDX-License-Identifier: GPL-3.0-or-later
// UDP and TCP on one port; replies and feedback go back over the transport the client used.
#include "OscLive.h"

#include <gtest/gtest.h>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(OscTransport, TcpClientsInEitherFramingSetGetAndReceiveFeedback)
{
    LiveDaemon d;
    RawOscClient prefixed(RawOscClient::Kind::TcpLengthPrefix, d.osc_port);
    RawOscClient slip(RawOscClient::Kind::TcpSlip, d.osc_port);
    RawOscClient udp(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(prefixed).empty());
    ASSERT_FALSE(subscribeAndReadSnapshot(slip).empty());
    ASSERT_FALSE(subscribeAndReadSnapshot(udp).empty());
    slip.send("/track/tone/gain", {-8.0f});
    for (auto* c : {&prefixed, &slip, &udp}) {
        auto m = c->receiveAddress("/track/tone/gain", 1000ms);
        ASSERT_TRUE(m);
        EXPECT_FLOAT_EQ(float(m->number(0)), -8.0f);
    }
    auto get = prefixed.request("/track/tone/gain");
    ASSERT_TRUE(get);
    EXPECT_FLOAT_EQ(float(get->number(0)), -8.0f);
}

TEST(OscTransport, AlibloTcpClientIsAnsweredOnItsConnection)
{
    LiveDaemon d;
    lo_server server = lo_server_new_with_proto(nullptr, LO_TCP, nullptr);
    ASSERT_NE(server, nullptr);
    std::vector<std::string> got;
    lo_server_add_method(server, nullptr, nullptr,
        [](const char* path, const char*, lo_arg**, int, lo_message, void* user) {
            static_cast<std::vector<std::string>*>(user)->push_back(path);
            return 0;
        },
        &got);
    lo_address to = lo_address_new_with_proto(LO_TCP, "127.0.0.1", std::to_string(d.osc_port).c_str());
    const lo_timetag immediately {0U, 1U}; // LO_TT_IMMEDIATE is a C compound literal
    lo_send_from(to, server, immediately, "/ping", "");
    for (int i = 0; i < 40 && got.empty(); ++i)
        lo_server_recv_noblock(server, 50);
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0], "/pong");
    lo_address_free(to);
    lo_server_free(server);
}
