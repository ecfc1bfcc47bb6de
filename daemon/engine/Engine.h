// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Config.h"
#include "core/Nonblocking.h"
#include "core/SpscQueue.h"
#include "engine/Command.h"
#include "engine/Graph.h"
#include "engine/Taps.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace backline::engine {

/// One parameter change of a batch.
struct ParamChange {
    ParamId param = 0;
    float value = 0.0f;
};

/// Runs the current graph one block at a time. Knows nothing of JACK: the JACK backend calls
/// it from the process callback, the offline renderer in a loop. Control threads talk to it
/// only through the command queue; it answers through the event and meter queues.
class Engine {
public:
    Engine();
    /// [control] Frees the current graph and any still queued. The audio thread must have stopped.
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// [control] Hands graph to the audio thread; it runs from the next block on. The previous
    /// graph is freed by collectGarbage() once the audio thread has let it go.
    /// It crossfades from the running graph (see Swap), or with Swap::FadeIn drops the running
    /// graph at once, for when the ports it reads are gone with their JACK server.
    void installGraph(std::unique_ptr<Graph> graph, std::unique_ptr<TapSet> taps = nullptr, Swap swap = Swap::Crossfade);

    /// [control] Hands a tap set to the audio thread (used while its generation is running).
    /// With installGraph(graph, taps) both take effect in the same block, so no block of the
    /// new graph goes untapped.
    void installTaps(std::unique_ptr<TapSet> taps);

    /// [control] The tap set the audio thread last installed and the engine frame of the first
    /// block it tapped ({nullptr, 0} before any): recorders learn when their rings started.
    std::pair<const TapSet*, std::uint64_t> activeTaps() const noexcept
    {
        const TapSet* taps = activeTaps_.load(std::memory_order_acquire); // pairs with the release in apply()
        return {taps, tapsSince_.load(std::memory_order_relaxed)};
    }

    /// [control] Queues a parameter change for the graph of `generation` (ignored by any other),
    /// applied at engine frame atFrame (0 or a past frame: at the next block). False when the
    /// queue is full (counted in droppedCommands()).
    bool setParam(std::uint64_t generation, ParamId param, float value, std::uint64_t atFrame = 0);

    /// [control] Queues changes that the audio thread applies together, at the same frame.
    bool setParams(std::uint64_t generation, std::span<const ParamChange> changes, std::uint64_t atFrame = 0);

    /// [control, no audio thread running] Applies what is queued as the next block would, so a
    /// queue left full when the audio thread stopped (its JACK server gone) has room for the
    /// graph that restarts it. Only between the audio thread's end and its next start.
    void drainStopped() noexcept;

    /// [control] Frees graphs and tap sets the audio thread has retired. Call it regularly.
    void collectGarbage();

    /// [meter thread] The levels the audio thread reports (single consumer).
    MeterQueue& meterEvents() noexcept { return meters_; }

    /// [audio] Applies queued commands and swaps in a new graph if one was posted; returns the
    /// graph this block runs (nullptr before the first install).
    const Graph* beginBlock() noexcept BACKLINE_NONBLOCKING;

    /// [audio] The graph a reload is fading out (it still needs its inputs: pass them to
    /// runBlock as outgoingInputs), or nullptr. Valid until the next beginBlock().
    const Graph* outgoing() const noexcept BACKLINE_NONBLOCKING { return outgoing_; }

    /// [audio] Runs the current graph: inputs per engine input channel (null = silence), two
    /// master outputs (null = discarded). nframes ≤ the graph's maxFrames. Timed changes due
    /// inside the block split it at their frame. While a reload crossfades, the outgoing graph
    /// runs too, on outgoingInputs (in the order of its own inputs; null = silence).
    void runBlock(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::size_t numOutputs,
        std::uint32_t nframes, const float* const* outgoingInputs = nullptr,
        std::size_t numOutgoingInputs = 0) noexcept BACKLINE_NONBLOCKING;

    /// [audio] beginBlock() then runBlock().
    void process(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::size_t numOutputs,
        std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING
    {
        beginBlock();
        runBlock(inputs, numInputs, outputs, numOutputs, nframes);
    }

    /// [control] True from installGraph() until the audio thread runs the new graph alone
    /// (after the reload's crossfade): until then the old graph's ports are still in use.
    bool crossfading() const noexcept { return fading_.load(std::memory_order_acquire); } // pairs with the audio thread's release stores

    /// [control] Fades the outputs to silence over config::reloadCrossfadeSeconds and keeps
    /// them silent: the daemon stopping (a restart under systemd, the end of the night) must
    /// not end in a click. What taps record is not faded.
    void fadeOut() noexcept { fadeOutRequested_.store(true, std::memory_order_release); } // pairs with the audio thread's acquire
    /// [control] True once the audio thread has faded out (or had nothing to fade).
    bool fadedOut() const noexcept { return fadedOut_.load(std::memory_order_acquire); } // pairs with the audio thread's release

    /// Blocks processed so far.
    std::uint64_t blocks() const noexcept { return blocks_.load(std::memory_order_relaxed); }
    /// The engine's sample clock: frames processed before the current block.
    std::uint64_t clock() const noexcept { return clock_.load(std::memory_order_acquire); }
    /// [audio] The backend's own clock for the block about to run (JACK's cycle start, filtered
    /// by its delay-locked loop): the cycle that began framesAhead frames after this block's
    /// first frame began at CLOCK_MONOTONIC time monotonicNs. framesAhead is 0 unless the
    /// backend's clock has moved on to a later cycle while this block waited its turn (a late
    /// client on a busy machine). Without it the engine reads the time itself as the block
    /// ends, which a busy machine's scheduling delays.
    void setBlockClock(std::uint64_t framesAhead, std::int64_t monotonicNs) noexcept BACKLINE_NONBLOCKING
    {
        blockClockAhead_ = framesAhead;
        blockStartNs_ = monotonicNs;
    }

    /// An engine frame paired with the CLOCK_MONOTONIC time (ns) at which it is due: lets a
    /// control thread turn a wall-clock time (an OSC timetag) into an engine frame. {0, 0}
    /// before the first block.
    struct ClockReading {
        std::uint64_t frame = 0;
        std::int64_t monotonicNs = 0;
        bool exact = false; ///< the time is the backend's (setBlockClock), not the block's end
    };
    ClockReading clockReading() const noexcept;

    /// Commands dropped because the queue was full.
    std::uint64_t droppedCommands() const noexcept { return droppedCommands_.load(std::memory_order_relaxed); }
    /// Meter events dropped because the meter thread fell behind.
    std::uint64_t droppedMeterEvents() const noexcept { return droppedMeterEvents_.load(std::memory_order_relaxed); }
    /// Timed changes applied early because too many were pending.
    std::uint64_t timedOverflows() const noexcept { return timedOverflows_.load(std::memory_order_relaxed); }

private:
    void apply(const Command& command) noexcept BACKLINE_NONBLOCKING;
    void retire(const Event& event) noexcept BACKLINE_NONBLOCKING;
    void applyDue(std::uint64_t frame) noexcept BACKLINE_NONBLOCKING;
    std::uint64_t nextDue() const noexcept BACKLINE_NONBLOCKING;
    void fadeToSilence(float* const* outputs, std::size_t numOutputs, std::uint32_t nframes) noexcept
        BACKLINE_NONBLOCKING;
    void fadeOutgoing(const float* const* inputs, std::size_t numInputs, float* const* outputs,
        std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;
    bool push(const Command& command);

    std::mutex producerMutex_; // serialises control threads onto the single-producer queue; never taken by audio
    SpscQueue<Command, config::commandQueueCapacity> commands_;
    SpscQueue<Event, config::eventQueueCapacity> events_;
    MeterQueue meters_;

    // The audio thread's own state.
    Graph* current_ = nullptr;
    Graph* outgoing_ = nullptr;     // the graph a reload fades out, while fadeDone_ < fadeLength_
    bool fadingIn_ = false;          // a fade from silence (outgoing_ is null) is under way
    std::atomic<bool> fadeOutRequested_ {false};
    std::atomic<bool> fadedOut_ {false};
    std::uint32_t fadeOutDone_ = 0; // audio thread only: frames of the stop fade done
    std::uint32_t fadeLength_ = 0;
    std::uint32_t fadeDone_ = 0;
    std::vector<float> fadeScratch_; // the outgoing graph's two output channels
    std::vector<const float*> offsetOutgoingInputs_;
    TapSet* taps_ = nullptr;
    std::array<Event, 16> deadwood_ {}; // retirements whose event did not fit yet
    std::size_t deadwoodCount_ = 0;
    std::array<Command, config::maxTimedCommands> timed_ {};
    std::size_t timedCount_ = 0;
    std::vector<const float*> offsetInputs_;
    std::uint64_t frame_ = 0;

    std::atomic<const TapSet*> activeTaps_ {nullptr}; // for identification only, never dereferenced
    std::atomic<std::uint64_t> tapsSince_ {0};
    std::atomic<std::uint64_t> clock_ {0};
    std::atomic<std::uint32_t> clockSequence_ {0}; // seqlock over clockFrame_/clockNs_ (odd while writing)
    std::atomic<std::uint64_t> clockFrame_ {0};
    std::atomic<std::int64_t> clockNs_ {0};
    std::atomic<bool> clockExact_ {false};
    std::int64_t blockStartNs_ = 0;     // audio thread only: the backend's clock for this block, or 0
    std::uint64_t blockClockAhead_ = 0; // audio thread only: frames from this block's start to blockStartNs_'s cycle
    std::atomic<std::uint64_t> blocks_ {0};
    std::atomic<std::uint64_t> droppedCommands_ {0};
    std::atomic<std::uint64_t> droppedMeterEvents_ {0};
    std::atomic<std::uint64_t> timedOverflows_ {0};
    std::atomic<std::uint64_t> leaked_ {0};
    std::atomic<bool> fading_ {false};
};

} // namespace backline::engine
