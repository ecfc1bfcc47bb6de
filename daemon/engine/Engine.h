// SPDX-License-Identifier: GPL-3.0-or-later
// Engine: the engine as the rest of the daemon holds it — its audio-thread half
// (rt/BlockProcessor, what the process callback calls) and the control side around it: the one
// way in for graphs, tap sets and parameter changes, and the freeing of what comes back.
#pragma once

#include "engine/Command.h"
#include "engine/Graph.h"
#include "engine/Taps.h"
#include "engine/rt/BlockProcessor.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace backline::engine {

/// Runs the current graph one block at a time. Knows nothing of JACK: the JACK backend calls
/// its [audio] functions from the process callback, the offline renderer in a loop. Control
/// threads talk to it only through the command queue, any number of them (serialised here onto
/// the single-producer queue); it answers through the event and meter queues. The [audio]
/// half is BlockProcessor's, in engine/rt/.
/// A section the arrangement started: which, of which show, at which engine frame.
/// A tagged batch landed (Engine::setParams with a tag): its tag and the engine frame it was
/// applied at.
struct Landing {
    std::uint64_t tag = 0;
    std::uint64_t frame = 0;
};

struct SectionStarted {
    std::uint64_t showId = 0; ///< the plan's id (ShowPlan::id)
    std::int32_t section = -1;
    std::uint64_t frame = 0;
    bool recalled = false; ///< its scene was recalled (not a loop's later pass)
};

class Engine : private BlockProcessor {
public:
    Engine() = default;
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

    /// [control] Queues a parameter change for the graph of `generation` (ignored by any other),
    /// applied at engine frame atFrame (0 or a past frame: at the next block). False when the
    /// queue is full (counted in droppedCommands()).
    bool setParam(std::uint64_t generation, ParamId param, float value, std::uint64_t atFrame = 0);

    /// [control] Queues changes for the graph of `generation` (ignored by any other), all or
    /// none, however many: the audio thread applies every one in the same block, at engine frame
    /// atFrame (0 or a past frame: the next block). With fadeFrames > 0 each parameter morphs
    /// from where it is to its value over that many frames instead (rt/Morphs.h). False, and
    /// nothing queued, when the queue is full (counted in droppedCommands(), one per change).
    /// With a line they land instead on the transport's first beat or bar line at or after
    /// atFrame, as the audio thread counts it (rt/LineCommands.h; stopped: at once).
    /// A non-zero tag asks for the frame it lands on (takeLandings()).
    bool setParams(std::uint64_t generation, std::span<const ParamChange> changes, std::uint64_t atFrame = 0,
        std::uint32_t fadeFrames = 0, std::optional<transport::Boundary> line = std::nullopt, std::uint64_t tag = 0);

    /// [control] Queues a change to the transport, applied at engine frame atFrame (0 or a past
    /// frame: at the next block). False when the queue is full (counted in droppedCommands()).
    bool requestTransport(const TransportRequest& request, std::uint64_t atFrame = 0);

    /// [control] Queues voice for the instrument of track `track` (Command::allTracks: every
    /// instrument) of the graph of generation; false (and counted) when the queue is full.
    bool play(std::uint64_t generation, std::uint32_t track, const VoiceEvent& voice);
    /// An event for the instrument of a track (play() of several).
    struct Voicing {
        std::uint32_t track = 0;
        VoiceEvent voice;
    };
    /// [control] Queues every one of events for the graph of generation at once: all taken in
    /// one block, or (the queue full) none, and false.
    bool play(std::uint64_t generation, std::span<const Voicing> events);

    /// [control] Hands show to the audio thread's arrangement (nullptr: none), which plays it
    /// from nothing (no song cued). The previous one is freed by collectGarbage() once the
    /// audio thread has let it go. Its scenes must be batches for the graph running. keepPlace:
    /// show has the songs of the one playing (sameShow()), which play on where they are.
    void installShow(std::unique_ptr<ShowPlan> show, bool keepPlace = false);
    /// [control] Queues a jump, cue or loop switch for the arrangement, applied at the next
    /// block (a jump then waits for the boundary it asks). False when the queue is full.
    bool arrange(const ArrangementRequest& request);
    /// [control] The sections the arrangement started since the last call, oldest first: what
    /// collectGarbage() found in the event queue (the most recent config::maxSectionStartsKept).
    std::vector<SectionStarted> takeSectionStarts();
    /// [control] The tagged batches that landed since the last call, in the order the control
    /// side found them applied (a batch for a graph since replaced lands nowhere and is not
    /// reported).
    std::vector<Landing> takeLandings();

    /// [control, no audio thread running] Applies what is queued as the next block would, so a
    /// queue left full when the audio thread stopped (its JACK server gone) has room for the
    /// graph that restarts it. Only between the audio thread's end and its next start.
    void drainStopped() noexcept;

    /// [control] Frees graphs and tap sets the audio thread has retired, and batches it is done
    /// with. Call it regularly.
    void collectGarbage();

    /// [control] Batches queued and not yet freed (applied ones go at the next setParams() or
    /// collectGarbage()).
    std::size_t batchesHeld() const;

    /// [any] Commands dropped because the queue was full.
    std::uint64_t droppedCommands() const noexcept { return droppedCommands_.load(std::memory_order_relaxed); }

    /// [control] The audio-thread half, for a backend whose process callback holds on to it.
    BlockProcessor& audio() noexcept { return *this; }

    // The audio thread's entry points and what the control side reads of it (see BlockProcessor).
    using BlockProcessor::beginBlock;
    using BlockProcessor::midiIn;
    using BlockProcessor::outgoing;
    using BlockProcessor::runBlock;
    using BlockProcessor::process;
    using BlockProcessor::setBlockClock;
    using BlockProcessor::useWorkers;
    using BlockProcessor::activeTaps;
    using BlockProcessor::crossfading;
    using BlockProcessor::fadeOut;
    using BlockProcessor::fadedOut;
    using BlockProcessor::blocks;
    using BlockProcessor::clock;
    using BlockProcessor::clockReading;
    using BlockProcessor::droppedMeterEvents;
    using BlockProcessor::timedOverflows;
    using BlockProcessor::meterEvents;
    using BlockProcessor::followTransport;
    using BlockProcessor::setTransportLed;
    using BlockProcessor::takeLeaderAsk;
    using BlockProcessor::transport;
    using BlockProcessor::transportSnapshot;
    using BlockProcessor::arrangementSnapshot;
    using ClockReading = engine::ClockReading;

private:
    bool push(const Command& command);
    void freeAppliedBatches(); // with producerMutex_ held

    mutable std::mutex producerMutex_; // serialises control threads onto the single-producer queue; never taken by audio
    std::atomic<std::uint64_t> droppedCommands_ {0};
    // Every batch queued, until the audio thread has set its `applied` (guarded by producerMutex_).
    // Owned here rather than retired through the event queue: the audio thread never has to
    // find room to hand one back, and any control thread that queues the next batch frees it.
    std::vector<std::unique_ptr<ParamBatch>> batches_;
    std::vector<Landing> landings_; // tagged batches applied (guarded by producerMutex_)
    mutable std::mutex startsMutex_; // guards starts_; never taken by audio
    std::vector<SectionStarted> starts_;
};

} // namespace backline::engine
