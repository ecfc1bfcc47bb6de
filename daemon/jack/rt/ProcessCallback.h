// SPDX-License-Identifier: GPL-3.0-or-later
// ProcessCallback: JACK's process callback, backlined's audio thread ("backline-audio"). Every
// cycle it gathers the ports' buffers, hands JACK's clock to the engine and runs its block.
#pragma once

#include "core/Nonblocking.h"
#include "core/TransportRules.h"
#include "engine/rt/BlockProcessor.h"
#include "jack/rt/CycleLag.h"

#include <jack/jack.h>
#include <jack/transport.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <vector>

namespace backline::jack {

/// What JackBackend registers as its client's process callback. The audio thread owns it
/// while the client is active; the control side (JackBackend) only sets the master's ports
/// and asks it to go quiet.
class ProcessCallback {
public:
    /// [control] Runs engine's blocks for client, whose sample rate is sampleRate.
    ProcessCallback(jack_client_t* client, engine::BlockProcessor& engine, int sampleRate);
    ProcessCallback(const ProcessCallback&) = delete;
    ProcessCallback& operator=(const ProcessCallback&) = delete;

    /// [audio] The callback JACK calls once per cycle, self being this object.
    /// Not noexcept, unlike everything it calls: JACK2 may cancel the thread (asynchronously)
    /// while it is in here after quiesce(), and that unwinding must not meet a noexcept frame.
    static int onProcess(jack_nframes_t nframes, void* self) BACKLINE_NONBLOCKING;
    /// [audio] JACK's timebase callback while backline leads (transport.jack: lead), self being
    /// this object: right after onProcess, it fills the next cycle's bars and beats from the
    /// engine's transport. Not noexcept, for the same reason as onProcess.
    static void onTimebase(jack_transport_state_t state, jack_nframes_t nframes, jack_position_t* position,
        int newPosition, void* self) BACKLINE_NONBLOCKING;

    /// [control] Whether each cycle follows JACK's transport (follow, lead) or leaves it alone (off).
    void setTransportMode(transport::JackMode mode) noexcept
    {
        transportMode_.store(mode, std::memory_order_relaxed); // a setting alone, nothing published with it
    }

    /// [control] The master output port c (0 or 1) the callback silences while quiet.
    void setOutputPort(std::size_t c, jack_port_t* port) noexcept
    {
        outputPorts_[c].store(port, std::memory_order_release); // pairs with onProcess()'s acquire
    }
    /// [control] The session's MIDI output port i (0: midi_out, 1: clock_out), which the
    /// callback empties while quiet (a MIDI output not cleared sends its last events again).
    void setMidiOutputPort(std::size_t i, jack_port_t* port) noexcept
    {
        midiOutputPorts_[i].store(port, std::memory_order_release); // pairs with onProcess()'s acquire
    }
    /// [control] From now on every cycle writes silence and leaves the engine alone.
    void quiesce() noexcept { quiescing_.store(true, std::memory_order_seq_cst); }
    /// [control] True while the audio thread is inside the callback. With quiesce() first and
    /// this read after (both sequentially consistent), a cycle that starts later sees
    /// the request and returns without touching the engine.
    bool inCallback() const noexcept { return inCallback_.load(std::memory_order_seq_cst); }
    /// [control] Test only: the next cycle never returns (a deadlocked engine, for the
    /// watchdog's test). Nothing ever clears it: the process is killed.
    void stallForTest() noexcept { stall_.store(true, std::memory_order_relaxed); }

private:
    int process(jack_nframes_t nframes) noexcept BACKLINE_NONBLOCKING;
    /// The session's own MIDI outputs for the cycle: feedback on midi_out, the clock on clock_out.
    void writeSessionMidi(const engine::Graph& graph, jack_nframes_t nframes) noexcept BACKLINE_NONBLOCKING;

    static constexpr std::size_t maxFeedbackPerCycle = 256;

    jack_client_t* client_;
    engine::BlockProcessor& engine_;
    int sampleRate_;
    CycleLag cycleLag_; // audio thread only
    std::atomic<bool> quiescing_ {false}; // set by the control side before deactivating
    std::atomic<bool> inCallback_ {false}; // the audio thread is inside process() or onTimebase()
    std::atomic<bool> stall_ {false};      // stallForTest(): a flag alone, nothing is published with it
    std::atomic<transport::JackMode> transportMode_ {transport::JackMode::Off};
    std::array<std::atomic<jack_port_t*>, 2> outputPorts_ {}; // the master outputs, for silence while quiescing
    std::array<std::atomic<jack_port_t*>, 2> midiOutputPorts_ {}; // midi_out and clock_out, emptied while quiescing
    bool stopTold_ = false;       // audio thread: Stop went out on clock_out as the callback went quiet
    midi::MidiMessage carried_;   // audio thread: feedback a full midi_out had no room for
    bool carrying_ = false;
    std::vector<const float*> inputBuffers_;         // the engine's inputs this cycle, sized for the most there can be
    std::vector<const float*> outgoingInputBuffers_; // the same for a reload's outgoing graph
};

} // namespace backline::jack
