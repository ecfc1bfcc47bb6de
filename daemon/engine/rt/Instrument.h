// SPDX-License-Identifier: GPL-3.0-or-later
// Instrument: a track's voice DSP made polyphonic by the engine — one DSP instance per voice
// slot, the voice allocator (Voices) choosing which slot plays which note, the events of the
// block applied on their exact frames, and only the slots that sound computed.
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/VoiceEvent.h"
#include "engine/rt/Voices.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace backline::engine {

struct Graph;

/// The events an instrument has been sent and not yet played, in frame order (an event's
/// place among those of the same frame is the order they came in). Fixed capacity: full, an
/// event is refused and counted.
class VoiceInbox {
public:
    static constexpr std::size_t capacity = 1024;

    /// [audio] Files event by its frame; false when full.
    bool push(const VoiceEvent& event) noexcept BACKLINE_NONBLOCKING;
    /// [audio] The earliest event, or null.
    const VoiceEvent* front() const noexcept { return count_ > 0 ? &events_[head_] : nullptr; }
    /// [audio] Drops the earliest event.
    void pop() noexcept BACKLINE_NONBLOCKING;
    /// [audio] Drops every event.
    void clear() noexcept BACKLINE_NONBLOCKING { head_ = count_ = 0; }
    std::size_t size() const noexcept { return count_; }

private:
    std::array<VoiceEvent, capacity> events_ {};
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

/// The three controls of a voice DSP the engine plays it by (Faust's polyphony convention).
struct VoiceZones {
    float* freq = nullptr; ///< Hz
    float* gain = nullptr; ///< velocity as a gain, 0..1
    float* gate = nullptr; ///< 1 while the note is held (or sustained), 0 released
};

/// A track's instrument (TrackNode::instrument). Built whole off the audio thread with its
/// graph; then the audio thread's alone, but for the counters.
struct Instrument {
    std::vector<std::size_t> stages; ///< the graph's DSP stage of each voice slot (Voices::slots())
    std::vector<VoiceZones> zones;   ///< of each slot
    /// The voice's other controls, shared by every slot: the session and the surfaces set slot
    /// 0's (the parameter's zone); the others follow it before each compute. Parameter-major:
    /// shared[p * slots + v].
    std::vector<float*> shared;
    std::size_t numShared = 0;
    Voices voices;
    float bendSemitones = 2.0f; ///< the pitch bend's range either way
    VoiceInbox inbox;
    std::atomic<std::uint64_t> droppedEvents {0}; ///< refused by a full inbox (a statistic)

    /// [audio] Renders a stretch of n frames starting at engine frame `frame` into out (channels
    /// × n, overwritten): the inbox's events due by each frame applied on that frame, each
    /// sounding slot computed between events and its output mixed in. A slot whose DSP blows up
    /// (NaN, infinity, past +96 dBFS) is silenced and freed and the fault counted.
    void render(Graph& graph, std::uint64_t frame, float* const* out, int channels, std::uint32_t n) noexcept
        BACKLINE_NONBLOCKING;

    /// [audio] An event from a surface; false (and counted) when the inbox is full.
    bool send(const VoiceEvent& event) noexcept BACKLINE_NONBLOCKING;

private:
    /// Computes every sounding slot over [offset, offset + n) of the stretch into out.
    void renderSpan(Graph& graph, float* const* out, int channels, std::uint32_t offset, std::uint32_t n) noexcept
        BACKLINE_NONBLOCKING;
    /// Writes slot v's pitch, gain and gate into its DSP, and the shared controls.
    void writeControls(std::size_t v) noexcept BACKLINE_NONBLOCKING;
};

} // namespace backline::engine
