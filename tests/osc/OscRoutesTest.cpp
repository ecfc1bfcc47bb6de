// SPDX-License-Identifier: GPL-3.0-or-later
// The route table: one route per address, found the same way by the server and by
// OscDispatcher's direct callers, with the /error of today for what it does not hold.
#include "FakeTarget.h"
#include "RawOscClient.h"

#include "control/osc/OscDispatcher.h"
#include "control/osc/OscRoutes.h"
#include "control/osc/OscServer.h"

#include <gtest/gtest.h>

#include <set>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::vector<OscReply> dispatch(OscDispatcher& dispatcher, std::string_view address)
{
    std::vector<OscReply> out;
    dispatcher.dispatch(address, "", nullptr, 0, out);
    return out;
}

std::string errorText(const std::vector<OscReply>& replies)
{
    if (replies.size() != 1 || replies[0].address != "/error" || replies[0].args.size() != 2)
        return "(not one /error)";
    return std::get<std::string>(replies[0].args[1]);
}

} // namespace

TEST(OscRoutes, EveryAddressHasOneRouteAndEveryRouteAHandler)
{
    std::set<std::string_view> seen;
    for (const auto& route : oscRoutes()) {
        EXPECT_TRUE(seen.insert(route.address).second) << route.address << " twice";
        EXPECT_TRUE(route.address.starts_with("/")) << route.address;
        EXPECT_EQ(route.match == RouteMatch::Prefix, route.address.ends_with("/")) << route.address;
        EXPECT_FALSE(route.summary.empty()) << route.address;
        EXPECT_FALSE(route.arguments.empty()) << route.address;
        const bool hasHandler = std::visit([](auto handler) { return handler != nullptr; }, route.handler);
        EXPECT_TRUE(hasHandler) << route.address;
    }
    // An exact address under a prefix would depend on the lookup's order.
    for (const auto& exact : oscRoutes())
        for (const auto& prefix : oscRoutes())
            if (exact.match == RouteMatch::Exact && prefix.match == RouteMatch::Prefix) {
                EXPECT_FALSE(exact.address.starts_with(prefix.address)) << exact.address << " under " << prefix.address;
            }
}

TEST(OscRoutes, FindsExactAddressesAndFamiliesAndNothingElse)
{
    ASSERT_TRUE(findRoute("/ping"));
    EXPECT_EQ(findRoute("/ping")->address, "/ping");
    EXPECT_EQ(findRoute("/track/a/gain")->address, "/track/");
    EXPECT_EQ(findRoute("/master/gain")->address, "/master/");
    EXPECT_EQ(findRoute("/scene/recall")->address, "/scene/recall");
    EXPECT_FALSE(findRoute("/scene/recal")) << "the scene routes are exact";
    EXPECT_EQ(findRoute("/subscribe")->thread, RouteThread::OscWithClient);
    EXPECT_EQ(findRoute("/session/reload")->thread, RouteThread::Job);
    EXPECT_EQ(findRoute("/record/marker")->thread, RouteThread::Osc);
    EXPECT_FALSE(findRoute("/pingg"));
    EXPECT_FALSE(findRoute("/track")) << "a family is its prefix with the slash";
    EXPECT_FALSE(findRoute(""));
}

TEST(OscRoutes, TheDispatcherAnswersUnknownAndPerClientAddressesWithAnError)
{
    FakeTarget target;
    OscDispatcher dispatcher(target);
    EXPECT_EQ(errorText(dispatch(dispatcher, "/nope")), "unknown address '/nope' (see control/OSC.md)");
    EXPECT_NE(errorText(dispatch(dispatcher, "/subscribe")).find("only the OSC server answers it"), std::string::npos);
    const auto pong = dispatch(dispatcher, "/ping");
    ASSERT_EQ(pong.size(), 1u);
    EXPECT_EQ(pong[0].address, "/pong");
    const auto gain = dispatch(dispatcher, "/track/a/gain");
    ASSERT_EQ(gain.size(), 1u);
    EXPECT_EQ(gain[0].address, "/track/a/gain");
}

TEST(OscRoutes, ARouteThatTakesNoArgumentsRefusesAnyWhereverItRuns)
{
    FakeTarget target;
    OscDispatcher dispatcher(target);
    std::int32_t one = 1;
    lo_arg* argv[] = {reinterpret_cast<lo_arg*>(&one)};
    std::vector<OscReply> out;
    dispatcher.dispatch("/status", "i", argv, 1, out);
    EXPECT_EQ(errorText(out), "/status takes no arguments");
    out.clear();
    dispatcher.dispatch("/ping", "i", argv, 1, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].address, "/pong") << "/ping ignores its arguments";

    // Over the server: on the OSC thread with the client's state, and on the job thread.
    OscServerOptions options;
    options.port = 0;
    auto server = OscServer::start(std::move(options), target);
    ASSERT_TRUE(server) << server.error().message;
    RawOscClient c(RawOscClient::Kind::Udp, (*server)->port());
    for (const char* address : {"/unsubscribe", "/meters/names", "/session/reload"}) {
        c.send(address, {1});
        auto error = c.receiveAddress("/error", 2000ms);
        ASSERT_TRUE(error) << address;
        EXPECT_EQ(error->text(0), address);
        EXPECT_EQ(error->text(1), std::string(address) + " takes no arguments");
    }
    EXPECT_EQ(target.reloads, 0) << "nothing ran";
}

TEST(OscRoutes, SaveRunsOffTheOscThreadWithAnOptionalPathAndRepliesWhereItWrote)
{
    EXPECT_EQ(findRoute("/session/save")->thread, RouteThread::Job);
    FakeTarget target;
    OscDispatcher dispatcher(target);
    auto saved = dispatch(dispatcher, "/session/save");
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0].address, "/session/saved");
    EXPECT_EQ(std::get<std::string>(saved[0].args.at(0)), "/fake/session.yaml");
    EXPECT_EQ(target.savedTo, "");

    char path[] = "copy.yaml\0\0";
    lo_arg* argv[] = {reinterpret_cast<lo_arg*>(path)};
    std::vector<OscReply> out;
    dispatcher.dispatch("/session/save", "s", argv, 1, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<std::string>(out[0].args.at(0)), "/fake/copy.yaml");
    EXPECT_EQ(target.savedTo, "copy.yaml");

    out.clear();
    target.savedTo = "untouched";
    std::int32_t one = 1;
    lo_arg* number[] = {reinterpret_cast<lo_arg*>(&one)};
    dispatcher.dispatch("/session/save", "i", number, 1, out);
    EXPECT_EQ(errorText(out), "argument 1 must be a string, got type 'i'");
    out.clear();
    lo_arg* two[] = {reinterpret_cast<lo_arg*>(path), reinterpret_cast<lo_arg*>(path)};
    dispatcher.dispatch("/session/save", "ss", two, 2, out);
    EXPECT_EQ(errorText(out), "takes at most one argument: the file to write");
    EXPECT_EQ(target.savedTo, "untouched") << "nothing ran";
}
