// SPDX-License-Identifier: GPL-3.0-or-later
// How a bus or the master adds one of its feeds into its input.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"

#include <cstdint>

namespace backline::engine {

/// [audio, any worker] Adds feed into the stereo dst: a track's send (pre- or post-fader, at
/// its gliding level, crossfading between the two while it switches), a track's route (at its
/// gliding on/off gain) or a bus's output. The feeding node has run this stretch.
void sumFeed(Graph& graph, const Feed& feed, float* const* dst, const NodeScratch& scratch, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING;

} // namespace backline::engine
