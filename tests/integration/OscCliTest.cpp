// SPDX-License-Identifier: GPL-3.0-or-later
// The `backline` command-line client against a live backlined.
#include "OscLive.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <csignal>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::string cliPath() { return std::string(BACKLINE_BINARY_DIR) + "/control/cli/backline"; }

/// Runs the CLI to completion and returns {exit code, output}.
std::pair<int, std::string> runCli(const LiveDaemon& d, std::vector<std::string> args)
{
    args.insert(args.begin(), {cliPath(), "--port", std::to_string(d.osc_port)});
    Process p(args, d.dir.path() / "cli.log");
    auto code = p.wait(10000ms);
    return {code.value_or(-1), p.output()};
}

} // namespace

TEST(OscCli, GetSendStateAndStatusOverUdpAndTcp)
{
    LiveDaemon d;
    for (const char* transport : {"", "--tcp"}) {
        std::vector<std::string> extra;
        if (*transport)
            extra.push_back(transport);
        auto with = [&](std::vector<std::string> args) {
            args.insert(args.begin(), extra.begin(), extra.end());
            return runCli(d, args);
        };
        EXPECT_EQ(with({"send", "/track/tone/gain", "-7.5"}).first, 0);
        auto [code, out] = with({"get", "/track/tone/gain"});
        EXPECT_EQ(code, 0);
        EXPECT_EQ(out, "/track/tone/gain -7.5\n") << transport;
        auto [stateCode, state] = with({"state"});
        EXPECT_EQ(stateCode, 0);
        EXPECT_NE(state.find("/state/param \"/track/tone/gain\" -7.5 \"dB\" -120 12 0 \"continuous\""), std::string::npos)
            << state;
        EXPECT_NE(state.find("/state/end"), std::string::npos);
        auto [statusCode, status] = with({"status"});
        EXPECT_EQ(statusCode, 0);
        EXPECT_NE(status.find("/status/sample_rate 48000"), std::string::npos) << status;
        auto [errorCode, error] = with({"send", "/track/tone/gian", "1"});
        EXPECT_EQ(errorCode, 2);
        EXPECT_NE(error.find("did you mean"), std::string::npos) << error;
    }
}

TEST(OscCli, WatchPrintsChangesFromOtherClientsAndMeters)
{
    LiveDaemon d;
    // Stopped by Ctrl-C once it has printed what is looked for below, however slow the machine.
    Process watcher({cliPath(), "--port", std::to_string(d.osc_port), "watch", "--meters", "5"},
        d.dir.path() / "watch.log");
    const auto printed = [&](const std::string& what) {
        return waitFor([&] { return watcher.output().find(what) != std::string::npos; }, defaultWait, 20ms);
    };
    EXPECT_TRUE(printed("/snapshot/end")) << "subscribed: " << watcher.output();
    RawOscClient other(RawOscClient::Kind::Udp, d.osc_port);
    other.send("/track/tone/pan", {-0.25f});
    EXPECT_TRUE(printed("/track/tone/pan -0.25")) << watcher.output();
    EXPECT_TRUE(printed("/meters/track/tone ")) << watcher.output();
    watcher.signal(SIGINT);
    auto code = watcher.wait(10000ms);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0);
    const std::string out = watcher.output();
    EXPECT_NE(out.find("/subscribed 10 50"), std::string::npos) << out;
    EXPECT_NE(out.find("/snapshot/begin"), std::string::npos) << out;
    EXPECT_NE(out.find("/track/tone/pan -0.25"), std::string::npos) << out;
    EXPECT_NE(out.find("/meters/track/tone "), std::string::npos) << out;
    EXPECT_EQ(out.find("missed"), std::string::npos) << out;
}

// Issue 16, fault 4: 1,100 one-shot `/subscribe f:3600` from throwaway ports filled the client
// table; fresh clients and `backline status` got no reply, a known client lost its replies.
TEST(OscCli, StatusIsAnsweredDuringAFloodOfOneShotSubscriptionsFromThrowawayPorts)
{
    LiveDaemon d;
    RawOscClient known(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(known.request("/ping"));
    // 2,000 ports on 20 addresses (all of 127/8 is this machine's), one datagram each.
    for (int i = 0; i < 2000; ++i) {
        RawOscClient shot(RawOscClient::Kind::Udp, d.osc_port, "127.0.0." + std::to_string(2 + i % 20));
        shot.send("/subscribe", {3600.0f});
        if (i % 100 == 99) { // the known client is answered throughout; the flood keeps pace
            known.send("/track/tone/gain");
            ASSERT_TRUE(known.receiveAddress("/track/tone/gain")) << "the known client, after " << i + 1;
        }
    }
    auto [code, out] = runCli(d, {"status"});
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("/status/osc/evicted "), std::string::npos) << "the whole status came:\n" << out;
    RawOscClient fresh(RawOscClient::Kind::Udp, d.osc_port);
    auto pong = fresh.request("/ping");
    ASSERT_TRUE(pong) << "a new client is answered";
    EXPECT_EQ(pong->address, "/pong");
    EXPECT_TRUE(d.osc->waitForPong(2000ms)) << "and the harness's client, known from the start";
    const std::string log = d.process->output();
    std::size_t lines = 0;
    for (std::size_t at = log.find("subscribed to feedback"); at != std::string::npos;
         at = log.find("subscribed to feedback", at + 1))
        ++lines;
    EXPECT_LE(lines, 1u) << "one line, not one per subscription:\n" << log;
}

// A client whose reply budget (here 10 KB/s, the session's osc.reply_rate) is smaller than
// the whole /state gets it page by page; `backline state` asks for the pages and prints all.
TEST(OscCli, StatePagesThroughAnAnswerLargerThanTheReplyBudget)
{
    LiveDaemon d(std::string(busSessionYaml) + "osc: {reply_rate: 10000}\n");
    auto [code, out] = runCli(d, {"state"});
    EXPECT_EQ(code, 0) << out;
    const auto end = out.find("/state/end ");
    ASSERT_NE(end, std::string::npos) << out;
    const int total = std::stoi(out.substr(end + 11));
    std::size_t params = 0;
    for (std::size_t at = out.find("/state/param "); at != std::string::npos; at = out.find("/state/param ", at + 1))
        ++params;
    EXPECT_EQ(int(params), total) << out;
    EXPECT_GT(total * 90, 10000) << "the session's /state is larger than the budget: it came in pages";
    EXPECT_NE(out.find("/state/end " + std::to_string(total) + " 0 " + std::to_string(total)), std::string::npos) << out;
}
