// SPDX-License-Identifier: GPL-3.0-or-later
// The messages that cross the real-time boundary: Commands from control threads to the audio
// thread, Events back. Plain data, copied through SPSC queues.
#pragma once

#include "core/Config.h"
#include "core/SpscQueue.h"
#include "engine/ParamInfo.h"
#include "engine/rt/TransportRequest.h"

#include <cstdint>
#include <type_traits>

namespace backline::engine {

struct Graph;
struct TapSet;

/// How a new graph takes over from the running one.
enum class Swap : std::uint8_t {
    Crossfade, ///< the old graph fades out as the new one fades in (both run meanwhile)
    FadeIn,    ///< the old graph stops at once (its backend is gone) and the new one fades in from silence
};

/// Control → audio: a small POD applied at the start of the next block, in order (or, with a
/// frame time, at that frame of the engine's clock).
struct Command {
    enum class Type : std::uint8_t {
        SetParam,  ///< param/value for the graph of `generation`
        SwapGraph, ///< install `graph`; the old one comes back as a GraphRetired event
        SwapTaps,  ///< install `taps`; the old set comes back as a TapsRetired event
        Transport, ///< `transport` for the engine's transport, at atFrame (rt/Transport)
    };
    Type type = Type::SetParam;
    ParamId param = 0;
    float value = 0.0f;
    std::uint64_t generation = 0;
    std::uint64_t atFrame = 0; ///< SetParam, Transport: engine frame to apply at; 0 (or past): at once
    Graph* graph = nullptr;
    TapSet* taps = nullptr;
    Swap swap = Swap::Crossfade; ///< SwapGraph only
    TransportRequest transport;  ///< Transport only
};
static_assert(std::is_trivially_copyable_v<Command>);

/// Audio → control: what the audio thread reports, as codes and numbers, never text.
struct Event {
    enum class Type : std::uint8_t {
        GraphRetired, ///< `graph` left the audio thread: free it off-thread
        TapsRetired,  ///< `taps` left the audio thread: free it off-thread
        TimedDropped, ///< a timed command found no room and was applied at once
    };
    Type type = Type::GraphRetired;
    Graph* graph = nullptr;
    TapSet* taps = nullptr;
};
static_assert(std::is_trivially_copyable_v<Event>);

/// Control → audio (one producer at a time: Engine serialises its control threads).
using CommandQueue = SpscQueue<Command, config::commandQueueCapacity>;
/// Audio → control.
using EventQueue = SpscQueue<Event, config::eventQueueCapacity>;

} // namespace backline::engine
