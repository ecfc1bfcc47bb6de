// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's control side: graphs, tap sets and parameter changes queued for the audio
// thread from any control thread, and what it retires freed here (see Engine.h).
#include "engine/Engine.h"

#include "core/Config.h"
#include "engine/ShowPlan.h"

#include <chrono>
#include <thread>
#include <utility>
#include <vector>

namespace backline::engine {

namespace {

void deleteRetired(const Event& event)
{
    if (event.type == Event::Type::GraphRetired)
        delete event.graph;
    else if (event.type == Event::Type::TapsRetired)
        delete event.taps;
    else if (event.type == Event::Type::ShowRetired)
        delete event.show;
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
        else if (command.type == Command::Type::SwapShow)
            delete command.show;
        // An ApplyBatch's batch is in batches_, freed with this engine.
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

bool Engine::setParams(std::uint64_t generation, std::span<const ParamChange> changes, std::uint64_t atFrame,
    std::uint32_t fadeFrames, std::optional<transport::Boundary> line, std::uint64_t tag)
{
    if (changes.empty())
        return true;
    Command command;
    command.generation = generation;
    command.atFrame = atFrame;
    command.line = line;
    std::unique_ptr<ParamBatch> batch;
    if (changes.size() == 1 && fadeFrames == 0 && tag == 0) {
        // One plain change travels in the command itself.
        command.type = Command::Type::SetParam;
        command.param = changes[0].param;
        command.value = changes[0].value;
    } else {
        // Copied here, off the audio thread, so the audio thread gets it all in one command.
        batch = std::make_unique<ParamBatch>();
        batch->generation = generation;
        batch->atFrame = atFrame;
        batch->fadeFrames = fadeFrames;
        batch->tag = tag;
        batch->changes.assign(changes.begin(), changes.end());
        command.type = Command::Type::ApplyBatch;
        command.batch = batch.get();
    }
    std::lock_guard lock(producerMutex_);
    freeAppliedBatches();
    if (batch)
        batches_.reserve(batches_.size() + 1); // may throw, so before the push: a queued batch is always held
    if (!commands().push(command)) {
        droppedCommands_.fetch_add(changes.size(), std::memory_order_relaxed); // a statistic
        return false;
    }
    if (batch)
        batches_.push_back(std::move(batch));
    return true;
}

void Engine::freeAppliedBatches()
{
    std::erase_if(batches_, [this](const std::unique_ptr<ParamBatch>& batch) {
        if (!batch->applied.load(std::memory_order_acquire)) // pairs with the release in applyParamBatch()
            return false;
        if (batch->tag != 0 && batch->landed) {
            if (landings_.size() == config::maxLandingsKept)
                landings_.erase(landings_.begin()); // nobody is reading them: keep the latest
            landings_.push_back(Landing {batch->tag, batch->landedAt});
        }
        return true;
    });
}

std::vector<Landing> Engine::takeLandings()
{
    std::lock_guard lock(producerMutex_);
    freeAppliedBatches();
    return std::exchange(landings_, {});
}

std::size_t Engine::batchesHeld() const
{
    std::lock_guard lock(producerMutex_);
    return batches_.size();
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

namespace {

Command playCommand(std::uint64_t generation, std::uint32_t track, const VoiceEvent& voice)
{
    Command command;
    command.type = Command::Type::Play;
    command.generation = generation;
    command.param = track;
    command.voiceKind = std::uint8_t(voice.kind);
    command.note = voice.note;
    command.value = voice.value;
    command.atFrame = voice.frame;
    return command;
}

} // namespace

bool Engine::play(std::uint64_t generation, std::uint32_t track, const VoiceEvent& voice)
{
    if (push(playCommand(generation, track, voice)))
        return true;
    droppedCommands_.fetch_add(1, std::memory_order_relaxed); // a statistic
    return false;
}

bool Engine::play(std::uint64_t generation, std::span<const Voicing> events)
{
    std::vector<Command> commands;
    commands.reserve(events.size());
    for (const auto& e : events)
        commands.push_back(playCommand(generation, e.track, e.voice));
    {
        // One push of them all: the audio thread, which pops until the queue is empty, takes
        // them in one block.
        std::lock_guard lock(producerMutex_);
        if (this->commands().pushBatch(commands.data(), commands.size()))
            return true;
    }
    droppedCommands_.fetch_add(commands.size(), std::memory_order_relaxed); // a statistic
    return false;
}

void Engine::drainStopped() noexcept
{
    // The consumer side of the queues changes hands here: the audio thread has been joined
    // (its client closed) and the next one starts after the following install.
    (void)beginBlock();
    collectGarbage();
}

void Engine::installShow(std::unique_ptr<ShowPlan> show, bool keepPlace)
{
    Command command;
    command.type = Command::Type::SwapShow;
    command.show = show.get();
    command.keepPlace = keepPlace;
    // A swap must not be lost: wait (off the audio thread) for room in the queue.
    while (!push(command))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    show.release(); // the audio thread's now; it comes back as a ShowRetired event
}

bool Engine::arrange(const ArrangementRequest& request)
{
    Command command;
    command.type = Command::Type::Arrange;
    command.arrangement = request;
    if (push(command))
        return true;
    droppedCommands_.fetch_add(1, std::memory_order_relaxed); // a statistic
    return false;
}

std::vector<SectionStarted> Engine::takeSectionStarts()
{
    collectGarbage();
    std::lock_guard lock(startsMutex_);
    return std::exchange(starts_, {});
}

void Engine::collectGarbage()
{
    Event event;
    while (events().pop(event)) {
        if (event.type == Event::Type::SectionStarted) {
            std::lock_guard lock(startsMutex_);
            if (starts_.size() == config::maxSectionStartsKept)
                starts_.erase(starts_.begin()); // nobody is reading them: keep the latest
            starts_.push_back(SectionStarted {event.showId, event.section, event.frame, event.recalled});
        } else {
            deleteRetired(event);
        }
    }
    std::lock_guard lock(producerMutex_);
    freeAppliedBatches();
}

} // namespace backline::engine
