// SPDX-License-Identifier: GPL-3.0-or-later
// The messages that cross the real-time boundary: Commands from control threads to the audio
// thread, Events back. Plain data, copied through SPSC queues.
#pragma once

#include "core/Config.h"
#include "core/SpscQueue.h"
#include "core/TransportRules.h"
#include "engine/ParamInfo.h"
#include "engine/rt/ArrangementRequest.h"
#include "engine/rt/TransportRequest.h"
#include "engine/rt/VoiceEvent.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

namespace backline::engine {

struct Graph;
struct ShowPlan;
struct TapSet;

/// How a new graph takes over from the running one.
enum class Swap : std::uint8_t {
    Crossfade, ///< the old graph fades out as the new one fades in (both run meanwhile)
    FadeIn,    ///< the old graph stops at once (its backend is gone) and the new one fades in from silence
};

/// One parameter change of a batch: a parameter of the batch's graph and its new value.
struct ParamChange {
    ParamId param = 0;
    float value = 0.0f;
};

/// Parameter changes the audio thread applies whole, in one block: built and owned on the
/// control side (engine::Engine), read by the audio thread through an ApplyBatch command, and
/// freed on the control side once the audio thread has said it is done with it. However many
/// changes it holds, it is one command in the queue and one entry among the timed ones.
struct ParamBatch {
    std::uint64_t generation = 0;    ///< the graph the parameter ids were resolved against
    std::uint64_t atFrame = 0;       ///< engine frame to apply at; 0 (or past): at once
    std::uint32_t fadeFrames = 0;    ///< 0: set; otherwise each parameter morphs over this many frames
    std::vector<ParamChange> changes; ///< in order: a parameter's last change wins
    /// Non-zero: the control side wants to know the engine frame it lands on (Engine::takeLandings).
    std::uint64_t tag = 0;
    /// Whether the audio thread applied it (to the graph it was for), and at which engine frame;
    /// read once `applied` is true.
    bool landed = false;
    std::uint64_t landedAt = 0;
    /// Set by the audio thread (release) when it no longer reads the batch; the control side
    /// frees the batch after reading it true (acquire).
    std::atomic<bool> applied {false};
};

/// Control → audio: a small POD applied at the start of the next block, in order (or, with a
/// frame time, at that frame of the engine's clock).
struct Command {
    enum class Type : std::uint8_t {
        SetParam,   ///< param/value for the graph of `generation`
        ApplyBatch, ///< every change of `batch`, together (its own generation and frame are copied here)
        SwapGraph,  ///< install `graph`; the old one comes back as a GraphRetired event
        SwapTaps,   ///< install `taps`; the old set comes back as a TapsRetired event
        Transport,  ///< `transport` for the engine's transport, at atFrame (rt/Transport)
        SwapShow,   ///< install `show` for the arrangement; the old one comes back as a ShowRetired event
        Arrange,    ///< `arrangement` for the arrangement (rt/Arrangement): a jump, a cue, a loop switch
        Play,       ///< a VoiceEvent (voiceKind, note, value, atFrame) for the instrument of track `param`
                    ///< (allTracks: every instrument) of the graph of `generation`
    };
    /// Play: every instrument of the graph.
    static constexpr std::uint32_t allTracks = UINT32_MAX;
    Type type = Type::SetParam;
    // Play's event, in what would be padding: a Command stays small (queues hold thousands).
    std::uint8_t voiceKind = 0; ///< Play: the VoiceEvent's kind
    std::uint8_t note = 0;      ///< Play: the VoiceEvent's note
    ParamId param = 0;          ///< SetParam: the parameter; Play: the track
    float value = 0.0f;
    std::uint64_t generation = 0;
    std::uint64_t atFrame = 0; ///< SetParam, ApplyBatch, Transport: engine frame to apply at; 0 (or past): at once
    /// SetParam, ApplyBatch: set, the change lands on the transport's first beat or bar line at
    /// or after atFrame (0 or past: the next block) as the audio thread counts it
    /// (rt/LineCommands.h); the transport stopped: at once.
    std::optional<transport::Boundary> line;
    Graph* graph = nullptr;
    TapSet* taps = nullptr;
    ParamBatch* batch = nullptr; ///< ApplyBatch only; owned by the control side
    Swap swap = Swap::Crossfade; ///< SwapGraph only
    TransportRequest transport;  ///< Transport only
    const ShowPlan* show = nullptr; ///< SwapShow only (null: no show)
    bool keepPlace = false;         ///< SwapShow: the same songs (only scenes changed): the song playing plays on
    ArrangementRequest arrangement; ///< Arrange only
};
static_assert(std::is_trivially_copyable_v<Command>);
static_assert(sizeof(Command) <= 136, "the command queues hold thousands: keep a Command small");

/// Audio → control: what the audio thread reports, as codes and numbers, never text.
struct Event {
    enum class Type : std::uint8_t {
        GraphRetired, ///< `graph` left the audio thread: free it off-thread
        TapsRetired,  ///< `taps` left the audio thread: free it off-thread
        TimedDropped, ///< a timed command found no room and was applied at once
        ShowRetired,  ///< `show` left the audio thread: free it off-thread
        SectionStarted, ///< the arrangement started `section` of `show` at engine frame `frame`
    };
    Type type = Type::GraphRetired;
    Graph* graph = nullptr;
    TapSet* taps = nullptr;
    const ShowPlan* show = nullptr; ///< ShowRetired
    std::uint64_t showId = 0;       ///< SectionStarted: the plan's id
    std::int32_t section = -1;
    std::uint64_t frame = 0;
    bool recalled = false; ///< SectionStarted: its scene was recalled (not a loop's later pass)
};
static_assert(std::is_trivially_copyable_v<Event>);

/// Control → audio (one producer at a time: Engine serialises its control threads).
using CommandQueue = SpscQueue<Command, config::commandQueueCapacity>;
/// Audio → control.
using EventQueue = SpscQueue<Event, config::eventQueueCapacity>;

} // namespace backline::engine
