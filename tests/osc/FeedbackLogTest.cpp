// SPDX-License-Identifier: GPL-3.0-or-later
#include "FakeTarget.h"

#include "control/osc/FeedbackLog.h"

#include <gtest/gtest.h>

#include <thread>

using namespace backline::control;
using backline::test::FakeTarget;

namespace {

std::vector<std::pair<std::string, float>> since(const FeedbackLog& log, std::uint64_t version)
{
    std::vector<std::pair<std::string, float>> out;
    log.changesSince(version, out);
    return out;
}

} // namespace

TEST(FeedbackLog, TheLatestValueOfEachAddressWinsInTheOrderOfLastChange)
{
    FakeTarget target;
    int wakes = 0;
    FeedbackLog log([&] { ++wakes; });
    target.addListener(&log);
    for (int i = 0; i < 1000; ++i)
        target.changeFromElsewhere("/track/a/gain", float(-i % 100));
    target.changeFromElsewhere("/track/b/pan", 0.5f);
    target.changeFromElsewhere("/track/a/gain", -7.0f);
    EXPECT_EQ(wakes, 1) << "one wake-up until the OSC thread collects";
    EXPECT_FALSE(log.collect(0, target.params()));
    auto changes = since(log, 0);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0], std::pair(std::string("/track/b/pan"), 0.5f));
    EXPECT_EQ(changes[1], std::pair(std::string("/track/a/gain"), -7.0f));
    const auto seen = log.version();
    EXPECT_TRUE(since(log, seen).empty());
    target.changeFromElsewhere("/track/c/mute", 1.0f);
    log.collect(0, target.params());
    ASSERT_EQ(since(log, seen).size(), 1u);
    target.removeListener(&log);
}

TEST(FeedbackLog, ChangesFromManyThreadsAllArrive)
{
    FakeTarget target;
    FeedbackLog log([] {});
    target.addListener(&log);
    std::vector<std::thread> threads;
    for (const char* track : {"a", "b", "c"})
        threads.emplace_back([&, track] {
            for (int i = 0; i <= 100; ++i)
                target.changeFromElsewhere(fmt::format("/track/{}/gain", track), float(-i));
        });
    for (auto& t : threads)
        t.join();
    log.collect(0, target.params());
    auto changes = since(log, 0);
    ASSERT_EQ(changes.size(), 3u);
    for (const auto& [address, value] : changes)
        EXPECT_EQ(value, -100.0f) << address;
    target.removeListener(&log);
}

TEST(FeedbackLog, ADeferredChangeShowsWhenItFallsDue)
{
    FakeTarget target;
    FeedbackLog log([] {});
    target.addListener(&log);
    const std::vector<backline::port::ParamChange> timed {{"/track/a/gain", -3.0}};
    ASSERT_TRUE(target.setBatch(timed, 240000, 5000)) << "heard at frame 240000, 5000 ns from now";
    target.changeFromElsewhere("/track/b/gain", -4.0f);
    log.collect(1000, target.params());
    EXPECT_EQ(since(log, 0).size(), 1u);
    EXPECT_EQ(log.nextDueNs(), 5000);
    log.collect(5000, target.params());
    auto changes = since(log, 0);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[1].first, "/track/a/gain");
    target.removeListener(&log);
}

TEST(FeedbackLog, AResetEmptiesTheLogAndIsReportedOnce)
{
    FakeTarget target;
    FeedbackLog log([] {});
    target.addListener(&log);
    target.changeFromElsewhere("/track/a/gain", -3.0f);
    log.collect(0, target.params());
    ASSERT_EQ(log.size(), 1u);
    (void)target.reloadSession();
    EXPECT_TRUE(log.collect(0, target.params()));
    EXPECT_EQ(log.size(), 0u);
    EXPECT_FALSE(log.collect(0, target.params()));
    target.removeListener(&log);
}
