// SPDX-License-Identifier: GPL-3.0-or-later
// Solo-in-place: which tracks and buses are heard, from their mute and solo switches. Run by the
// audio thread every block, and once by the graph builder so a new graph starts as set.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"

namespace backline::engine {

/// [audio, or the builder before install] Sets each track's and bus's audible target from
/// mute and solo. A track is heard when not muted and either nothing is soloed, it is soloed,
/// or it is routed to a soloed group bus; a group bus when not muted and nothing is soloed, it
/// is soloed, or a soloed track is routed to it; an aux bus when not muted and nothing is
/// soloed, it is soloed or it is solo-safe. A track silenced by solo or mute is silenced in its
/// sends too.
void updateAudibility(Graph& graph) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::engine
