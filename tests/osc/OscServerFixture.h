// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FakeTarget.h"
#include "RawOscClient.h"

#include "control/osc/OscServer.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace backline::test {

/// The one reply to address sent with args (the first that is not a late /pong).
inline std::optional<RawMessage> ask(RawOscClient& c, const std::string& address,
    std::vector<control::OscReply::Arg> args = {})
{
    c.send(address, std::move(args));
    return c.receive(std::chrono::milliseconds(2000));
}

/// A request the server must refuse: the words its /error carries.
struct BadRequest {
    std::string address;
    std::vector<control::OscReply::Arg> args;
    std::string words;
};

/// Sends each of cases and checks it is answered `/error s:address s:why` with its words in why.
inline void expectRefused(RawOscClient& c, const std::vector<BadRequest>& cases)
{
    for (const auto& k : cases) {
        auto reply = ask(c, k.address, k.args);
        ASSERT_TRUE(reply) << k.address;
        ASSERT_EQ(reply->address, "/error") << k.address << " " << k.words;
        EXPECT_EQ(reply->text(0), k.address);
        EXPECT_NE(reply->text(1).find(k.words), std::string::npos) << k.address << ": " << reply->text(1);
    }
}

/// The OSC server in-process, against a FakeTarget, with real sockets on loopback; shared by
/// OscServerTest.cpp (requests, bundles, admission) and OscSubscriptionTest.cpp (feedback, meters).
class OscServerTest : public ::testing::Test {
protected:
    /// Starts a server on a free port with options.
    void start(control::OscServerOptions options = {})
    {
        options.port = 0;
        auto s = control::OscServer::start(std::move(options), target);
        ASSERT_TRUE(s) << s.error().message;
        server = std::move(s.value());
    }
    void SetUp() override { start(); }

    /// A client of the server, bound to local.
    std::unique_ptr<RawOscClient> client(RawOscClient::Kind kind = RawOscClient::Kind::Udp,
        const std::string& local = "127.0.0.1")
    {
        return std::make_unique<RawOscClient>(kind, server->port(), local);
    }

    /// Subscribes c and reads the ack and the whole snapshot; returns the snapshot's values.
    std::map<std::string, float> subscribe(RawOscClient& c, std::vector<control::OscReply::Arg> args = {})
    {
        c.send("/subscribe", std::move(args));
        std::map<std::string, float> values;
        auto ack = c.receiveAddress("/subscribed");
        EXPECT_TRUE(ack);
        bool begun = false;
        bool ended = false;
        while (auto m = c.receive()) {
            ended = m->address == "/snapshot/end";
            if (ended)
                break;
            if (m->address == "/snapshot/begin")
                begun = true;
            else if (begun && m->address != "/feedback/seq")
                values[m->address] = float(m->number(0));
        }
        EXPECT_TRUE(ended) << "the whole snapshot came";
        return values;
    }

    FakeTarget target;
    std::unique_ptr<control::OscServer> server;
};

} // namespace backline::test
