// SPDX-License-Identifier: GPL-3.0-or-later
// BlockProcessor: the engine's audio-thread half — what the process callback (or the offline
// renderer) calls once per block. Engine (engine/Engine.h) adds the control side around it.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Command.h"
#include "engine/Graph.h"
#include "engine/Taps.h"
#include "engine/rt/BlockClock.h"
#include "engine/rt/Arrangement.h"
#include "engine/rt/Fades.h"
#include "engine/rt/LineCommands.h"
#include "engine/rt/MidiClock.h"
#include "engine/rt/MidiClockIn.h"
#include "engine/rt/MidiWire.h"
#include "engine/rt/ParamCommands.h"
#include "engine/rt/Retirer.h"
#include "engine/rt/Transport.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace backline::engine {

class NodeScheduler;

/// Runs the current graph one block at a time. Knows nothing of JACK. Each block it drains the
/// command queue (graph and tap swaps, parameter changes and batches), runs the graph (split at
/// the frames of timed changes and, while parameters morph, into short stretches that move them),
/// mixed with a reload's fade, and publishes the clock; it answers through the event and meter
/// queues. Everything it holds between blocks is the audio thread's,
/// except the atomics the control side reads.
class BlockProcessor {
public:
    /// [control] Sizes its scratch buffers for config::maxBlockFrames.
    BlockProcessor();
    BlockProcessor(const BlockProcessor&) = delete;
    BlockProcessor& operator=(const BlockProcessor&) = delete;

    /// [audio] Applies queued commands and swaps in a new graph if one was posted; returns the
    /// graph this block runs (nullptr before the first install).
    const Graph* beginBlock() noexcept BACKLINE_NONBLOCKING;

    /// [audio] Between beginBlock() and runBlock(): the bytes of one MIDI event that arrived at
    /// frame `offset` of the block on the current graph's MIDI input `input` (Graph::midiInputs),
    /// for its instrument: parsed (running status carries on to the port's next event) and each
    /// note, pedal, bend or all-notes-off on the port's channel filed for its exact frame.
    void midiIn(std::size_t input, std::uint32_t offset, const std::uint8_t* bytes, std::size_t size) noexcept
        BACKLINE_NONBLOCKING;

    /// [audio] Between beginBlock() and runBlock(): the bytes of one event of the session's own
    /// MIDI input (backline:midi_in) at frame `offset` of the block, for the mappings.
    void sessionMidiIn(std::uint32_t offset, const std::uint8_t* bytes, std::size_t size) noexcept BACKLINE_NONBLOCKING
    {
        midi::MidiMessage message;
        for (std::size_t i = 0; i < size; ++i)
            if (midiWire_.parse(bytes[i], message) && !clockIn_.take(message, frame_ + offset, frame_, transport_))
                midiWire_.arrived(message, frame_ + offset);
    }
    /// [audio] After runBlock(): the beat clock's messages of the block just run (when the
    /// session sends it), their frames from midiClock().blockStart() on.
    const MidiClock& midiClock() const noexcept BACKLINE_NONBLOCKING { return midiClock_; }
    /// [control] The beat clock tells its receivers again where the transport is, at the next
    /// block: a new JACK client (backline back on a server) told them Stop when the old one went.
    void reannounceClock() noexcept { reannounce_.store(true, std::memory_order_relaxed); }
    /// The session's own MIDI ports' traffic: [audio] and one [control] thread (see MidiWire).
    MidiWire& midiWire() noexcept BACKLINE_NONBLOCKING { return midiWire_; }

    /// [audio] The graph a reload is fading out (it still needs its inputs: pass them to
    /// runBlock as outgoingInputs), or nullptr. Valid until the next beginBlock().
    const Graph* outgoing() const noexcept BACKLINE_NONBLOCKING { return fade_.outgoing(); }

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

    /// [audio] The backend's own clock for the block about to run (see BlockClock::setBackendClock).
    void setBlockClock(std::uint64_t framesAhead, std::int64_t monotonicNs) noexcept BACKLINE_NONBLOCKING
    {
        clock_.setBackendClock(framesAhead, monotonicNs);
    }

    /// [control] The tap set the audio thread last installed and the engine frame of the first
    /// block it tapped ({nullptr, 0} before any): recorders learn when their rings started.
    std::pair<const TapSet*, std::uint64_t> activeTaps() const noexcept
    {
        const TapSet* taps = activeTaps_.load(std::memory_order_acquire); // pairs with the release in apply()
        return {taps, tapsSince_.load(std::memory_order_relaxed)};
    }

    /// [control] True from installGraph() until the audio thread runs the new graph alone
    /// (after the reload's crossfade): until then the old graph's ports are still in use.
    bool crossfading() const noexcept { return fade_.crossfading(); }

    /// [control] Fades the outputs to silence over config::reloadCrossfadeSeconds and keeps
    /// them silent: the daemon stopping (a restart under systemd, the end of the night) must
    /// not end in a click. What taps record is not faded.
    void fadeOut() noexcept { stopFade_.request(); }
    /// [control] True once the audio thread has faded out (or had nothing to fade).
    bool fadedOut() const noexcept { return stopFade_.done(); }

    /// [audio] The transport of a backend that leads it (JACK's), for the block about to run.
    void followTransport(const LeaderPosition& leader) noexcept BACKLINE_NONBLOCKING { transport_.follow(leader, frame_); }
    /// [audio] Whether the backend's transport leads (see Transport::setLed); set every block.
    void setTransportLed(bool led) noexcept BACKLINE_NONBLOCKING { transport_.setLed(led); }
    /// [audio] What the engine's transport asked of the leading backend's since the last call.
    LeaderAsk takeLeaderAsk() noexcept BACKLINE_NONBLOCKING { return transport_.takeLeaderAsk(); }
    /// [audio] The transport, as the audio thread holds it (for JACK's timebase callback).
    const Transport& transport() const noexcept { return transport_; }
    /// [any] The transport after the last block.
    TransportSnapshot transportSnapshot() const noexcept { return transport_.read(); }
    /// [any] The arrangement after the last block.
    ArrangementSnapshot arrangementSnapshot() const noexcept { return arrangement_.read(); }

    /// [control] The workers that run the graphs' nodes from the next block on (nullptr: the
    /// audio thread alone, as before any). Installing one may happen while blocks run;
    /// replacing or removing one only while none runs (a stopped backend, or a quiesced one),
    /// and the pool must stay until then.
    void useWorkers(NodeScheduler* workers) noexcept
    {
        workers_.store(workers, std::memory_order_release); // pairs with runBlock()'s acquire
    }

    /// [any] Blocks processed so far.
    std::uint64_t blocks() const noexcept { return blocks_.load(std::memory_order_relaxed); }
    /// [any] The engine's sample clock: frames processed before the current block.
    std::uint64_t clock() const noexcept { return clock_.frames(); }
    /// [control] An engine frame paired with the CLOCK_MONOTONIC time (ns) at which it is
    /// due: lets a control thread turn a wall-clock time (an OSC timetag) into an engine frame.
    ClockReading clockReading() const noexcept { return clock_.read(); }

    /// [any] Meter events dropped because the meter thread fell behind.
    std::uint64_t droppedMeterEvents() const noexcept { return droppedMeterEvents_.load(std::memory_order_relaxed); }
    /// [any] Timed changes applied early because too many were pending.
    std::uint64_t timedOverflows() const noexcept { return timedOverflows_.load(std::memory_order_relaxed); }

    /// [meter thread] The levels the audio thread reports (single consumer).
    MeterQueue& meterEvents() noexcept { return meters_; }

protected:
    /// [control] Where control threads queue commands; the owner serialises them onto this
    /// single-producer queue.
    CommandQueue& commands() noexcept { return commands_; }
    /// [control] Retired graphs and tap sets, for the owner to free (single consumer).
    EventQueue& events() noexcept { return events_; }
    /// [control] A graph swap is queued (crossfading() is true until it is done).
    void announceSwap() noexcept { fade_.announce(); }
    /// [control, no audio thread running] Retires every graph and tap set held, parked
    /// retirements first, for the owner to free from events(); the event queue must have room
    /// (the owner empties it first).
    void retireAll() noexcept;

private:
    void apply(const Command& command) noexcept BACKLINE_NONBLOCKING;
    /// A Play command: its event into the inbox of the instrument (or every instrument) it names.
    void play(const Command& command) noexcept BACKLINE_NONBLOCKING;
    /// The arrangement's section starts due in the block [start, start + nframes): their scene
    /// held for their frame (the block splits there), the control side told.
    void arrange(std::uint64_t start, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

    CommandQueue commands_;
    EventQueue events_;
    MeterQueue meters_;

    // The audio thread's own state.
    Graph* current_ = nullptr;
    TapSet* taps_ = nullptr;
    std::uint64_t frame_ = 0;
    Retirer retirer_ {events_};
    ReloadFade fade_ {retirer_};
    StopFade stopFade_;
    TimedCommands timed_;
    LineCommands onLine_;
    BlockClock clock_;
    Transport transport_;
    MidiClock midiClock_;
    MidiClockIn clockIn_;
    MidiWire midiWire_;
    const ShowPlan* show_ = nullptr;
    Arrangement arrangement_;
    std::vector<const float*> offsetInputs_;         // this block's inputs from a split point on
    std::vector<const float*> offsetOutgoingInputs_; // the same for a reload's outgoing graph

    std::atomic<NodeScheduler*> workers_ {nullptr};
    std::atomic<bool> reannounce_ {false}; // a flag alone: nothing is published with it
    std::atomic<const TapSet*> activeTaps_ {nullptr}; // for identification only, never dereferenced
    std::atomic<std::uint64_t> tapsSince_ {0};
    std::atomic<std::uint64_t> blocks_ {0};
    std::atomic<std::uint64_t> droppedMeterEvents_ {0};
    std::atomic<std::uint64_t> timedOverflows_ {0};
};

} // namespace backline::engine
