// SPDX-License-Identifier: GPL-3.0-or-later
// The `backline` command-line client against a live backlined.
#include "OscLive.h"

#include <gtest/gtest.h>

#include <thread>

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
    Process watcher({cliPath(), "--port", std::to_string(d.osc_port), "watch", "--meters", "5", "--seconds", "2"},
        d.dir.path() / "watch.log");
    std::this_thread::sleep_for(700ms);
    RawOscClient other(RawOscClient::Kind::Udp, d.osc_port);
    other.send("/track/tone/pan", {-0.25f});
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
