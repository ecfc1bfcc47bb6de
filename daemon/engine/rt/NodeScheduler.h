// SPDX-License-Identifier: GPL-3.0-or-later
// NodeScheduler: how the threads of a WorkerPool share one run of a graph's nodes — the way
// Ardour's process graph and supernova's DSP threads do it — without a lock, and without a
// call the audio thread could block on.
#pragma once

#include "core/Nonblocking.h"
#include "engine/NodeOrder.h"
#include "engine/rt/ProcessNode.h"

#include <atomic>
#include <cstdint>
#include <memory>

namespace backline::engine {

/// Hands out a NodeOrder's nodes to the audio thread and its helpers. A node becomes ready
/// when the last node it reads has run; ready nodes go into a lock-free list, and any thread
/// takes the next. The audio thread (run()) wakes the helpers through a callback that must
/// not block (a semaphore's post), takes nodes and, when every node left is already taken,
/// spins until they are done. A helper, woken, calls help(). Which thread runs which node
/// does not change a single bit of the result (ProcessNode).
class NodeScheduler {
public:
    /// Wakes `count` helpers (context is the owner's); must never block.
    using Wake = void (*)(void* context, std::uint32_t count) noexcept BACKLINE_NONBLOCKING;

    /// [control] For `helpers` helper threads woken through wake(context, n); sized for
    /// config::maxGraphNodes.
    NodeScheduler(std::uint32_t helpers, Wake wake, void* context);
    NodeScheduler(const NodeScheduler&) = delete;
    NodeScheduler& operator=(const NodeScheduler&) = delete;

    /// Helper threads (the caller of run() is one more worker).
    std::uint32_t helpers() const noexcept { return helpers_; }

    /// [audio] Runs every node of order once for run, in parallel where order allows, and
    /// returns when all have run. scratch is the calling thread's. One caller at a time.
    void run(const NodeOrder& order, const NodeRun& run, const NodeScratch& scratch) noexcept BACKLINE_NONBLOCKING;

    /// [helper, once woken] Joins the run under way, if it has not joined it already (`seen`
    /// is the helper's own memory of that), and takes nodes until all are taken or none has
    /// been ready for a few tens of µs: then it should sleep again, so a starved machine does
    /// not lose a core to its spinning.
    void help(const NodeScratch& scratch, std::uint32_t& seen) noexcept BACKLINE_NONBLOCKING;

    /// [any] Nodes the helpers have run so far: how much of the work they share.
    std::uint64_t helperNodes() const noexcept { return helperNodes_.load(std::memory_order_relaxed); }

private:
    /// Takes and runs ready nodes until every node of the run is taken, or none has been ready
    /// for `patience` turns of a spin. Returns the nodes it ran.
    std::uint32_t work(const NodeScratch& scratch, std::uint32_t patience) noexcept BACKLINE_NONBLOCKING;
    void push(std::uint32_t id) noexcept BACKLINE_NONBLOCKING;

    std::uint32_t helpers_;
    Wake wake_;
    void* context_;

    // One run's state. The audio thread writes the plain fields while epoch_ is odd (closed)
    // and no helper is inside (active_ == 0); helpers read them after seeing it even.
    // The counters every thread hammers during a run each get a cache line of their own.
    alignas(64) std::atomic<std::uint32_t> epoch_ {0};
    alignas(64) std::atomic<std::uint32_t> active_ {0};
    const NodeOrder* order_ = nullptr;
    NodeRun run_ {};
    std::uint32_t count_ = 0;
    std::unique_ptr<std::atomic<std::uint32_t>[]> waiting_; // by node: nodes it still waits for
    std::unique_ptr<std::atomic<std::int32_t>[]> ready_;    // by slot: a ready node's id, -1 until pushed
    alignas(64) std::atomic<std::uint32_t> pushed_ {0};     // slots filled
    alignas(64) std::atomic<std::uint32_t> taken_ {0};      // slots taken
    alignas(64) std::atomic<std::uint32_t> remaining_ {0};  // nodes not yet run
    alignas(64) std::atomic<std::uint64_t> helperNodes_ {0};
};

} // namespace backline::engine
