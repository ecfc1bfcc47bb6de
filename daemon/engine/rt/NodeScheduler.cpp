// SPDX-License-Identifier: GPL-3.0-or-later
// How the workers share one run of a graph's nodes (see NodeScheduler.h).
#include "engine/rt/NodeScheduler.h"

#include "core/Config.h"

#include <limits>

namespace backline::engine {

namespace {

/// How long a helper spins for the next node to become ready before it goes back to sleep for
/// the rest of the run (some tens of µs): long enough to wait for a node's inputs, short
/// enough not to hold a core that a starved audio thread needs.
constexpr std::uint32_t helperPatience = 1000;

/// One turn of a spin-wait: tells the core it may give a hyperthread sibling its time.
inline void relax() noexcept BACKLINE_NONBLOCKING
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

} // namespace

NodeScheduler::NodeScheduler(std::uint32_t helpers, Wake wake, void* context)
    : helpers_(helpers)
    , wake_(wake)
    , context_(context)
    , waiting_(std::make_unique<std::atomic<std::uint32_t>[]>(config::maxGraphNodes))
    , ready_(std::make_unique<std::atomic<std::int32_t>[]>(config::maxGraphNodes))
{
}

void NodeScheduler::push(std::uint32_t id) noexcept
{
    const std::uint32_t slot = pushed_.fetch_add(1, std::memory_order_relaxed);
    ready_[slot].store(std::int32_t(id), std::memory_order_release); // publishes what its inputs wrote
}

std::uint32_t NodeScheduler::work(const NodeScratch& scratch, std::uint32_t patience) noexcept
{
    std::uint32_t ran = 0;
    std::uint32_t idle = 0;
    for (;;) {
        std::uint32_t slot = taken_.load(std::memory_order_acquire);
        if (slot >= count_)
            return ran; // every node is taken; run() waits for the last ones
        const std::int32_t id = ready_[slot].load(std::memory_order_acquire);
        if (id < 0) {
            // The next ready node is not pushed yet: its inputs are still running.
            if (++idle > patience)
                return ran;
            relax();
            continue;
        }
        idle = 0;
        if (!taken_.compare_exchange_weak(slot, slot + 1, std::memory_order_acq_rel))
            continue; // another thread took it
        const auto node = std::uint32_t(id);
        order_->node(node)->process(run_, scratch);
        ++ran;
        for (std::uint32_t reader : order_->readers(node))
            if (waiting_[reader].fetch_sub(1, std::memory_order_acq_rel) == 1)
                push(reader);
        remaining_.fetch_sub(1, std::memory_order_release); // pairs with run()'s acquire
    }
}

void NodeScheduler::help(const NodeScratch& scratch, std::uint32_t& seen) noexcept
{
    // Announce ourselves before looking: run() closes the run (odd epoch) and then waits for
    // active_ to be 0 before it rewrites the run's state. Sequentially consistent on both
    // sides, so either it sees us here or we see its closed epoch.
    active_.fetch_add(1, std::memory_order_seq_cst);
    const std::uint32_t epoch = epoch_.load(std::memory_order_seq_cst);
    if ((epoch & 1u) == 0 && epoch != seen) {
        seen = epoch;
        if (const std::uint32_t ran = work(scratch, helperPatience))
            helperNodes_.fetch_add(ran, std::memory_order_relaxed); // a statistic
    }
    active_.fetch_sub(1, std::memory_order_release); // our last reads of the run come before it
}

void NodeScheduler::run(const NodeOrder& order, const NodeRun& run, const NodeScratch& scratch) noexcept
{
    const std::uint32_t n = order.size();
    if (helpers_ == 0 || n > config::maxGraphNodes || order.depth() == n) {
        // Nothing to share (no helpers, or a chain): the serial order on this thread.
        for (std::uint32_t id : order.serial())
            order.node(id)->process(run, scratch);
        return;
    }
    // Close the run and wait until no helper is inside the last one (a late one).
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    while (active_.load(std::memory_order_seq_cst) != 0)
        relax();
    order_ = &order;
    run_ = run;
    count_ = n;
    for (std::uint32_t i = 0; i < n; ++i) {
        waiting_[i].store(order.waitsFor(i), std::memory_order_relaxed);
        ready_[i].store(-1, std::memory_order_relaxed);
    }
    pushed_.store(0, std::memory_order_relaxed);
    taken_.store(0, std::memory_order_relaxed);
    remaining_.store(n, std::memory_order_relaxed);
    for (std::uint32_t id : order.roots())
        push(id);
    epoch_.fetch_add(1, std::memory_order_seq_cst); // open: publishes all of the above
    wake_(context_, helpers_);
    work(scratch, std::numeric_limits<std::uint32_t>::max());
    while (remaining_.load(std::memory_order_acquire) != 0)
        relax(); // the last nodes run on helpers
}

} // namespace backline::engine
