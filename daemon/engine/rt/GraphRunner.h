// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's run of a graph for one stretch: its nodes (tracks, buses, the master) in
// the order they read each other, on the workers when there are some, then outputs, taps and
// meters. Every function here runs in the process callback.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"
#include "engine/rt/BlockIo.h"

#include <cstdint>

namespace backline::engine {

/// [audio] Every node of the graph for nframes (≤ graph.maxFrames), then the outputs:
/// renderGraph() then finishGraph().
void runGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

/// [audio] Every node of the graph — tracks, buses, the master chain — whose output
/// masterOutput() then holds; on io.workers when given, on this thread otherwise, the same
/// bits either way. The tracks' and buses' levels go to io.meters in meter order.
void renderGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

/// [audio] The master's output: what finishGraph() plays, taps and meters (a reload's
/// crossfade mixes into it first).
float* const* masterOutput(Graph& graph) noexcept BACKLINE_NONBLOCKING;

/// [audio] Copies the master's output to io.outputs, taps and meters it.
void finishGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::engine
