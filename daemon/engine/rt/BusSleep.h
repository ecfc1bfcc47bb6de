// SPDX-License-Identifier: GPL-3.0-or-later
// A bus's DSP that has nothing to do sleeps: a reverb nobody sends to costs nothing.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"

#include <cstdint>

namespace backline::engine {

/// [audio, any worker] Runs bus's DSP on the stereo signal in place, or lets it sleep.
///
/// It falls asleep on the frame its input has been exactly silent, and its output under
/// config::silenceFloor, for bus.sleepAfterFrames in a row; from there it outputs exact silence
/// and is not computed, its state kept as it was on that frame. It wakes on the first frame its
/// input is not silent, where it stopped, its engine-smoothed parameters at their targets
/// (nothing sounds that a jump could click in), computed from that frame on. Both are
/// frame-exact, so what it plays does not depend on the block size or on the workers. A DSP
/// without inputs never sleeps: its silence says nothing of what it will do next.
void runBusDsp(Graph& graph, BusNode& bus, float* const* signal, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::engine
