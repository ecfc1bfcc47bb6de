// SPDX-License-Identifier: GPL-3.0-or-later
// DspFaultWatch with its clock in the test's hands: the audio thread's fault counts (set here
// directly) become reports, the first at once, then at most one per stage every quiet interval.
#include "app/DspFaultWatch.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace backline;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

/// A graph of guarded stages named labels, its fault counts at zero.
engine::Graph graphOf(const std::vector<std::string>& labels, std::uint64_t generation = 1)
{
    engine::Graph graph;
    graph.generation = generation;
    for (const auto& label : labels) {
        engine::DspStage stage;
        stage.guarded = true;
        stage.label = label;
        graph.stages.push_back(std::move(stage));
    }
    graph.stageFaults = std::make_unique<std::atomic<std::uint32_t>[]>(labels.size());
    return graph;
}

void fail(engine::Graph& graph, std::size_t stage, std::uint32_t blocks)
{
    graph.stageFaults[stage].fetch_add(blocks);
}

const Clock::time_point start {1h};

} // namespace

TEST(DspFaultWatch, NothingIsReportedWhileNoStageFails)
{
    app::DspFaultWatch watch(10s);
    auto graph = graphOf({"track 'a' (a.dsp)", "track 'b' (b.dsp)"});
    EXPECT_TRUE(watch.poll(graph, start).empty());
    EXPECT_TRUE(watch.poll(graph, start + 1min).empty());
}

TEST(DspFaultWatch, AGraphWithoutFaultCountsReportsNothing)
{
    app::DspFaultWatch watch(10s);
    engine::Graph graph;
    graph.stages.resize(2);
    EXPECT_TRUE(watch.poll(graph, start).empty());
}

TEST(DspFaultWatch, TheFirstFaultIsReportedAtOnceWithItsCounts)
{
    app::DspFaultWatch watch(10s);
    auto graph = graphOf({"track 'a' (a.dsp)", "track 'wild' (wild.dsp)"});
    EXPECT_TRUE(watch.poll(graph, start).empty());
    fail(graph, 1, 3);
    const auto faults = watch.poll(graph, start + 1ms);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0].label, "track 'wild' (wild.dsp)");
    EXPECT_EQ(faults[0].blocks, 3u);
    EXPECT_EQ(faults[0].total, 3u);
    EXPECT_TRUE(watch.poll(graph, start + 2ms).empty()) << "nothing new";
}

TEST(DspFaultWatch, AStageThatKeepsFailingIsReportedOncePerQuietIntervalWithTheBlocksSince)
{
    app::DspFaultWatch watch(10s);
    auto graph = graphOf({"track 'wild' (wild.dsp)"});
    fail(graph, 0, 1);
    ASSERT_EQ(watch.poll(graph, start).size(), 1u);
    for (auto t = 1s; t < 10s; t += 1s) {
        fail(graph, 0, 375); // a second of blocks at 48 kHz, 128 frames
        EXPECT_TRUE(watch.poll(graph, start + t).empty()) << "quiet at " << t.count() << " s";
    }
    fail(graph, 0, 375);
    const auto faults = watch.poll(graph, start + 10s);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0].blocks, 10u * 375u) << "every block silenced since the last report";
    EXPECT_EQ(faults[0].total, 1u + 10u * 375u);
    fail(graph, 0, 1);
    EXPECT_TRUE(watch.poll(graph, start + 19s).empty()) << "the interval runs from the last report";
    EXPECT_EQ(watch.poll(graph, start + 20s).size(), 1u);
}

TEST(DspFaultWatch, EachStageHasItsOwnInterval)
{
    app::DspFaultWatch watch(10s);
    auto graph = graphOf({"track 'a' (a.dsp)", "track 'b' (b.dsp)"});
    fail(graph, 0, 1);
    ASSERT_EQ(watch.poll(graph, start).size(), 1u);
    fail(graph, 0, 1);
    fail(graph, 1, 2);
    const auto faults = watch.poll(graph, start + 1s);
    ASSERT_EQ(faults.size(), 1u) << "b's first fault is news; a's second is within its interval";
    EXPECT_EQ(faults[0].label, "track 'b' (b.dsp)");
    EXPECT_EQ(faults[0].blocks, 2u);
}

TEST(DspFaultWatch, ANewGraphIsWatchedAfresh)
{
    app::DspFaultWatch watch(10s);
    auto before = graphOf({"track 'wild' (wild.dsp)"}, 1);
    fail(before, 0, 50);
    ASSERT_EQ(watch.poll(before, start).size(), 1u);
    // A reload: the new graph's counts start at zero, and its first fault is news at once.
    auto after = graphOf({"track 'wild' (wild.dsp)", "track 'b' (b.dsp)"}, 2);
    EXPECT_TRUE(watch.poll(after, start + 1s).empty());
    fail(after, 0, 2);
    const auto faults = watch.poll(after, start + 2s);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0].blocks, 2u);
    EXPECT_EQ(faults[0].total, 2u);
}
