// SPDX-License-Identifier: GPL-3.0-or-later
// The PIN: the built-in form, the cookie a right PIN earns, the lock-out wrong ones earn, the
// WebSocket refused without the cookie, and `/auth` over OSC with osc.require_pin.
#include "WebServerFixture.h"

#include "WaitFor.h"

#include <gtest/gtest.h>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// The cookie pair ("backline_pin=…") a Set-Cookie header sets.
std::string cookieOf(const HttpReply& reply)
{
    auto it = reply.headers.find("set-cookie");
    return it == reply.headers.end() ? std::string() : it->second.substr(0, it->second.find(';'));
}

} // namespace

class WebPinTest : public WebServerTest {
protected:
    void SetUp() override
    {
        pin->setPin("2468");
        start();
    }
};

TEST_F(WebPinTest, APageWithoutTheCookieGetsTheForm)
{
    auto reply = request(port(), "GET", "/");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_NE(reply.body.find("action=\"/auth\""), std::string::npos);
    EXPECT_NE(reply.body.find("name=\"pin\""), std::string::npos);
    EXPECT_EQ(reply.body.find("backline test page"), std::string::npos) << "no file of the page before the PIN";
    EXPECT_EQ(request(port(), "GET", "/js/app.js").status, 401);
    EXPECT_EQ(request(port(), "GET", "/auth").status, 200);
    const auto head = request(port(), "HEAD", "/auth");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.raw.substr(head.raw.find("\r\n\r\n") + 4), "") << "HEAD: the form's headers only";
}

TEST_F(WebPinTest, TheRightPinEarnsACookieThatOpensThePageAndTheWebSocket)
{
    EXPECT_EQ(upgradeStatus(port()), 401) << "no WebSocket without the cookie";
    EXPECT_FALSE(WsClient(port()).open());

    auto login = request(port(), "POST", "/auth", {}, "pin=2468");
    EXPECT_EQ(login.status, 303);
    EXPECT_EQ(login.headers["location"], "/");
    const std::string setCookie = login.headers["set-cookie"];
    EXPECT_NE(setCookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(setCookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(setCookie.find("Max-Age="), std::string::npos);
    const std::string cookie = cookieOf(login);
    ASSERT_EQ(cookie.rfind("backline_pin=", 0), 0u) << setCookie;
    EXPECT_EQ(upgradeStatus(port(), "backline_pin=made-up"), 401);

    auto page = request(port(), "GET", "/", "Cookie: theme=dark; " + cookie + "\r\n");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("backline test page"), std::string::npos);
    EXPECT_EQ(request(port(), "GET", "/", "Cookie: backline_pin=0123abcd\r\n").status, 401) << "a made-up token";

    WsClient::Options withCookie;
    withCookie.cookie = cookie;
    WsClient ws(port(), withCookie);
    ASSERT_EQ(ws.handshakeStatus(), 101);
    ASSERT_TRUE(ws.send("/ping"));
    EXPECT_TRUE(ws.receiveAddress("/pong"));

    pin->setPin("1357");
    EXPECT_EQ(request(port(), "GET", "/", "Cookie: " + cookie + "\r\n").status, 401) << "a new PIN voids the cookies";
}

TEST_F(WebPinTest, WrongPinsAreRefusedThenLockedOut)
{
    for (int i = 0; i < 3; ++i) {
        auto wrong = request(port(), "POST", "/auth", {}, "pin=1111");
        EXPECT_EQ(wrong.status, 401) << i;
        EXPECT_NE(wrong.body.find("Wrong PIN"), std::string::npos);
        EXPECT_TRUE(cookieOf(wrong).empty());
    }
    auto locked = request(port(), "POST", "/auth", {}, "pin=1111");
    EXPECT_EQ(locked.status, 429);
    ASSERT_FALSE(locked.headers["retry-after"].empty());
    EXPECT_GE(std::stoi(locked.headers["retry-after"]), 1);
    auto stillLocked = request(port(), "POST", "/auth", {}, "pin=2468");
    EXPECT_EQ(stillLocked.status, 429) << "even the right PIN waits out the lock-out";
    EXPECT_TRUE(cookieOf(stillLocked).empty());
    EXPECT_EQ(request(port(), "POST", "/auth", {}, "pin=2468", "127.0.0.2").status, 303)
        << "another address is not locked out";
    EXPECT_EQ(request(port(), "POST", "/auth", {}, "nopin=1").status, 400);
}

TEST_F(WebPinTest, OscClientsGiveThePinWhenTheSessionRequiresIt)
{
    OscServerOptions options;
    options.requirePin = true;
    start({}, options);
    auto u = udp();
    auto refused = u->request("/track/a/gain");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->address, "/error");
    EXPECT_NE(refused->text(1).find("/auth"), std::string::npos) << refused->text(1);
    EXPECT_EQ(u->request("/ping")->address, "/pong") << "/ping needs no PIN";

    u->send("/auth", {std::string("9999")});
    auto wrong = u->receive();
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->address, "/error");
    EXPECT_EQ(wrong->text(0), "/auth");
    u->send("/auth", {std::string("2468")});
    EXPECT_TRUE(u->receiveAddress("/auth/ok"));
    auto gain = u->request("/track/a/gain");
    ASSERT_TRUE(gain);
    EXPECT_EQ(gain->address, "/track/a/gain");

    // A browser that came with the cookie is authenticated already.
    auto login = request(port(), "POST", "/auth", {}, "pin=2468", "127.0.0.3");
    WsClient::Options withCookie;
    withCookie.cookie = cookieOf(login);
    WsClient ws(port(), withCookie);
    ASSERT_TRUE(ws.send("/track/a/gain"));
    auto answer = ws.receive();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->address, "/track/a/gain");
}

TEST_F(WebPinTest, WrongPinsOverOscAreLockedOutToo)
{
    OscServerOptions options;
    options.requirePin = true;
    start({}, options);
    auto u = udp();
    std::string last;
    for (int i = 0; i < 4; ++i) {
        u->send("/auth", {std::string("0000")});
        auto reply = u->receiveAddress("/error");
        ASSERT_TRUE(reply);
        last = reply->text(1);
    }
    EXPECT_NE(last.find("try again in"), std::string::npos) << last;
    u->send("/auth", {std::string("2468")});
    auto locked = u->receive();
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->address, "/error") << "locked out: even the right PIN waits";
    EXPECT_EQ(request(port(), "POST", "/auth", {}, "pin=2468").status, 429) << "one lock-out for OSC and the web";
}
