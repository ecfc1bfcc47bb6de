// SPDX-License-Identifier: GPL-3.0-or-later
// OSCQuery on the web server: the namespace over HTTP (the page keeps the root for browsers),
// and LISTEN/IGNORE over a WebSocket opened at the root, as ossia score or Chataigne do.
#include "WebServerFixture.h"

#include "control/oscquery/OscQueryHook.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

class OscQueryWebTest : public WebServerTest {
protected:
    void SetUp() override
    {
        WebServerOptions options;
        options.hook = oscquery::OscQueryHook(target.params(), [this] {
            return oscquery::HostInfo {"backline: test", osc->port(), web->port(), true};
        });
        start(std::move(options));
    }

    static WsClient::Options rootSocket()
    {
        WsClient::Options options;
        options.target = "/"; // where OSCQuery clients open it
        return options;
    }

    json getJson(const std::string& target_, int status = 200, const std::string& accept = "application/json")
    {
        const HttpReply reply = request(port(), "GET", target_, "Accept: " + accept + "\r\n");
        EXPECT_EQ(reply.status, status) << target_ << ": " << reply.body;
        EXPECT_EQ(reply.headers.count("content-type") ? reply.headers.at("content-type") : "", "application/json");
        return reply.body.empty() ? json() : json::parse(reply.body, nullptr, false);
    }
};

} // namespace

TEST_F(OscQueryWebTest, TheNamespaceIsServedWhileBrowsersStillGetThePage)
{
    const json root = getJson("/");
    ASSERT_TRUE(root.is_object());
    const json& gain = root["CONTENTS"]["track"]["CONTENTS"]["a"]["CONTENTS"]["gain"];
    EXPECT_EQ(gain["FULL_PATH"], "/track/a/gain");
    EXPECT_EQ(gain["ACCESS"], 3);
    EXPECT_TRUE(root["CONTENTS"]["scene"]["CONTENTS"].contains("recall"));
    // No Accept header at all: an OSCQuery client too.
    EXPECT_EQ(json::parse(request(port(), "GET", "/").body, nullptr, false)["FULL_PATH"], "/");

    HttpReply page = request(port(), "GET", "/", "Accept: text/html,application/xhtml+xml\r\n");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);

    // Values are now, not when the tree was first asked for.
    auto fader = udp();
    fader->send("/track/a/gain", {-9.0f});
    ASSERT_TRUE(fader->receiveUntilPong());
    EXPECT_EQ(getJson("/track/a/gain?VALUE"), (json {{"VALUE", {-9.0}}}));
    const json info = getJson("/?HOST_INFO");
    EXPECT_EQ(info["NAME"], "backline: test");
    EXPECT_EQ(info["OSC_PORT"], osc->port());
    EXPECT_EQ(info["EXTENSIONS"]["LISTEN"], true);
}

TEST_F(OscQueryWebTest, WhatIsNotInTheNamespaceIsLeftToThePagesFiles)
{
    EXPECT_EQ(request(port(), "GET", "/index.html").status, 200);
    EXPECT_EQ(request(port(), "GET", "/track/nobody").status, 404);
    EXPECT_TRUE(getJson("/track/a/gain?COLOUR", 400).contains("ERROR"));
    EXPECT_EQ(request(port(), "POST", "/track/a/gain", {}, "x").status / 100, 4) << "only GET and HEAD read it";
}

TEST_F(OscQueryWebTest, ListenOverTheRootWebSocketStreamsOneParametersChangesAsOsc)
{
    WsClient ws(port(), rootSocket());
    ASSERT_EQ(ws.handshakeStatus(), 101);
    ASSERT_TRUE(ws.sendText(R"({"COMMAND":"LISTEN","DATA":"/track/a/gain"})"));
    ASSERT_TRUE(ws.receiveAddress("/track/a/gain")) << "the value now";
    auto fader = udp();
    fader->send("/track/a/gain", {-14.0f});
    fader->send("/track/b/pan", {0.25f});
    auto change = ws.receiveAddress("/track/a/gain");
    ASSERT_TRUE(change);
    EXPECT_FLOAT_EQ(float(change->number(0)), -14.0f);

    ASSERT_TRUE(ws.sendText(R"({"COMMAND":"IGNORE","DATA":"/track/a/gain"})"));
    ASSERT_TRUE(ws.send("/ping"));
    ASSERT_TRUE(ws.receiveAddress("/pong"));
    fader->send("/track/a/gain", {-2.0f});
    ASSERT_TRUE(fader->receiveUntilPong());
    ASSERT_TRUE(ws.send("/ping"));
    std::vector<RawMessage> after;
    while (auto m = ws.receive(2s)) {
        after.push_back(*m);
        if (m->address == "/pong")
            break;
    }
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after.back().address, "/pong");
    for (const auto& m : after)
        EXPECT_NE(m.address, "/track/a/gain") << "ignored, yet sent";
}

TEST_F(OscQueryWebTest, ATextThatIsNoCommandStillClosesTheWebSocket)
{
    for (const std::string text : {R"({"COMMAND":"LISTEN"})", R"({"COMMAND":"RENAME","DATA":"/a"})", "[1,2",
             R"({"COMMAND":"LISTEN","DATA":7})", R"("LISTEN")"}) {
        WsClient ws(port(), rootSocket());
        ASSERT_TRUE(ws.sendText(text));
        int code = 0;
        EXPECT_TRUE(ws.closedWithin(10s, &code)) << text;
        EXPECT_EQ(code, 1003) << text;
    }
    WsClient next(port());
    ASSERT_TRUE(next.send("/ping"));
    EXPECT_TRUE(next.receiveAddress("/pong")) << "and the server goes on";
}
