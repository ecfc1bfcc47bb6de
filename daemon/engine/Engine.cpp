// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/Engine.h"

#include "engine/GraphRunner.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

namespace backline::engine {

namespace {

/// Engine input channels the timed-split path can offset (the graph builder keeps sessions
/// within maxTracks stereo tracks).
constexpr std::size_t maxInputChannels = config::maxTracks * 2;

void deleteRetired(const Event& event)
{
    if (event.type == Event::Type::GraphRetired)
        delete event.graph;
    else if (event.type == Event::Type::TapsRetired)
        delete event.taps;
}

} // namespace

Engine::Engine()
    : fadeScratch_(2 * std::size_t(config::maxBlockFrames), 0.0f)
    , offsetOutgoingInputs_(maxInputChannels, nullptr)
    , offsetInputs_(maxInputChannels, nullptr)
{
}

Engine::~Engine()
{
    collectGarbage();
    Command command;
    while (commands_.pop(command)) {
        if (command.type == Command::Type::SwapGraph)
            delete command.graph;
        else if (command.type == Command::Type::SwapTaps)
            delete command.taps;
    }
    for (std::size_t i = 0; i < deadwoodCount_; ++i)
        deleteRetired(deadwood_[i]);
    delete taps_;
    delete outgoing_;
    delete current_;
}

bool Engine::push(const Command& command)
{
    std::lock_guard lock(producerMutex_);
    return commands_.push(command);
}

void Engine::installGraph(std::unique_ptr<Graph> graph, std::unique_ptr<TapSet> taps, Swap swap)
{
    Command commands[2];
    commands[0].type = Command::Type::SwapGraph;
    commands[0].graph = graph.get();
    commands[0].swap = swap;
    commands[1].type = Command::Type::SwapTaps;
    commands[1].taps = taps.get();
    const std::size_t n = taps ? 2 : 1;
    // Until the audio thread has swapped and faded the old graph out (it clears this).
    fading_.store(true, std::memory_order_relaxed);
    // A swap must not be lost: wait (off the audio thread) for room in the queue.
    for (;;) {
        {
            std::lock_guard lock(producerMutex_);
            if (commands_.pushBatch(commands, n))
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
    Command commands[chunk];
    std::lock_guard lock(producerMutex_);
    for (std::size_t done = 0; done < changes.size();) {
        const std::size_t n = std::min(chunk, changes.size() - done);
        for (std::size_t i = 0; i < n; ++i) {
            commands[i] = Command {};
            commands[i].type = Command::Type::SetParam;
            commands[i].generation = generation;
            commands[i].param = changes[done + i].param;
            commands[i].value = changes[done + i].value;
            commands[i].atFrame = atFrame;
        }
        if (!commands_.pushBatch(commands, n)) {
            droppedCommands_.fetch_add(changes.size() - done, std::memory_order_relaxed); // a statistic
            return false;
        }
        done += n;
    }
    return true;
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
    while (events_.pop(event))
        deleteRetired(event);
}

void Engine::retire(const Event& event) noexcept
{
    if (events_.push(event))
        return;
    // The event queue is full: park it and report it on a later block, never free it here.
    if (deadwoodCount_ < deadwood_.size())
        deadwood_[deadwoodCount_++] = event;
    else
        leaked_.fetch_add(1, std::memory_order_relaxed); // cannot happen short of a stalled control side
}

void Engine::apply(const Command& command) noexcept
{
    switch (command.type) {
    case Command::Type::SwapGraph:
        // A swap inside a crossfade (not something the daemon does: it waits for the fade)
        // drops the oldest graph at once.
        if (outgoing_) {
            retire(Event {Event::Type::GraphRetired, outgoing_, nullptr});
            outgoing_ = nullptr;
        }
        fadingIn_ = false;
        if (current_ && command.graph) {
            // Fade from the running graph, or (its ports gone, or another rate) from silence.
            if (command.swap == Swap::Crossfade && current_->sampleRate == command.graph->sampleRate)
                outgoing_ = current_;
            else
                retire(Event {Event::Type::GraphRetired, current_, nullptr});
            fadingIn_ = outgoing_ == nullptr;
            fadeLength_ = std::max<std::uint32_t>(1, std::uint32_t(config::reloadCrossfadeSeconds * command.graph->sampleRate));
            fadeDone_ = 0;
        } else {
            if (current_)
                retire(Event {Event::Type::GraphRetired, current_, nullptr});
            fading_.store(false, std::memory_order_release); // pairs with crossfading()'s acquire
        }
        current_ = command.graph;
        break;
    case Command::Type::SwapTaps:
        if (taps_)
            retire(Event {Event::Type::TapsRetired, nullptr, taps_});
        taps_ = command.taps;
        tapsSince_.store(frame_, std::memory_order_relaxed);
        activeTaps_.store(taps_, std::memory_order_release); // publishes tapsSince_ to activeTaps()'s acquire
        break;
    case Command::Type::SetParam:
        if (current_ && command.generation == current_->generation && command.param < current_->slots.size())
            setParamValue(*current_, command.param, command.value);
        break;
    }
}

const Graph* Engine::beginBlock() noexcept
{
    while (deadwoodCount_ > 0 && events_.push(deadwood_[deadwoodCount_ - 1]))
        --deadwoodCount_;
    Command command;
    while (commands_.pop(command)) {
        if (command.type != Command::Type::SetParam || command.atFrame <= frame_) {
            apply(command);
        } else if (timedCount_ < timed_.size()) {
            timed_[timedCount_++] = command;
        } else {
            timedOverflows_.fetch_add(1, std::memory_order_relaxed); // a statistic
            apply(command);
        }
    }
    return current_;
}

void Engine::applyDue(std::uint64_t frame) noexcept
{
    // Keep arrival order among commands due together (a bundle's last value for a parameter wins).
    std::size_t kept = 0;
    for (std::size_t i = 0; i < timedCount_; ++i) {
        if (timed_[i].atFrame <= frame)
            apply(timed_[i]);
        else
            timed_[kept++] = timed_[i];
    }
    timedCount_ = kept;
}

std::uint64_t Engine::nextDue() const noexcept
{
    std::uint64_t next = UINT64_MAX;
    for (std::size_t i = 0; i < timedCount_; ++i)
        next = std::min(next, timed_[i].atFrame);
    return next;
}

void Engine::fadeOutgoing(const float* const* inputs, std::size_t numInputs, float* const* outputs,
    std::uint32_t nframes) noexcept
{
    if (outgoing_ && nframes > outgoing_->maxFrames)
        fadeDone_ = fadeLength_; // cannot run it: let it go
    if (fadeDone_ < fadeLength_ && nframes > 0) {
        float* scratch[2] = {fadeScratch_.data(), fadeScratch_.data() + config::maxBlockFrames};
        if (outgoing_) {
            BlockIo io;
            io.inputs = inputs;
            io.numInputs = numInputs;
            io.outputs = scratch;
            io.numOutputs = 2;
            runGraph(*outgoing_, io, nframes); // no taps, no meters: those belong to the new graph
        }
        const std::uint32_t n = std::min(nframes, fadeLength_ - fadeDone_);
        for (int c = 0; c < 2; ++c) {
            if (!outputs || !outputs[c])
                continue;
            // Smoothstep: the two gains sum to one and start and end without a corner.
            for (std::uint32_t i = 0; i < n; ++i) {
                const float t = float(fadeDone_ + i + 1) / float(fadeLength_);
                const float in = t * t * (3.0f - 2.0f * t);
                outputs[c][i] = in * outputs[c][i] + (outgoing_ ? (1.0f - in) * scratch[c][i] : 0.0f);
            }
        }
        fadeDone_ += n;
    }
    if (fadeDone_ >= fadeLength_) {
        if (outgoing_)
            retire(Event {Event::Type::GraphRetired, outgoing_, nullptr});
        outgoing_ = nullptr;
        fadingIn_ = false;
        fading_.store(false, std::memory_order_release); // pairs with crossfading()'s acquire
    }
}

void Engine::fadeToSilence(float* const* outputs, std::size_t numOutputs, std::uint32_t nframes) noexcept
{
    const int rate = current_ ? current_->sampleRate : 48000;
    const auto length = std::max<std::uint32_t>(1, std::uint32_t(config::reloadCrossfadeSeconds * rate));
    // The mirror of a reload's fade-in: a smoothstep, without a corner at either end.
    for (std::uint32_t i = 0; i < nframes; ++i) {
        float gain = 0.0f;
        if (fadeOutDone_ < length) {
            const float t = float(fadeOutDone_ + 1) / float(length);
            gain = 1.0f - t * t * (3.0f - 2.0f * t);
            ++fadeOutDone_;
        }
        for (std::size_t c = 0; c < numOutputs; ++c)
            if (outputs[c])
                outputs[c][i] *= gain;
    }
    if (fadeOutDone_ >= length)
        fadedOut_.store(true, std::memory_order_release); // pairs with fadedOut()'s acquire
}

void Engine::runBlock(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::size_t numOutputs,
    std::uint32_t nframes, const float* const* outgoingInputs, std::size_t numOutgoingInputs) noexcept
{
    blocks_.fetch_add(1, std::memory_order_relaxed); // a statistic, read without ordering
    const std::uint64_t start = frame_;
    if (!current_ || nframes > current_->maxFrames) {
        if (outgoing_ || fadingIn_) {
            fadeDone_ = fadeLength_;
            fadeOutgoing(nullptr, 0, nullptr, 0); // ends the fade, retires the old graph
        }
        for (std::size_t c = 0; c < numOutputs; ++c)
            if (outputs[c])
                for (std::uint32_t i = 0; i < nframes; ++i)
                    outputs[c][i] = 0.0f;
    } else {
        const TapSet* taps = taps_ && taps_->generation == current_->generation ? taps_ : nullptr;
        std::uint32_t done = 0;
        while (done < nframes) {
            applyDue(start + done);
            const std::uint64_t due = nextDue();
            const std::uint32_t end = due < start + nframes ? std::uint32_t(due - start) : nframes;
            BlockIo io;
            io.numInputs = std::min(numInputs, offsetInputs_.size());
            for (std::size_t i = 0; i < io.numInputs; ++i)
                offsetInputs_[i] = inputs[i] ? inputs[i] + done : nullptr;
            float* offsetOutputs[2] = {numOutputs > 0 && outputs[0] ? outputs[0] + done : nullptr,
                numOutputs > 1 && outputs[1] ? outputs[1] + done : nullptr};
            io.inputs = offsetInputs_.data();
            io.outputs = offsetOutputs;
            io.numOutputs = std::min<std::size_t>(numOutputs, 2);
            io.taps = taps;
            io.meters = &meters_;
            io.droppedMeterEvents = &droppedMeterEvents_;
            renderGraph(*current_, io, end - done);
            if (outgoing_ || fadingIn_) {
                // Into the master's output, before it is played, recorded and metered: a take
                // that spans a reload holds the crossfade the speakers hear.
                const std::size_t k = std::min(numOutgoingInputs, offsetOutgoingInputs_.size());
                for (std::size_t i = 0; i < k; ++i)
                    offsetOutgoingInputs_[i] = outgoingInputs && outgoingInputs[i] ? outgoingInputs[i] + done : nullptr;
                fadeOutgoing(offsetOutgoingInputs_.data(), k, masterOutput(*current_), end - done);
            }
            finishGraph(*current_, io, end - done);
            done = end;
        }
    }
    if (fadeOutRequested_.load(std::memory_order_acquire)) // pairs with fadeOut()'s release
        fadeToSilence(outputs, numOutputs, nframes);
    frame_ = start + nframes;
    clock_.store(frame_, std::memory_order_release); // pairs with clock()'s acquire
    std::uint64_t readingFrame = start + blockClockAhead_;
    std::int64_t readingNs = blockStartNs_;
    const bool exact = readingNs != 0;
    blockStartNs_ = 0;
    blockClockAhead_ = 0;
    if (!exact) {
        // No backend time: the block's end now, and the next frame due a block from now
        // (its period began about a block before this one ended).
        timespec now {};
        // Audited: CLOCK_MONOTONIC is read through the vDSO (no system call, no lock, no allocation).
        BACKLINE_AUDITED_NONBLOCKING(clock_gettime(CLOCK_MONOTONIC, &now));
        const int rate = current_ ? current_->sampleRate : 48000;
        readingFrame = frame_;
        readingNs = std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec + std::int64_t(nframes) * 1000000000LL / rate;
    }
    // Seqlock: readers retry while the sequence is odd or changed under them.
    const std::uint32_t seq = clockSequence_.load(std::memory_order_relaxed);
    clockSequence_.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release); // orders the odd mark before the data (pairs with the reader's acquire fence)
    clockFrame_.store(readingFrame, std::memory_order_relaxed);
    clockNs_.store(readingNs, std::memory_order_relaxed);
    clockExact_.store(exact, std::memory_order_relaxed);
    clockSequence_.store(seq + 2, std::memory_order_release); // publishes the data to clockReading()'s acquire
}

Engine::ClockReading Engine::clockReading() const noexcept
{
    for (;;) {
        const std::uint32_t before = clockSequence_.load(std::memory_order_acquire); // pairs with the final release store
        ClockReading r {clockFrame_.load(std::memory_order_relaxed), clockNs_.load(std::memory_order_relaxed),
            clockExact_.load(std::memory_order_relaxed)};
        std::atomic_thread_fence(std::memory_order_acquire); // pairs with the writer's release fence
        if ((before & 1u) == 0 && clockSequence_.load(std::memory_order_relaxed) == before)
            return r;
    }
}

} // namespace backline::engine
