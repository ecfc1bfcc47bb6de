// SPDX-License-Identifier: GPL-3.0-or-later
// The Open Stage Control layout against the demo session it is made for: every address it
// uses exists, every button it has is answered, every display it has is fed.
#include "OscLive.h"

#include <gtest/gtest.h>

#include <algorithm>
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

/// Each message a script of the layout sends, in the layout's order (once each): its address
/// and its text arguments (numbers are left out: only subscriptions send them).
std::vector<std::pair<std::string, std::vector<std::string>>> sentWithText(const std::string& text)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    const std::regex call(R"re(send\('(/[^']*)'([^)]*)\))re");
    const std::regex quoted(R"re('([^']*)')re");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
        std::pair<std::string, std::vector<std::string>> message {(*it)[1].str(), {}};
        const std::string rest = (*it)[2].str();
        for (auto a = std::sregex_iterator(rest.begin(), rest.end(), quoted); a != std::sregex_iterator(); ++a)
            message.second.push_back((*a)[1].str());
        if (std::find(out.begin(), out.end(), message) == out.end())
            out.push_back(std::move(message));
    }
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
                       (dir.path() / "cache").string(),
                       // The demo in the source tree as its file says, every time: no live state
                       // kept next to it (nor one a demo run left there taken up).
                       "--no-live-state"},
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
    // Sent but not tried here: subscriptions (the surface below has its own) and the recorder
    // (a take would be written into the source tree).
    const std::set<std::string> untried = {"/subscribe", "/meters/subscribe", "/record/start", "/record/stop",
        "/record/marker"};
    known.insert(untried.begin(), untried.end());

    RawOscClient surface(RawOscClient::Kind::Udp, port);
    ASSERT_FALSE(subscribeAndReadSnapshot(surface).empty());
    // A few of backlined's cycles after each press, as a hand on a tablet gives it: a jump
    // asked for before the audio thread took the one before replaces it.
    JackListener listener(jack.name(), "backline:out_L", "backline:out_R");
    const auto press = [&](const std::string& address, std::vector<backline::control::OscReply::Arg> args = {}) {
        c.send(address, std::move(args));
        auto replies = c.receiveUntilPong();
        EXPECT_TRUE(listener.waitCycles(4));
        return replies;
    };
    // Every other button and request of the layout, in the layout's order, as it sends it:
    // backlined answers each with its reply, not an /error; the replies' addresses are ones
    // the layout's displays may bind.
    for (const auto& [address, args] : sentWithText(layout)) {
        if (untried.count(address))
            continue;
        const auto replies = press(address, {args.begin(), args.end()});
        ASSERT_TRUE(replies) << address;
        ASSERT_FALSE(replies->empty()) << address << " got no reply";
        for (const auto& reply : *replies) {
            EXPECT_NE(reply.address, "/error") << address << ": " << reply.text(1);
            known.insert(reply.address);
        }
        known.insert(address);
    }
    // What a subscribed surface hears when a song plays: the transport's feedback and the
    // section notice, for the displays that bind them.
    press("/setlist/goto", {std::string("dawn")});
    press("/transport/play");
    const auto heard = surface.receiveThrough("/arrangement/section", 5000ms);
    ASSERT_TRUE(heard) << "a section of dawn started";
    for (const auto& m : *heard)
        known.insert(m.address);
    c.send("/transport/stop");

    for (const auto& address : bound)
        EXPECT_TRUE(known.count(address)) << address << " is bound in the layout but the demo has no such address";
    for (const auto& address : sent)
        EXPECT_TRUE(known.count(address)) << address;
    for (const char* display : {"/transport/position", "/transport/tempo", "/arrangement/section", "/arrangement/status",
             "/setlist/cued", "/arrangement/jump"})
        EXPECT_TRUE(bound.count(display)) << "the layout shows " << display;
    // Its scene and song buttons name scenes and songs the demo has (an unknown one was an /error above).
    for (const char* button : {"/scene/recall", "/setlist/goto", "/setlist/next", "/setlist/prev", "/arrangement/next",
             "/arrangement/prev", "/transport/play", "/transport/stop"})
        EXPECT_TRUE(sent.count(button)) << "the layout has a button for " << button;
    // The faders' feedback: a change from elsewhere reaches the address the layout binds.
    surface.drain();
    c.send("/track/drone/gain", {-10.0f});
    auto fed = surface.receiveAddress("/track/drone/gain", 1000ms);
    ASSERT_TRUE(fed);
    EXPECT_TRUE(bound.count("/track/drone/gain"));
}
