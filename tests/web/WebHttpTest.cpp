// SPDX-License-Identifier: GPL-3.0-or-later
// The web server over HTTP: the page's files, what it refuses (traversal, huge headers, slow
// senders, too many connections, strangers) and the hook OSCQuery plugs into.
#include "WebServerFixture.h"

#include "WaitFor.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

TEST_F(WebServerTest, ServesThePageFilesWithTheirTypes)
{
    auto index = request(port(), "GET", "/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_NE(index.body.find("backline test page"), std::string::npos);
    EXPECT_EQ(index.headers["cache-control"], "no-cache");
    ASSERT_FALSE(index.headers["etag"].empty());

    auto script = request(port(), "GET", "/js/app.js");
    EXPECT_EQ(script.status, 200);
    EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
    EXPECT_EQ(script.body, "console.log(\"backline test script\");\n");

    auto again = request(port(), "GET", "/", "If-None-Match: " + index.headers["etag"] + "\r\n");
    EXPECT_EQ(again.status, 304) << "unchanged: not sent again";
    EXPECT_TRUE(again.body.empty());
}

TEST_F(WebServerTest, KeepsTheConnectionForTheNextRequest)
{
    const std::string one = "GET /js/app.js HTTP/1.1\r\nHost: x\r\n\r\n";
    auto reply = exchange(port(), one + one + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(reply.closed);
    std::size_t answers = 0;
    for (std::size_t at = 0; (at = reply.raw.find("HTTP/1.1 200", at)) != std::string::npos; ++at)
        ++answers;
    EXPECT_EQ(answers, 3u) << reply.raw;
}

TEST_F(WebServerTest, HeadIsGetWithoutTheBody)
{
    for (const std::string path : {"/", "/js/app.js", "/nothing.js"}) {
        const auto get = request(port(), "GET", path);
        const auto head = request(port(), "HEAD", path);
        EXPECT_EQ(head.status, get.status) << path;
        ASSERT_TRUE(head.headers.count("content-length")) << path;
        EXPECT_EQ(head.headers.at("content-length"), std::to_string(get.body.size())) << path;
        EXPECT_EQ(head.raw.substr(head.raw.find("\r\n\r\n") + 4), "") << path << ": nothing after the headers";
    }
}

TEST_F(WebServerTest, AnUnknownFileIs404AndOtherMethodsAre405)
{
    EXPECT_EQ(request(port(), "GET", "/nothing.js").status, 404);
    EXPECT_EQ(request(port(), "GET", "/js/").status, 404) << "a folder without index.html";
    EXPECT_EQ(request(port(), "DELETE", "/index.html").status, 405);
}

TEST_F(WebServerTest, PathsOutOfTheFolderAreRefused)
{
    for (const std::string path : {"/../WebHttpTest.cpp", "/%2e%2e/%2e%2e/CMakeLists.txt", "/js/../../x",
             "/%2E%2E/x", "/..%2fx", "/js/%2e%2e/%2e%2e/x", "/./index.html", "/a\\..\\x", "/%00", "/%zz",
             "//etc/passwd", "http://localhost/etc/passwd", "*"}) {
        auto reply = request(port(), "GET", path);
        EXPECT_EQ(reply.status, 400) << path << ": " << reply.raw;
        EXPECT_EQ(reply.body.find("TEST_F"), std::string::npos) << path;
    }
    EXPECT_TRUE(waitFor([&] { return web->counters().connections == 0; })) << "every one answered and closed";
}

TEST_F(WebServerTest, ALinkOutOfTheFolderIsNotFollowed)
{
    const auto folder = std::filesystem::temp_directory_path() / fmt::format("backline-web-{}", ::getpid());
    std::filesystem::create_directories(folder);
    std::ofstream(folder / "index.html") << "inside";
    std::filesystem::create_symlink(BACKLINE_SOURCE_DIR "/CMakeLists.txt", folder / "outside.txt");
    WebServerOptions options;
    options.root = folder;
    start(options);
    EXPECT_EQ(request(port(), "GET", "/").body, "inside");
    EXPECT_EQ(request(port(), "GET", "/outside.txt").status, 404);
    std::filesystem::remove_all(folder);
}

TEST_F(WebServerTest, HugeHeadersAreAnswered431AndClosed)
{
    auto reply = request(port(), "GET", "/", "X-Big: " + std::string(64 * 1024, 'a') + "\r\n");
    EXPECT_EQ(reply.status, 431);
    EXPECT_TRUE(reply.closed);
    auto body = request(port(), "POST", "/auth", {}, "pin=" + std::string(64 * 1024, '1'));
    EXPECT_EQ(body.status, 413);
    auto garbage = exchange(port(), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
    EXPECT_EQ(garbage.status, 400) << "TLS or other bytes that are not HTTP";
    EXPECT_TRUE(garbage.closed);
    EXPECT_EQ(request(port(), "GET", "/").status, 200) << "and it goes on serving";
}

TEST_F(WebServerTest, ASlowOrIdleConnectionIsClosed)
{
    WebServerOptions options;
    options.requestTimeout = 300ms;
    start(options);
    const int slow = connectTo(port());
    ASSERT_GE(slow, 0);
    ASSERT_EQ(::send(slow, "GET / HTTP/1.1\r\nHo", 18, MSG_NOSIGNAL), 18);
    const int idle = connectTo(port());
    ASSERT_GE(idle, 0);
    EXPECT_TRUE(closedWithin(slow, 20s)) << "half a request is not waited for";
    EXPECT_TRUE(closedWithin(idle, 20s)) << "a connection that asks nothing is let go";
    ::close(slow);
    ::close(idle);
    ASSERT_TRUE(waitFor([&] { return web->counters().connections == 0; }));
}

TEST_F(WebServerTest, ConnectionsAreCappedPerAddressAndInAll)
{
    WebServerOptions options;
    options.maxConnectionsPerAddress = 4;
    options.maxConnections = 6;
    start(options);
    std::vector<int> held;
    for (int i = 0; i < 4; ++i)
        held.push_back(connectTo(port()));
    ASSERT_TRUE(waitFor([&] { return web->counters().connections == 4; }));
    const int fifth = connectTo(port());
    EXPECT_TRUE(closedWithin(fifth, 10s)) << "a fifth from one address is closed at once";
    EXPECT_EQ(request(port(), "GET", "/", {}, {}, "127.0.0.2").status, 200) << "another address still gets in";
    held.push_back(connectTo(port(), "127.0.0.2"));
    held.push_back(connectTo(port(), "127.0.0.3"));
    ASSERT_TRUE(waitFor([&] { return web->counters().connections == 6; }));
    const int seventh = connectTo(port(), "127.0.0.4");
    EXPECT_TRUE(closedWithin(seventh, 10s)) << "six in all";
    EXPECT_GE(web->counters().refused, 2u);
    for (int fd : held)
        ::close(fd);
    ::close(fifth);
    ::close(seventh);
    ASSERT_TRUE(waitFor([&] { return web->counters().connections == 0; }));
    EXPECT_EQ(request(port(), "GET", "/").status, 200);
}

TEST_F(WebServerTest, AnAddressOutsideTheAccessListGets403)
{
    std::string problem;
    WebServerOptions options;
    options.access = AccessList({*AddressRange::parse("127.0.0.2/32", &problem)});
    start(options);
    auto page = request(port(), "GET", "/");
    EXPECT_EQ(page.status, 403);
    EXPECT_EQ(page.body.find("backline test page"), std::string::npos);
    EXPECT_EQ(upgradeStatus(port()), 403);
    EXPECT_FALSE(WsClient(port()).open());
    EXPECT_EQ(request(port(), "GET", "/", {}, {}, "127.0.0.2").status, 200);
    web->setAccess(AccessList::defaults());
    EXPECT_EQ(request(port(), "GET", "/").status, 200) << "a reload's list applies to new connections";
}

TEST_F(WebServerTest, TheHookAnswersBeforeTheFiles)
{
    web->setHook([](const HttpAsk& ask) -> std::optional<HttpAnswer> {
        if (ask.path != "/index.html" || ask.query != "HOST_INFO")
            return std::nullopt;
        return HttpAnswer {200, "application/json", "{\"NAME\":\"backline\"}", {}};
    });
    auto hooked = request(port(), "GET", "/index.html?HOST_INFO");
    EXPECT_EQ(hooked.status, 200);
    EXPECT_EQ(hooked.headers["content-type"], "application/json");
    EXPECT_EQ(hooked.body, "{\"NAME\":\"backline\"}");
    EXPECT_NE(request(port(), "GET", "/index.html").body.find("backline test page"), std::string::npos);
}

TEST_F(WebServerTest, ThePortIsRefusedWhenTaken)
{
    WebServerOptions options;
    options.port = port();
    auto second = WebServer::start(options, *osc);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find(fmt::format("TCP port {}", port())), std::string::npos)
        << second.error().message;
    EXPECT_NE(second.error().message.find("--web-port"), std::string::npos);
}
