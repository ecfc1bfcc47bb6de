// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/AudioRing.h"
#include "core/Config.h"
#include "core/SpscQueue.h"
#include "engine/Graph.h"

#include <cstdint>
#include <type_traits>
#include <vector>

namespace backline::engine {

/// One tap: every block, the audio at `point` is copied into `ring` (whose channel count
/// matches the point: a track's input channels, 2 for posts, buses and the master).
struct Tap {
    TapPoint point;
    AudioRing* ring = nullptr;
};

/// The taps for one graph generation, built off the audio thread and swapped in whole. Rings
/// are owned elsewhere (recorder, loudness meter) and outlive the set.
struct TapSet {
    std::uint64_t generation = 0;
    std::vector<Tap> taps;
};

/// Levels of one meter over one stretch of audio: what the audio thread reports; ballistics
/// and loudness are computed off it.
struct MeterEvent {
    std::uint64_t generation = 0;
    std::uint32_t meter = 0;  ///< see Graph::meterCount()
    std::uint32_t frames = 0;
    float peak[2] {};
    float sumSquares[2] {};
};
static_assert(std::is_trivially_copyable_v<MeterEvent>);

/// Audio → meter thread.
using MeterQueue = SpscQueue<MeterEvent, config::meterQueueCapacity>;

} // namespace backline::engine
