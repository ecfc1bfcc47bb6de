// SPDX-License-Identifier: GPL-3.0-or-later
// WorkerPool and NodeScheduler: every node runs once per run, after every node it reads,
// whichever of the threads takes it; the helpers take part; a pool stops cleanly, and a bad
// worker count is refused.
#include "engine/WorkerPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <vector>

namespace {

using namespace backline::engine;

/// A node that checks it runs after its inputs in the same run, and counts its runs.
struct Checked final : ProcessNode {
    void process(const NodeRun&, const NodeScratch& scratch) noexcept BACKLINE_NONBLOCKING override
    {
        for (const Checked* input : inputs)
            if (input->lastRun.load(std::memory_order_relaxed) != *currentRun)
                misordered.fetch_add(1, std::memory_order_relaxed);
        // Some work, on this thread's scratch, so that runs overlap.
        float acc = 0.0f;
        for (int i = 0; i < 256; ++i) {
            scratch.gains[0][i] = float(i) * 0.5f;
            acc += scratch.gains[0][i];
        }
        sink = acc;
        const std::uint64_t before = lastRun.exchange(*currentRun, std::memory_order_relaxed);
        if (before == *currentRun)
            twice.fetch_add(1, std::memory_order_relaxed);
        runs.fetch_add(1, std::memory_order_relaxed);
    }
    std::vector<const Checked*> inputs;
    const std::uint64_t* currentRun = nullptr;
    std::atomic<std::uint64_t> lastRun {0};
    std::atomic<std::uint64_t> runs {0};
    std::atomic<int> misordered {0};
    std::atomic<int> twice {0};
    float sink = 0.0f;
};

/// 48 tracks → 4 buses (each fed by every track) → master, as a mixer's graph.
struct MixerShape {
    explicit MixerShape(std::uint64_t* run)
        : nodes(53)
    {
        for (auto& n : nodes) {
            n.currentRun = run;
            order.add(&n);
        }
        for (std::uint32_t b = 48; b < 52; ++b) {
            for (std::uint32_t t = 0; t < 48; ++t) {
                order.connect(t, b);
                nodes[b].inputs.push_back(&nodes[t]);
            }
            order.connect(b, 52);
            nodes[52].inputs.push_back(&nodes[b]);
        }
        EXPECT_TRUE(order.finish());
    }
    std::vector<Checked> nodes;
    NodeOrder order;
};

TEST(WorkerPool, EveryNodeRunsOnceAfterItsInputsAndTheHelpersTakePart)
{
    auto pool = WorkerPool::create(4);
    ASSERT_TRUE(pool) << pool.error().message;
    ASSERT_EQ((*pool)->workers(), 4);
    std::uint64_t run = 0;
    MixerShape shape(&run);
    std::vector<float> gains(2 * 8192);
    const NodeScratch scratch {{gains.data(), gains.data() + 8192}};
    NodeScheduler& scheduler = (*pool)->scheduler();
    // At least 2,000 runs, and on until the helpers have taken nodes (a machine too busy to
    // schedule them for a while only makes it longer; a minute is the limit).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (run < 2000 || (scheduler.helperNodes() == 0 && std::chrono::steady_clock::now() < deadline)) {
        ++run;
        scheduler.run(shape.order, NodeRun {}, scratch);
    }
    for (const Checked& n : shape.nodes) {
        EXPECT_EQ(n.runs.load(), run);
        EXPECT_EQ(n.misordered.load(), 0);
        EXPECT_EQ(n.twice.load(), 0);
    }
    EXPECT_GT(scheduler.helperNodes(), 0u) << "the helpers never ran a node in " << run << " runs";
}

TEST(WorkerPool, OneWorkerRunsTheSerialOrderOnTheCallingThread)
{
    auto pool = WorkerPool::create(1);
    ASSERT_TRUE(pool) << pool.error().message;
    std::uint64_t run = 0;
    MixerShape shape(&run);
    std::vector<float> gains(2 * 8192);
    const NodeScratch scratch {{gains.data(), gains.data() + 8192}};
    for (int i = 0; i < 100; ++i) {
        ++run;
        (*pool)->scheduler().run(shape.order, NodeRun {}, scratch);
    }
    for (const Checked& n : shape.nodes) {
        EXPECT_EQ(n.runs.load(), 100u);
        EXPECT_EQ(n.misordered.load(), 0);
    }
    EXPECT_EQ((*pool)->scheduler().helperNodes(), 0u);
}

TEST(WorkerPool, BadCountsAndAFailedThreadAreErrors)
{
    for (int bad : {0, -1, 65}) {
        auto pool = WorkerPool::create(bad);
        ASSERT_FALSE(pool) << bad;
        EXPECT_NE(pool.error().message.find("workers must be from 1 to 64"), std::string::npos) << pool.error().message;
    }
    // The third helper cannot start: the two started are stopped again, and the error says which.
    int started = 0;
    auto pool = WorkerPool::create(4, [&](void* (*entry)(void*), void* arg) -> backline::Result<pthread_t> {
        if (started == 2)
            return backline::makeError(backline::ErrorCode::Engine, "no more threads");
        ++started;
        return WorkerPool::plainThread(entry, arg);
    });
    ASSERT_FALSE(pool);
    EXPECT_EQ(pool.error().message, "worker 4 of 4: no more threads");
}

TEST(WorkerPool, StopsAtOnceWhetherItRanOrNot)
{
    for (int i = 0; i < 20; ++i) {
        auto pool = WorkerPool::create(3);
        ASSERT_TRUE(pool);
        if (i % 2 == 0) {
            std::uint64_t run = 1;
            MixerShape shape(&run);
            std::vector<float> gains(2 * 8192);
            (*pool)->scheduler().run(shape.order, NodeRun {}, NodeScratch {{gains.data(), gains.data() + 8192}});
        }
    } // each destructor joins its helpers; a hang here fails the test by its timeout
}

} // namespace
