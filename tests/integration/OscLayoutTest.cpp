// SPDX-License-Identifier: GPL-3.0-or-later
// The Open Stage Control layout against the demo session it is made for: every address it
// uses exists.
#include "OscLive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::set<std::string> matches(const std::string& text, const std::string& pattern)
{
    std::set<std::string> out;
    const std::regex re(pattern);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
        out.insert((*it)[1].str());
    return out;
}

} // namespace

TEST(OscLayout, EveryAddressTheDemoSurfaceUsesIsOneTheDemoSessionHas)
{
    const std::string layout = readFile(std::string(BACKLINE_SOURCE_DIR) + "/control/layouts/backline-demo.json");
    ASSERT_FALSE(layout.empty());
    const auto bound = matches(layout, R"re("address": "(/[^"]*)")re");
    const auto sent = matches(layout, R"re(send\('(/[^']*)')re");
    ASSERT_GT(bound.size(), 30u);

    JackServer jack;
    TempDir dir;
    const int port = freeOscPort();
    Process daemon({backlinedPath().string(), "--session", std::string(BACKLINE_SOURCE_DIR) + "/sessions/demo.yaml",
                       "--jack-server", jack.name(), "--osc-port", std::to_string(port), "--cache-dir",
                       (dir.path() / "cache").string()},
        dir.path() / "backlined.log");
    RawOscClient c(RawOscClient::Kind::Udp, port);
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i)
        up = c.request("/ping", 200ms).has_value();
    ASSERT_TRUE(up) << daemon.output();

    const auto state = readState(c);
    std::set<std::string> known;
    for (const auto& [address, value] : state)
        known.insert(address);
    c.send("/meters/names");
    auto names = c.receiveAddress("/meters/names");
    ASSERT_TRUE(names);
    for (std::size_t i = 1; i < names->args.size(); ++i) {
        known.insert("/meters/" + names->text(i) + "/peak");
        known.insert("/meters/" + names->text(i) + "/rms");
    }
    for (const char* what : {"momentary", "short_term", "integrated", "range", "true_peak"})
        known.insert(std::string("/meters/loudness/") + what);
    const auto status = readStatus(c);
    ASSERT_TRUE(status.count("/status")) << "the status came";
    for (const auto& [address, m] : status)
        if (address.starts_with("/status/"))
            known.insert(address);
    for (const char* server : {"/subscribe", "/meters/subscribe", "/status", "/record/start", "/record/stop",
             "/record/marker", "/transport/play", "/transport/stop", "/scene/recall"})
        known.insert(server);

    for (const auto& address : bound)
        EXPECT_TRUE(known.count(address)) << address << " is bound in the layout but the demo has no such address";
    for (const auto& address : sent)
        EXPECT_TRUE(known.count(address)) << address;
    // Its scene buttons recall scenes the demo has.
    c.send("/scene/list");
    auto scenes = c.receiveAddress("/scene/list");
    ASSERT_TRUE(scenes);
    std::set<std::string> sceneNames;
    for (std::size_t i = 0; i < scenes->args.size(); ++i)
        sceneNames.insert(scenes->text(i));
    for (const auto& scene : matches(layout, R"re(send\('/scene/recall', '([^']*)')re"))
        EXPECT_TRUE(sceneNames.count(scene)) << "the layout recalls scene '" << scene << "', which the demo lacks";
    // The faders' feedback: a change from elsewhere reaches the address the layout binds.
    RawOscClient surface(RawOscClient::Kind::Udp, port);
    ASSERT_FALSE(subscribeAndReadSnapshot(surface).empty());
    c.send("/track/drone/gain", {-10.0f});
    auto fed = surface.receiveAddress("/track/drone/gain", 1000ms);
    ASSERT_TRUE(fed);
    EXPECT_TRUE(bound.count("/track/drone/gain"));
}
