// SPDX-License-Identifier: GPL-3.0-or-later
// backlined's command line, parsed once into DaemonOptions. (Help, version and what the daemon
// then does with the options are tested end to end in tests/integration/DaemonCliTest.cpp.)
#include "app/DaemonOptions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace backline;

namespace {

app::ParsedOptions parse(std::vector<std::string> args)
{
    args.insert(args.begin(), "backlined");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    return app::parseOptions(int(args.size()), argv.data());
}

} // namespace

TEST(DaemonOptions, ASessionAloneRunsLiveWithTheDefaults)
{
    const auto parsed = parse({"--session", "show.yaml"});
    ASSERT_TRUE(parsed.options);
    const auto& o = *parsed.options;
    EXPECT_EQ(o.session, "show.yaml");
    EXPECT_EQ(o.jackServer, "") << "JACK's default server";
    EXPECT_EQ(o.clientName, "backline");
    EXPECT_FALSE(o.oscPort) << "the session's osc.port decides";
    EXPECT_FALSE(o.render) << "live, not offline";
    EXPECT_FALSE(o.duration) << "10 s, or a song's own length";
    EXPECT_FALSE(o.song);
    EXPECT_EQ(o.tail, 2.0);
    EXPECT_TRUE(o.cacheDir.empty()) << "the default cache";
    EXPECT_FALSE(o.noCache);
}

TEST(DaemonOptions, EveryOptionIsTaken)
{
    const auto parsed = parse({"-s", "show.yaml", "--jack-server", "stage", "--client-name", "foh", "--osc-port", "9100",
        "--render", "out.wav", "--duration", "2.5", "--cache-dir", "/tmp/cache", "--no-cache"});
    ASSERT_TRUE(parsed.options);
    const auto& o = *parsed.options;
    EXPECT_EQ(o.session, "show.yaml");
    EXPECT_EQ(o.jackServer, "stage");
    EXPECT_EQ(o.clientName, "foh");
    EXPECT_EQ(o.oscPort, 9100);
    EXPECT_EQ(o.render, std::filesystem::path("out.wav"));
    EXPECT_EQ(o.duration, 2.5);
    EXPECT_EQ(o.cacheDir, "/tmp/cache");
    EXPECT_TRUE(o.noCache);
}

TEST(DaemonOptions, WithoutASessionItDoesNotRun)
{
    const auto parsed = parse({"--jack-server", "stage"});
    EXPECT_FALSE(parsed.options);
    EXPECT_NE(parsed.exitCode, 0);
}

TEST(DaemonOptions, AnOscPortOutsideOneTo65535IsAUsageError)
{
    for (const char* port : {"0", "65536", "-1", "ninety"}) {
        const auto parsed = parse({"--session", "show.yaml", "--osc-port", port});
        EXPECT_FALSE(parsed.options) << port;
        EXPECT_NE(parsed.exitCode, 0) << port;
    }
    EXPECT_EQ(parse({"--session", "show.yaml", "--osc-port", "65535"}).options->oscPort, 65535);
}

TEST(DaemonOptions, ARenderLengthMustBePositive)
{
    for (const char* seconds : {"0", "-3"}) {
        const auto parsed = parse({"--session", "show.yaml", "--render", "out.wav", "--duration", seconds});
        EXPECT_FALSE(parsed.options) << seconds;
        EXPECT_NE(parsed.exitCode, 0) << seconds;
    }
}

TEST(DaemonOptions, ASongIsRenderedWithATailUnlessADurationIsGiven)
{
    const auto song = parse({"--session", "show.yaml", "--render", "out.wav", "--song", "opener", "--tail", "0"});
    ASSERT_TRUE(song.options);
    EXPECT_EQ(song.options->song, "opener");
    EXPECT_EQ(song.options->tail, 0.0);
    EXPECT_FALSE(song.options->duration);
    const auto capped = parse({"--session", "show.yaml", "--render", "out.wav", "--song", "opener", "--duration", "30"});
    ASSERT_TRUE(capped.options);
    EXPECT_EQ(capped.options->duration, 30.0);
    const std::vector<std::vector<std::string>> refused = {
        {"--session", "show.yaml", "--song", "opener"}, // live: there is no render to put it in
        {"--session", "show.yaml", "--render", "out.wav", "--tail", "1"}, // a tail of what?
        {"--session", "show.yaml", "--render", "out.wav", "--song", "opener", "--tail", "1", "--duration", "9"},
        {"--session", "show.yaml", "--render", "out.wav", "--song", "opener", "--tail", "-1"},
    };
    for (const auto& args : refused) {
        const auto parsed = parse(args);
        EXPECT_FALSE(parsed.options) << args.size();
        EXPECT_NE(parsed.exitCode, 0) << args.size();
    }
}

TEST(DaemonOptions, WorkersAreOneToSixtyFourAndOverrideTheSession)
{
    EXPECT_FALSE(parse({"--session", "show.yaml"}).options->workers) << "the session's, else one per core";
    EXPECT_EQ(parse({"--session", "show.yaml", "--workers", "1"}).options->workers, 1);
    EXPECT_EQ(parse({"--session", "show.yaml", "--workers", "64"}).options->workers, 64);
    for (const char* bad : {"0", "65", "-2", "all", "1.5"}) {
        const auto parsed = parse({"--session", "show.yaml", "--workers", bad});
        EXPECT_FALSE(parsed.options) << bad;
        EXPECT_NE(parsed.exitCode, 0) << bad;
    }
}

TEST(DaemonOptions, WaitJackTakesSecondsOrNothingForAsLongAsItTakes)
{
    EXPECT_FALSE(parse({"--session", "show.yaml"}).options->waitJack);
    const auto forever = parse({"--session", "show.yaml", "--wait-jack"});
    ASSERT_TRUE(forever.options);
    EXPECT_EQ(forever.options->waitJack, 0.0);
    const auto before = parse({"--wait-jack", "--session", "show.yaml"});
    ASSERT_TRUE(before.options);
    EXPECT_EQ(before.options->waitJack, 0.0);
    EXPECT_EQ(before.options->session, "show.yaml");
    const auto limited = parse({"--session", "show.yaml", "--wait-jack", "12.5"});
    ASSERT_TRUE(limited.options);
    EXPECT_EQ(limited.options->waitJack, 12.5);
    const auto negative = parse({"--session", "show.yaml", "--wait-jack", "-3"});
    EXPECT_FALSE(negative.options);
    EXPECT_NE(negative.exitCode, 0);
    EXPECT_FALSE(parse({"--session", "show.yaml", "--wait-jack", "soon"}).options);
}
