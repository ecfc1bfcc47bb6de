// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter batches of any size through the real engine, offline: all of a batch lands in one
// block (at its frame, when it has one) or none of it does.
#include "EngineFixture.h"
#include "TrackTaps.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

using backline::port::ParamChange;
using backline::port::ParamKind;
using backline::test::OfflineSession;
using backline::test::TrackTaps;

namespace {

constexpr std::uint32_t block = 256;

/// 72 mono tone tracks and an aux bus: 2,000 and more parameters.
std::string bigSession()
{
    std::string yaml = "backline: 1\ntracks:\n";
    for (int t = 0; t < 72; ++t)
        yaml += "  - name: t" + std::to_string(t) + "\n    dsp: tone\n    params: {freq: " + std::to_string(200 + 10 * t)
            + ", level: -40}\n";
    return yaml + "buses:\n  - name: fx\n";
}

/// The value a parameter holds or, ramped by the engine (a session's own DSP, a strip
/// section), heads for.
float heading(const backline::engine::Graph& graph, backline::engine::ParamId id)
{
    const auto& slot = graph.slots[id];
    if (slot.smoothing != backline::engine::Smoothing::Engine)
        return *slot.zone;
    return slot.geometric ? slot.exact : slot.smoother.target(); // a geometric ramp runs in ln(value)
}

/// A value for a parameter that differs from value: a quarter (or, with other, three quarters)
/// of the way up a continuous range; the other end for a step or switch.
float another(const backline::port::ParamInfo& info, float value, bool other = false)
{
    if (info.kind == ParamKind::Continuous) {
        const float v = info.min + (other ? 0.75f : 0.25f) * (info.max - info.min);
        return v != value ? v : info.min + 0.5f * (info.max - info.min);
    }
    return value != info.max ? info.max : info.min;
}

/// One change for each of the graph's first `count` parameters that `want` accepts (triggers
/// never: they fire), to a value its zone does not hold.
struct Batch {
    std::vector<ParamChange> changes;
    std::vector<backline::engine::ParamId> ids;
    std::vector<float> values;
};
template <class Want>
Batch pick(const backline::engine::Graph& graph, std::size_t count, Want want, bool other = false)
{
    Batch b;
    const auto& table = *graph.params;
    for (backline::engine::ParamId id = 0; id < table.size() && b.ids.size() < count; ++id) {
        const auto& info = table[id];
        if (info.kind == ParamKind::Trigger || !want(info))
            continue;
        const float value = another(info, heading(graph, id), other);
        b.changes.push_back({info.address, value});
        b.ids.push_back(id);
        b.values.push_back(value);
    }
    return b;
}
auto anyParam = [](const backline::port::ParamInfo&) { return true; };
auto ignore = [](const float* const*, std::uint32_t) -> backline::Result<void> { return {}; };

/// How many of batch's parameters hold (or head for) their batch value in graph (read on the
/// thread that renders, between blocks).
std::size_t landed(const backline::engine::Graph& graph, const Batch& batch)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < batch.ids.size(); ++i)
        n += heading(graph, batch.ids[i]) == batch.values[i];
    return n;
}

} // namespace

TEST(Batch, TwoThousandChangesLandTogetherInOneBlock)
{
    OfflineSession s(bigSession());
    const auto& graph = *s.installedGraph();
    const Batch b = pick(graph, 2000, anyParam);
    ASSERT_EQ(b.ids.size(), 2000u);
    ASSERT_TRUE(s.control.setBatch(b.changes));
    EXPECT_EQ(landed(graph, b), 0u) << "nothing before the audio thread runs";
    ASSERT_TRUE(s.renderer->render(block, ignore));
    EXPECT_EQ(landed(graph, b), 2000u) << "all of it in the next block";
    EXPECT_EQ(s.engine.droppedCommands(), 0u);
}

TEST(Batch, ATimedBatchOfTwoThousandLandsWholeOnItsFrameInsideABlock)
{
    OfflineSession s(bigSession());
    OfflineSession untouched(bigSession());
    const auto& graph = *s.installedGraph();
    TrackTaps taps(s, {0, 71});
    TrackTaps reference(untouched, {0, 71});
    // More than the engine holds timed commands (config::maxTimedCommands): one batch is one.
    const Batch b = pick(graph, 2000, anyParam);
    const std::uint64_t start = s.engine.clock();
    const std::uint64_t at = start + 3 * block + 100;
    ASSERT_TRUE(s.control.setBatch(b.changes, at));
    std::uint64_t blockStart = start;
    auto check = [&](const float* const*, std::uint32_t n) -> backline::Result<void> {
        const std::uint64_t blockEnd = blockStart + n;
        const std::size_t count = landed(graph, b);
        if (blockEnd <= at)
            EXPECT_EQ(count, 0u) << "block ending at " << blockEnd << ", before the batch's frame";
        else
            EXPECT_EQ(count, b.ids.size()) << "block ending at " << blockEnd << ", from the batch's frame on";
        blockStart = blockEnd;
        return {};
    };
    ASSERT_TRUE(s.renderer->render(8 * block, check));
    const auto heard = taps.render(0.0);
    untouched.render(double(8 * block) / 48000.0);
    const auto plain = reference.render(0.0);
    for (std::size_t t = 0; t < 2; ++t) {
        std::size_t first = 0;
        while (first < heard[t].left.size() && heard[t].left[first] == plain[t].left[first])
            ++first;
        EXPECT_EQ(first, std::size_t(at - start)) << "the first and last track change on the batch's frame";
    }
}

TEST(Batch, ABatchLargerThanTheCommandQueueLandsWhole)
{
    OfflineSession s(bigSession());
    const auto& graph = *s.installedGraph();
    // 10,000 changes, more than the queue's 8,192 commands: each parameter set four or five
    // times, the last value winning as it would in a bundle.
    const Batch first = pick(graph, 2000, anyParam);
    const Batch last = pick(graph, 2000, anyParam, true);
    std::vector<ParamChange> changes;
    for (int round = 0; round < 4; ++round)
        changes.insert(changes.end(), (round % 2 ? last : first).changes.begin(), (round % 2 ? last : first).changes.end());
    changes.insert(changes.end(), last.changes.begin(), last.changes.end());
    ASSERT_EQ(changes.size(), 10000u);
    ASSERT_TRUE(s.control.setBatch(changes));
    ASSERT_TRUE(s.renderer->render(block, ignore));
    EXPECT_EQ(landed(graph, last), last.ids.size());
    EXPECT_EQ(s.control.get(last.changes.front().first)->value, last.values.front());
}

TEST(Batch, ABatchThatCannotBeQueuedChangesNothing)
{
    OfflineSession s(bigSession());
    const auto& graph = *s.installedGraph();
    // Fill the command queue with sets of one parameter left out of the batch.
    int queued = 0;
    while (s.control.set("/track/t71/pan", queued % 2 ? 0.5 : -0.5))
        ++queued;
    ASSERT_GT(queued, 1000);
    const Batch b = pick(graph, 2000, [](const backline::port::ParamInfo& info) {
        return info.address.rfind("/track/t71/", 0) != 0;
    });
    const auto dropped = s.engine.droppedCommands();
    auto r = s.control.setBatch(b.changes);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("nothing applied"), std::string::npos) << r.error().message;
    EXPECT_EQ(s.engine.droppedCommands(), dropped + 2000) << "every change refused is counted";
    EXPECT_NE(s.control.get(b.changes.front().first)->value, b.values.front()) << "reads do not show it";
    ASSERT_TRUE(s.renderer->render(4 * block, ignore));
    EXPECT_EQ(landed(graph, b), 0u) << "the audio thread, having drained the queue, applied none of it";
    EXPECT_EQ(*graph.slots[*graph.params->find("/track/t71/pan")].zone, queued % 2 ? -0.5f : 0.5f)
        << "the sets before it all landed";

    // With room for fewer commands than the batch has changes, it goes in whole or not at all.
    for (int i = 0; i < queued - 1000; ++i)
        ASSERT_TRUE(s.control.set("/track/t71/pan", i % 2 ? 0.5 : -0.5));
    const bool accepted = s.control.setBatch(b.changes).has_value();
    ASSERT_TRUE(s.renderer->render(4 * block, ignore));
    EXPECT_EQ(landed(graph, b), accepted ? b.ids.size() : 0u) << (accepted ? "accepted" : "refused");
}

TEST(Batch, BlocksRunningWhileBatchesArriveSeeEachBatchWholeOrNotAtAll)
{
    OfflineSession s(bigSession());
    const auto& graph = *s.installedGraph();
    // Continuous parameters only, so that the two batches and the start differ everywhere.
    auto continuous = [](const backline::port::ParamInfo& info) { return info.kind == ParamKind::Continuous; };
    const Batch a = pick(graph, 2000, continuous);
    const Batch b = pick(graph, 2000, continuous, true);
    ASSERT_EQ(a.ids.size(), 2000u);
    Batch start;
    start.ids = a.ids;
    for (auto id : a.ids)
        start.values.push_back(heading(graph, id));

    std::atomic<bool> done {false};
    std::thread control([&] {
        for (int i = 0; i < 300; ++i)
            while (!s.control.setBatch((i % 2 ? b : a).changes))
                std::this_thread::yield(); // the queue is full: the blocks below drain it
        done.store(true);
    });
    std::size_t blocks = 0, torn = 0;
    auto check = [&](const float* const*, std::uint32_t) -> backline::Result<void> {
        const std::size_t n = a.ids.size();
        ++blocks;
        if (landed(graph, a) != n && landed(graph, b) != n && landed(graph, start) != n)
            ++torn;
        return {};
    };
    while (!done.load())
        ASSERT_TRUE(s.renderer->render(block, check));
    control.join();
    ASSERT_TRUE(s.renderer->render(block, check));
    EXPECT_EQ(torn, 0u) << "of " << blocks << " blocks, some saw part of a batch";
    EXPECT_EQ(landed(graph, b), b.ids.size()) << "the last batch sent is what stays";
}

TEST(Batch, ABatchIsFreedOnTheControlSideOnceTheAudioThreadIsDoneWithIt)
{
    OfflineSession s(bigSession());
    const auto& graph = *s.installedGraph();
    const Batch b = pick(graph, 100, anyParam);
    const auto later = s.engine.clock() + 10 * block;
    ASSERT_TRUE(s.control.setBatch(b.changes, later));
    ASSERT_TRUE(s.control.setBatch(b.changes));
    EXPECT_EQ(s.engine.batchesHeld(), 2u);
    s.render(double(block) / 48000.0); // the renderer collects garbage after each block
    EXPECT_EQ(s.engine.batchesHeld(), 1u) << "the timed one is still waiting for its frame";
    s.render(double(10 * block) / 48000.0);
    EXPECT_EQ(s.engine.batchesHeld(), 0u);
}

TEST(Batch, ATaggedBatchReportsTheFrameItLandedOnAndOneForAReplacedGraphDoesNot)
{
    OfflineSession s(bigSession());
    const auto& graph = *s.installedGraph();
    const Batch b = pick(graph, 10, anyParam);
    const auto at = s.engine.clock() + 3 * block + 17;
    ASSERT_TRUE(s.control.morph(b.changes, 0.5, at, 0, 7));
    ASSERT_TRUE(s.control.morph(b.changes, 0.0, 0, 0, 8));
    ASSERT_TRUE(s.control.morph(b.changes, 0.0)); // untagged: not reported
    s.render(double(5 * block) / 48000.0);
    const auto landings = s.engine.takeLandings();
    ASSERT_EQ(landings.size(), 2u);
    EXPECT_EQ(landings[0].tag, 8u) << "in the order they landed";
    EXPECT_EQ(landings[1].tag, 7u);
    EXPECT_EQ(landings[1].frame, at) << "the frame inside its block";
    EXPECT_TRUE(s.engine.takeLandings().empty()) << "each reported once";

    std::vector<backline::engine::ParamChange> forOther {{0, 0.0f}};
    ASSERT_TRUE(s.engine.setParams(graph.generation + 1, forOther, 0, 0, std::nullopt, 9));
    s.render(double(block) / 48000.0);
    EXPECT_TRUE(s.engine.takeLandings().empty()) << "a batch for another graph landed nowhere";
}
