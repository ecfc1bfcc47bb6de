// SPDX-License-Identifier: GPL-3.0-or-later
// The web surface through backlined on jackd dummy: the built-in page files, OSC over the
// WebSocket at /osc next to UDP clients, the PIN, and bad web keys refused at start.
#include "HttpProbe.h"
#include "OscLive.h"
#include "WaitFor.h"
#include "WsClient.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::string cookieOf(const HttpReply& reply)
{
    auto it = reply.headers.find("set-cookie");
    return it == reply.headers.end() ? std::string() : it->second.substr(0, it->second.find(';'));
}

} // namespace

TEST(DaemonWeb, ABrowserIsOneMoreOscClient)
{
    const int webPort = freeOscPort();
    LiveDaemon d(std::string(toneSessionYaml) + "web:\n  port: " + std::to_string(webPort) + "\n");
    EXPECT_NE(d.process->output().find(fmt::format("web surface on TCP port {}", webPort)), std::string::npos)
        << d.process->output();

    // The PIN form is the server's own; the page is whatever control/web/www held at build time.
    EXPECT_EQ(request(webPort, "GET", "/auth").status, 200);
    const bool pageBuiltIn = std::filesystem::exists(BACKLINE_SOURCE_DIR "/control/web/www/index.html");
    EXPECT_EQ(request(webPort, "GET", "/", "Accept: text/html\r\n").status, pageBuiltIn ? 200 : 404);
    EXPECT_EQ(request(webPort, "GET", "/%2e%2e/%2e%2e/etc/passwd").status, 400);

    WsClient ws(webPort);
    ASSERT_EQ(ws.handshakeStatus(), 101);
    ASSERT_TRUE(ws.send("/ping"));
    ASSERT_TRUE(ws.receiveAddress("/pong", 5s));
    RawOscClient udp(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(udp).empty());
    ASSERT_TRUE(ws.send("/track/tone/gain", {-12.0f}));
    auto fed = udp.receiveAddress("/track/tone/gain", 5s);
    ASSERT_TRUE(fed) << "the browser's change reaches the UDP subscriber";
    EXPECT_FLOAT_EQ(float(fed->number(0)), -12.0f);
    const auto status = readStatus(udp);
    ASSERT_TRUE(status.count("/status/osc/web_connections"));
    EXPECT_EQ(status.at("/status/osc/web_connections").number(0), 1.0);
}

TEST(DaemonWeb, ThePinGuardsBrowsersAndOscClients)
{
    const int webPort = freeOscPort();
    LiveDaemon d(std::string(toneSessionYaml) + "web:\n  port: " + std::to_string(webPort)
        + "\n  pin: 2468\nosc:\n  require_pin: true\n");
    RawOscClient udp(RawOscClient::Kind::Udp, d.osc_port);
    auto refused = udp.request("/track/tone/gain", 5s);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->address, "/error");
    udp.send("/auth", {std::string("2468")});
    EXPECT_TRUE(udp.receiveAddress("/auth/ok", 5s));
    EXPECT_EQ(udp.request("/track/tone/gain", 5s)->address, "/track/tone/gain");

    EXPECT_EQ(request(webPort, "GET", "/").status, 401);
    EXPECT_EQ(upgradeStatus(webPort), 401);
    EXPECT_EQ(request(webPort, "POST", "/auth", {}, "pin=1111").status, 401);
    auto login = request(webPort, "POST", "/auth", {}, "pin=2468");
    ASSERT_EQ(login.status, 303);
    WsClient::Options withCookie;
    withCookie.cookie = cookieOf(login);
    WsClient ws(webPort, withCookie);
    ASSERT_EQ(ws.handshakeStatus(), 101);
    ASSERT_TRUE(ws.send("/track/tone/gain"));
    auto gain = ws.receive(5s);
    ASSERT_TRUE(gain);
    EXPECT_EQ(gain->address, "/track/tone/gain") << "the cookie counts as /auth";
}

TEST(DaemonWeb, AMissingPinFileStopsTheStartWithItsPosition)
{
    TempDir dir;
    const auto session = dir.write("s.yaml", std::string(toneSessionYaml) + "web:\n  port: 8080\n  pin_file: pin.txt\n");
    JackServer jack;
    Process p({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name()},
        dir.path() / "log");
    auto code = p.wait(10000ms);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 2);
    EXPECT_NE(p.output().find("s.yaml:9:"), std::string::npos) << p.output();
    EXPECT_NE(p.output().find("web.pin_file 'pin.txt' not found"), std::string::npos) << p.output();
}

TEST(DaemonWeb, TheWebOnTheOscPortIsRefusedBeforeJack)
{
    // OSC listens on UDP and TCP at its port: each check alone would pass and the web server
    // would only find its port taken after JACK had started.
    TempDir dir;
    const auto session = dir.write("s.yaml", toneSessionYaml);
    JackServer jack;
    const int port = freeOscPort();
    Process p({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(), "--osc-port",
                  std::to_string(port), "--web-port", std::to_string(port), "--cache-dir", (dir.path() / "cache").string()},
        dir.path() / "log");
    auto code = p.wait(20000ms);
    ASSERT_TRUE(code) << p.output();
    EXPECT_EQ(*code, 4) << p.output();
    EXPECT_NE(p.output().find(fmt::format("both ask for port {}", port)), std::string::npos) << p.output();
    EXPECT_EQ(p.output().find("ready:"), std::string::npos) << p.output();
}

TEST(DaemonWeb, WebPortZeroTakesAFreePortAndLogsIt)
{
    TempDir dir;
    const auto session = dir.write("s.yaml", toneSessionYaml);
    JackServer jack;
    const int oscPort = freeOscPort();
    Process p({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(), "--osc-port",
                  std::to_string(oscPort), "--web-port", "0", "--web-root", BACKLINE_SOURCE_DIR "/tests/data/web",
                  "--cache-dir", (dir.path() / "cache").string()},
        dir.path() / "log");
    OscClient osc(oscPort);
    ASSERT_TRUE(osc.waitForPong(20s)) << p.output();
    std::smatch found;
    const std::string output = p.output();
    ASSERT_TRUE(std::regex_search(output, found, std::regex("web surface on TCP port ([0-9]+)"))) << output;
    const int webPort = std::stoi(found[1]);
    ASSERT_GT(webPort, 0);
    // A browser's Accept: without it the daemon answers OSCQuery's JSON at /.
    auto page = request(webPort, "GET", "/", "Accept: text/html\r\n");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("backline test page"), std::string::npos) << "--web-root's files";
    WsClient ws(webPort);
    ASSERT_TRUE(ws.send("/ping"));
    EXPECT_TRUE(ws.receiveAddress("/pong", 5s));
    p.signal(SIGTERM);
    auto code = p.wait(10000ms);
    ASSERT_TRUE(code) << "stops with a WebSocket open";
    EXPECT_EQ(*code, 0) << p.output();
}

TEST(DaemonWeb, AReloadAppliesANewPinAndSaysThePortNeedsARestart)
{
    const int webPort = freeOscPort();
    const std::string web = "web:\n  port: " + std::to_string(webPort) + "\n";
    LiveDaemon d(std::string(toneSessionYaml) + web + "  pin: 2468\n");
    auto login = request(webPort, "POST", "/auth", {}, "pin=2468");
    ASSERT_EQ(login.status, 303);
    const std::string cookie = "Cookie: " + cookieOf(login) + "\r\n";
    ASSERT_NE(request(webPort, "GET", "/", cookie).status, 401);

    d.dir.write("session.yaml", std::string(toneSessionYaml) + "web:\n  port: " + std::to_string(webPort + 1)
            + "\n  pin: 1357\n");
    RawOscClient udp(RawOscClient::Kind::Udp, d.osc_port);
    udp.send("/session/reload");
    ASSERT_TRUE(udp.receiveAddress("/session/reloaded", 30s)) << d.process->output();
    EXPECT_EQ(request(webPort, "GET", "/", cookie).status, 401) << "the old PIN's cookie is void";
    EXPECT_EQ(request(webPort, "POST", "/auth", {}, "pin=1357").status, 303) << "on the same port";
    EXPECT_TRUE(waitFor([&] { return d.process->output().find("restart backlined to apply it") != std::string::npos; }))
        << d.process->output();
}

namespace {

/// Every method of an OSCQuery tree that has a value (a parameter), with it.
void collectValues(const nlohmann::json& node, std::map<std::string, float>& out)
{
    if (node.contains("VALUE"))
        out[node["FULL_PATH"].get<std::string>()] = node["VALUE"][0].get<float>();
    if (node.contains("CONTENTS"))
        for (const auto& [name, child] : node["CONTENTS"].items())
            collectValues(child, out);
}

/// The resolved _oscjson._tcp entries avahi-daemon knows (empty when none runs).
std::string browseOscQuery()
{
    std::string out;
    if (FILE* pipe = popen("avahi-browse -rtp _oscjson._tcp 2>/dev/null", "r")) {
        char buffer[4096];
        while (fgets(buffer, sizeof buffer, pipe))
            out += buffer;
        pclose(pipe);
    }
    return out;
}

} // namespace

TEST(DaemonWeb, AnOscQueryClientFindsReadsAndListensToTheWholeNamespace)
{
    const int webPort = freeOscPort();
    LiveDaemon d(std::string(toneSessionYaml) + "web:\n  port: " + std::to_string(webPort) + "\n");
    RawOscClient udp(RawOscClient::Kind::Udp, d.osc_port);
    udp.send("/track/tone/gain", {-7.0f});
    ASSERT_EQ(udp.request("/track/tone/gain", 5s)->address, "/track/tone/gain");

    const auto info = request(webPort, "GET", "/?HOST_INFO");
    ASSERT_EQ(info.status, 200) << info.raw;
    EXPECT_NE(info.body.find(fmt::format("\"OSC_PORT\":{}", d.osc_port)), std::string::npos) << info.body;
    EXPECT_NE(info.body.find("\"NAME\":\"backline: "), std::string::npos) << info.body;
    const auto value = request(webPort, "GET", "/track/tone/gain?VALUE");
    ASSERT_EQ(value.status, 200) << value.raw;
    EXPECT_EQ(value.body, "{\"VALUE\":[-7.0]}");
    const auto root = request(webPort, "GET", "/", "Accept: application/json\r\n");
    ASSERT_EQ(root.status, 200);
    EXPECT_NE(root.body.find("\"FULL_PATH\":\"/scene/recall\""), std::string::npos);
    // The tree's parameters are /state's, every one, with the same values.
    std::map<std::string, float> inTree;
    collectValues(nlohmann::json::parse(root.body), inTree);
    const auto state = readState(udp);
    ASSERT_GT(state.size(), 10u);
    EXPECT_EQ(inTree, state);

    WsClient::Options atRoot;
    atRoot.target = "/";
    WsClient ws(webPort, atRoot);
    ASSERT_EQ(ws.handshakeStatus(), 101);
    ASSERT_TRUE(ws.sendText(R"({"COMMAND":"LISTEN","DATA":"/track/tone/gain"})"));
    ASSERT_TRUE(ws.receiveAddress("/track/tone/gain", 5s));
    udp.send("/track/tone/gain", {-11.0f});
    auto change = ws.receiveAddress("/track/tone/gain", 5s);
    ASSERT_TRUE(change);
    EXPECT_FLOAT_EQ(float(change->number(0)), -11.0f);
    // A value set over the same WebSocket (binary OSC) lands.
    ASSERT_TRUE(ws.send("/master/gain", {-4.5f}));
    EXPECT_TRUE(waitFor([&] {
        auto m = udp.request("/master/gain", 2s);
        return m && m->address == "/master/gain" && m->number(0) == -4.5;
    })) << "set through the OSCQuery WebSocket";

    // Discovery: only where avahi-daemon runs (CI starts one: scripts/start-mdns).
    if (system("avahi-browse -tp _services._dns-sd._udp >/dev/null 2>&1") != 0) {
        std::cout << "no avahi-daemon here: the announcement is not checked\n";
        return;
    }
    const std::string port = ";" + std::to_string(webPort) + ";";
    EXPECT_TRUE(waitFor([&] { return browseOscQuery().find(port) != std::string::npos; }, 30s)) << browseOscQuery();
}
