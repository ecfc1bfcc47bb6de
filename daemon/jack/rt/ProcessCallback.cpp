// SPDX-License-Identifier: GPL-3.0-or-later
// JACK's process callback on backlined's audio thread (see ProcessCallback.h).
#include "jack/rt/ProcessCallback.h"

#include "core/Config.h"
#include "jack/rt/TransportSync.h"

#include <jack/midiport.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>

namespace backline::jack {

namespace {

/// JACK's frame timer at one moment: the frame its current cycle began with, and when
/// (CLOCK_MONOTONIC ns; 0 when JACK cannot tell).
struct CycleClockReading {
    jack_nframes_t frame = 0;
    std::int64_t monotonicNs = 0;
};

/// JACK's clock as jack_get_cycle_times() tells it: the frame the current cycle began with and
/// when it began, on CLOCK_MONOTONIC. JACK's own cycle start comes from its delay-locked
/// loop, untouched by how late this thread woke on a busy machine; JACK keeps it on its own
/// clock (CLOCK_MONOTONIC_RAW on Linux, which drifts from CLOCK_MONOTONIC), so it is carried
/// over as "that long ago". monotonicNs is 0 when JACK cannot tell.
CycleClockReading cycleClock(jack_client_t* client) noexcept BACKLINE_NONBLOCKING
{
    jack_nframes_t frames = 0;
    jack_time_t start = 0;
    jack_time_t next = 0;
    float periodUs = 0.0f;
    // Audited: jack_get_cycle_times reads JACK2's frame timer from shared memory (a retry loop
    // over an atomic state, no lock, allocation or system call); jack_get_time and
    // clock_gettime read their clocks through the vDSO.
    if (BACKLINE_AUDITED_NONBLOCKING(jack_get_cycle_times(client, &frames, &start, &next, &periodUs)) != 0)
        return {};
    const jack_time_t jackNow = BACKLINE_AUDITED_NONBLOCKING(jack_get_time());
    timespec now {};
    BACKLINE_AUDITED_NONBLOCKING(clock_gettime(CLOCK_MONOTONIC, &now));
    if (start == 0 || start > jackNow || jackNow - start > 1000000)
        return {}; // the loop is not locked yet, or the time is nonsense
    return {frames, std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec - std::int64_t(jackNow - start) * 1000};
}

} // namespace

ProcessCallback::ProcessCallback(jack_client_t* client, engine::BlockProcessor& engine, int sampleRate)
    : client_(client)
    , engine_(engine)
    , sampleRate_(sampleRate)
    , inputBuffers_(config::maxInputChannels, nullptr)
    , outgoingInputBuffers_(config::maxInputChannels, nullptr)
{
}

int ProcessCallback::onProcess(jack_nframes_t nframes, void* self)
{
    auto& callback = *static_cast<ProcessCallback*>(self);
    callback.inCallback_.store(true, std::memory_order_seq_cst);
    while (callback.stall_.load(std::memory_order_relaxed)) {
        // stallForTest(): spins here for good, as an engine stuck in a deadlock would.
    }
    if (!callback.quiescing_.load(std::memory_order_seq_cst))
        callback.process(nframes);
    else {
        // Closing: silence rather than the ports' last buffer played again.
        for (const auto& output : callback.outputPorts_)
            if (jack_port_t* port = output.load(std::memory_order_acquire))
                if (auto* out = static_cast<float*>(BACKLINE_AUDITED_NONBLOCKING(jack_port_get_buffer(port, nframes))))
                    std::memset(out, 0, sizeof(float) * nframes);
        for (std::size_t i = 0; i < callback.midiOutputPorts_.size(); ++i) {
            jack_port_t* port = callback.midiOutputPorts_[i].load(std::memory_order_acquire);
            void* out = port ? BACKLINE_AUDITED_NONBLOCKING(jack_port_get_buffer(port, nframes)) : nullptr;
            if (!out)
                continue;
            BACKLINE_AUDITED_NONBLOCKING(jack_midi_clear_buffer(out));
            // A drum machine following the clock stops with backline rather than run on alone.
            if (i == 1 && !callback.stopTold_) {
                const std::uint8_t stop = midi::kind::stop;
                BACKLINE_AUDITED_NONBLOCKING(jack_midi_event_write(out, 0, &stop, 1));
                callback.stopTold_ = true;
            }
        }
    }
    callback.inCallback_.store(false, std::memory_order_seq_cst);
    return 0;
}

void ProcessCallback::onTimebase(jack_transport_state_t, jack_nframes_t, jack_position_t* position, int, void* self)
{
    auto& callback = *static_cast<ProcessCallback*>(self);
    callback.inCallback_.store(true, std::memory_order_seq_cst);
    if (!callback.quiescing_.load(std::memory_order_seq_cst) && position) {
        const engine::Transport& transport = callback.engine_.transport();
        fillBarsAndBeats(transport.gridFor(std::int64_t(position->frame)), *position);
    }
    callback.inCallback_.store(false, std::memory_order_seq_cst);
}

int ProcessCallback::process(jack_nframes_t nframes) noexcept
{
    const engine::Graph* graph = engine_.beginBlock();
    if (!graph)
        return 0;
    const auto mode = transportMode_.load(std::memory_order_relaxed);
    engine_.setTransportLed(mode != transport::JackMode::Off);
    if (mode != transport::JackMode::Off)
        // Leading, backline's own bars are JACK's: only the frame and state are taken back.
        engine_.followTransport(readJackTransport(client_, mode == transport::JackMode::Follow));
    const CycleClockReading clock = cycleClock(client_);
    const std::uint32_t ahead
        = clock.monotonicNs != 0 ? cycleLag_.lag(clock.frame, engine_.clock(), std::uint32_t(sampleRate_)) : 0;
    engine_.setBlockClock(ahead, clock.monotonicNs);
    // The instruments' MIDI, for the frames of this block. jack_midi_get_event_count and
    // jack_midi_event_get (audited in JACK2's JackMidiAPI.cpp) read the port's buffer in shared
    // memory: no allocation, lock or system call.
    for (std::size_t i = 0; i < graph->midiInputHandles.size(); ++i) {
        void* buffer = BACKLINE_AUDITED_NONBLOCKING(
            jack_port_get_buffer(static_cast<jack_port_t*>(graph->midiInputHandles[i]), nframes));
        const std::uint32_t count = BACKLINE_AUDITED_NONBLOCKING(jack_midi_get_event_count(buffer));
        for (std::uint32_t e = 0; e < count; ++e) {
            jack_midi_event_t event;
            if (BACKLINE_AUDITED_NONBLOCKING(jack_midi_event_get(&event, buffer, e)) == 0 && event.time < nframes)
                engine_.midiIn(i, event.time, event.buffer, event.size);
        }
    }
    if (graph->midiInHandle) {
        void* buffer = BACKLINE_AUDITED_NONBLOCKING(jack_port_get_buffer(static_cast<jack_port_t*>(graph->midiInHandle), nframes));
        const std::uint32_t count = BACKLINE_AUDITED_NONBLOCKING(jack_midi_get_event_count(buffer));
        for (std::uint32_t e = 0; e < count; ++e) {
            jack_midi_event_t event;
            if (BACKLINE_AUDITED_NONBLOCKING(jack_midi_event_get(&event, buffer, e)) == 0 && event.time < nframes)
                engine_.sessionMidiIn(event.time, event.buffer, event.size);
        }
    }
    const std::size_t numInputs = graph->inputHandles.size();
    // jack_port_get_buffer (audited in JACK2's JackPort::GetBuffer / JackGraphManager) only
    // looks up the port's buffer in shared memory: no allocation, lock or system call.
    for (std::size_t i = 0; i < numInputs; ++i)
        inputBuffers_[i] = static_cast<const float*>(BACKLINE_AUDITED_NONBLOCKING(
            jack_port_get_buffer(static_cast<jack_port_t*>(graph->inputHandles[i]), nframes)));
    float* outputs[2];
    for (std::size_t c = 0; c < 2; ++c)
        outputs[c] = static_cast<float*>(BACKLINE_AUDITED_NONBLOCKING(
            jack_port_get_buffer(static_cast<jack_port_t*>(graph->outputHandles[c]), nframes)));
    // A reload's old graph plays on for its crossfade; the daemon keeps its ports until then.
    std::size_t numOutgoing = 0;
    if (const engine::Graph* outgoing = engine_.outgoing()) {
        numOutgoing = std::min(outgoing->inputHandles.size(), outgoingInputBuffers_.size());
        for (std::size_t i = 0; i < numOutgoing; ++i)
            outgoingInputBuffers_[i] = static_cast<const float*>(BACKLINE_AUDITED_NONBLOCKING(
                jack_port_get_buffer(static_cast<jack_port_t*>(outgoing->inputHandles[i]), nframes)));
    }
    engine_.runBlock(inputBuffers_.data(), numInputs, outputs, 2, nframes, outgoingInputBuffers_.data(), numOutgoing);
    writeSessionMidi(*graph, nframes);
    if (mode != transport::JackMode::Off)
        askJackTransport(client_, engine_.takeLeaderAsk());
    return 0;
}

void ProcessCallback::writeSessionMidi(const engine::Graph& graph, jack_nframes_t nframes) noexcept
{
    // jack_midi_clear_buffer and jack_midi_event_write (audited in JACK2's JackMidiAPI.cpp)
    // write into the port's buffer in shared memory: no allocation, lock or system call. An
    // output's buffer is cleared every cycle, or the last cycle's events are sent again.
    if (graph.midiOutHandle) {
        void* buffer = BACKLINE_AUDITED_NONBLOCKING(jack_port_get_buffer(static_cast<jack_port_t*>(graph.midiOutHandle), nframes));
        BACKLINE_AUDITED_NONBLOCKING(jack_midi_clear_buffer(buffer));
        // Feedback at the cycle's start; a few hundred a cycle at most, the rest the next cycle.
        // What a full buffer had no room for waits, in order, for the next cycle.
        engine::MidiWire& wire = engine_.midiWire();
        for (std::size_t n = 0; n < maxFeedbackPerCycle; ++n) {
            if (!carrying_ && !wire.takeOutgoing(carried_))
                break;
            carrying_ = true;
            if (BACKLINE_AUDITED_NONBLOCKING(jack_midi_event_write(buffer, 0, carried_.bytes, carried_.size)) != 0)
                break;
            carrying_ = false;
        }
    }
    if (graph.clockOutHandle) {
        void* buffer = BACKLINE_AUDITED_NONBLOCKING(jack_port_get_buffer(static_cast<jack_port_t*>(graph.clockOutHandle), nframes));
        BACKLINE_AUDITED_NONBLOCKING(jack_midi_clear_buffer(buffer));
        const engine::MidiClock& clock = engine_.midiClock();
        for (std::size_t i = 0; i < clock.count(); ++i) {
            const engine::ClockMessage& m = clock.messages()[i];
            const std::uint64_t offset = m.frame - clock.blockStart();
            const auto time = jack_nframes_t(offset < nframes ? offset : nframes - 1);
            BACKLINE_AUDITED_NONBLOCKING(jack_midi_event_write(buffer, time, m.bytes, m.size));
        }
    }
}

} // namespace backline::jack
