// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's control side: graphs, tap sets and parameter changes queued for the audio
// thread from any control thread, and what it retires freed here (see Engine.h).
#include "engine/Engine.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace backline::engine {

namespace {

void deleteRetired(const Event& event)
{
    if (event.type == Event::Type::GraphRetired)
        delete event.graph;
    else if (event.type == Event::Type::TapsRetired)
        delete event.taps;
}

} // namespace

Engine::~Engine()
{
    collectGarbage();
    // The audio thread has stopped: this thread is the queue's consumer now.
    Command command;
    while (commands().pop(command)) {
        if (command.type == Command::Type::SwapGraph)
            delete command.graph;
        else if (command.type == Command::Type::SwapTaps)
            delete command.taps;
    }
    retireAll(); // fits: the event queue was just emptied
    collectGarbage();
}

bool Engine::push(const Command& command)
{
    std::lock_guard lock(producerMutex_);
    return commands().push(command);
}

void Engine::installGraph(std::unique_ptr<Graph> graph, std::unique_ptr<TapSet> taps, Swap swap)
{
    Command batch[2];
    batch[0].type = Command::Type::SwapGraph;
    batch[0].graph = graph.get();
    batch[0].swap = swap;
    batch[1].type = Command::Type::SwapTaps;
    batch[1].taps = taps.get();
    const std::size_t n = taps ? 2 : 1;
    // Until the audio thread has swapped and faded the old graph out (it clears this).
    announceSwap();
    // A swap must not be lost: wait (off the audio thread) for room in the queue.
    for (;;) {
        {
            std::lock_guard lock(producerMutex_);
            if (commands().pushBatch(batch, n))
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    (void)graph.release(); // the engine owns them now
    (void)taps.release();
}

void Engine::installTaps(std::unique_ptr<TapSet> taps)
{
    Command command;
    command.type = Command::Type::SwapTaps;
    command.taps = taps.release();
    while (!push(command))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

bool Engine::setParam(std::uint64_t generation, ParamId param, float value, std::uint64_t atFrame)
{
    const ParamChange change {param, value};
    return setParams(generation, std::span(&change, 1), atFrame);
}

bool Engine::setParams(std::uint64_t generation, std::span<const ParamChange> changes, std::uint64_t atFrame)
{
    // A bundle is small; larger batches than this go in pieces that still share one frame time.
    constexpr std::size_t chunk = 256;
    Command batch[chunk];
    std::lock_guard lock(producerMutex_);
    for (std::size_t done = 0; done < changes.size();) {
        const std::size_t n = std::min(chunk, changes.size() - done);
        for (std::size_t i = 0; i < n; ++i) {
            batch[i] = Command {};
            batch[i].type = Command::Type::SetParam;
            batch[i].generation = generation;
            batch[i].param = changes[done + i].param;
            batch[i].value = changes[done + i].value;
            batch[i].atFrame = atFrame;
        }
        if (!commands().pushBatch(batch, n)) {
            droppedCommands_.fetch_add(changes.size() - done, std::memory_order_relaxed); // a statistic
            return false;
        }
        done += n;
    }
    return true;
}

bool Engine::requestTransport(const TransportRequest& request, std::uint64_t atFrame)
{
    Command command;
    command.type = Command::Type::Transport;
    command.transport = request;
    command.atFrame = atFrame;
    if (push(command))
        return true;
    droppedCommands_.fetch_add(1, std::memory_order_relaxed); // a statistic
    return false;
}

void Engine::drainStopped() noexcept
{
    // The consumer side of the queues changes hands here: the audio thread has been joined
    // (its client closed) and the next one starts after the following install.
    (void)beginBlock();
    collectGarbage();
}

void Engine::collectGarbage()
{
    Event event;
    while (events().pop(event))
        deleteRetired(event);
}

} // namespace backline::engine
