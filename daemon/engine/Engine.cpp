// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/Engine.h"

#include "engine/GraphRunner.h"

#include <chrono>
#include <thread>

namespace backline::engine {

Engine::~Engine()
{
    collectGarbage();
    Command command;
    while (commands_.pop(command))
        if (command.type == Command::Type::SwapGraph)
            delete command.graph;
    for (Graph* graph : deadwood_)
        delete graph;
    delete current_;
}

bool Engine::push(const Command& command)
{
    std::lock_guard lock(producerMutex_);
    return commands_.push(command);
}

void Engine::installGraph(std::unique_ptr<Graph> graph)
{
    Command command;
    command.type = Command::Type::SwapGraph;
    command.graph = graph.release();
    // A swap must not be lost: wait (off the audio thread) for room in the queue.
    while (!push(command))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

bool Engine::setParam(std::uint64_t generation, ParamId param, float value)
{
    Command command;
    command.type = Command::Type::SetParam;
    command.generation = generation;
    command.param = param;
    command.value = value;
    if (push(command))
        return true;
    droppedCommands_.fetch_add(1, std::memory_order_relaxed); // a statistic, read without ordering
    return false;
}

void Engine::collectGarbage()
{
    Event event;
    while (events_.pop(event))
        if (event.type == Event::Type::GraphRetired)
            delete event.graph;
}

void Engine::retire(Graph* graph) noexcept
{
    if (events_.push(Event {Event::Type::GraphRetired, graph}))
        return;
    // The event queue is full: park the graph and report it on a later block, never free it here.
    for (auto& slot : deadwood_)
        if (!slot) {
            slot = graph;
            return;
        }
    leakedGraphs_.fetch_add(1, std::memory_order_relaxed); // cannot happen short of a stalled control side
}

void Engine::apply(const Command& command) noexcept
{
    switch (command.type) {
    case Command::Type::SwapGraph:
        if (current_)
            retire(current_);
        current_ = command.graph;
        break;
    case Command::Type::SetParam:
        if (current_ && command.generation == current_->generation && command.param < current_->slots.size())
            setParamValue(*current_, command.param, command.value);
        break;
    }
}

const Graph* Engine::beginBlock() noexcept
{
    for (auto& slot : deadwood_)
        if (slot && events_.push(Event {Event::Type::GraphRetired, slot}))
            slot = nullptr;
    Command command;
    while (commands_.pop(command))
        apply(command);
    return current_;
}

void Engine::runBlock(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::size_t numOutputs,
    std::uint32_t nframes) noexcept
{
    blocks_.fetch_add(1, std::memory_order_relaxed); // a statistic, read without ordering
    if (!current_ || nframes > current_->maxFrames) {
        for (std::size_t c = 0; c < numOutputs; ++c)
            if (outputs[c])
                for (std::uint32_t i = 0; i < nframes; ++i)
                    outputs[c][i] = 0.0f;
        return;
    }
    runGraph(*current_, inputs, numInputs, outputs, numOutputs, nframes);
}

} // namespace backline::engine
