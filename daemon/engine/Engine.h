// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Config.h"
#include "core/Nonblocking.h"
#include "core/SpscQueue.h"
#include "engine/Command.h"
#include "engine/Graph.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace backline::engine {

/// Runs the current graph one block at a time. Knows nothing of JACK: the JACK backend calls
/// it from the process callback, the offline renderer in a loop. Control threads talk to it
/// only through the command queue; it answers through the event queue.
class Engine {
public:
    Engine() = default;
    /// [control] Frees the current graph and any still queued. The audio thread must have stopped.
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// [control] Hands graph to the audio thread; it runs from the next block on. The previous
    /// graph is freed by collectGarbage() once the audio thread has let it go.
    void installGraph(std::unique_ptr<Graph> graph);

    /// [control] Queues a parameter change for the graph of `generation` (ignored by any other).
    /// False when the queue is full (counted in droppedCommands()).
    bool setParam(std::uint64_t generation, ParamId param, float value);

    /// [control] Frees graphs the audio thread has retired. Call it regularly (maintenance loop).
    void collectGarbage();

    /// [audio] Applies queued commands and swaps in a new graph if one was posted; returns the
    /// graph this block runs (nullptr before the first install).
    const Graph* beginBlock() noexcept BACKLINE_NONBLOCKING;

    /// [audio] Runs the current graph: inputs per engine input channel (null = silence), two
    /// master outputs (null = discarded). nframes ≤ the graph's maxFrames.
    void runBlock(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::size_t numOutputs,
        std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

    /// [audio] beginBlock() then runBlock().
    void process(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::size_t numOutputs,
        std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING
    {
        beginBlock();
        runBlock(inputs, numInputs, outputs, numOutputs, nframes);
    }

    /// Blocks processed so far.
    std::uint64_t blocks() const noexcept { return blocks_.load(std::memory_order_relaxed); }
    /// Commands dropped because the queue was full.
    std::uint64_t droppedCommands() const noexcept { return droppedCommands_.load(std::memory_order_relaxed); }

private:
    void apply(const Command& command) noexcept BACKLINE_NONBLOCKING;
    void retire(Graph* graph) noexcept BACKLINE_NONBLOCKING;
    bool push(const Command& command);

    std::mutex producerMutex_; // serialises control threads onto the single-producer queue; never taken by audio
    SpscQueue<Command, config::commandQueueCapacity> commands_;
    SpscQueue<Event, config::eventQueueCapacity> events_;

    Graph* current_ = nullptr;  // audio thread's own
    std::array<Graph*, 16> deadwood_ {}; // retired graphs whose event did not fit yet (audio thread's own)
    std::atomic<std::uint64_t> leakedGraphs_ {0};
    std::atomic<std::uint64_t> blocks_ {0};
    std::atomic<std::uint64_t> droppedCommands_ {0};
};

} // namespace backline::engine
