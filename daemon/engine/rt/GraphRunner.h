// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's walk through a graph for one block: inputs → tracks → buses → master →
// outputs, with taps and meters on the way. Every function here runs in the process callback.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"
#include "engine/Taps.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// The outside world of one call to runGraph.
struct BlockIo {
    const float* const* inputs = nullptr; ///< per engine input channel (null = silence)
    std::size_t numInputs = 0;
    float* const* outputs = nullptr; ///< the two master outputs (null = discarded)
    std::size_t numOutputs = 0;
    const TapSet* taps = nullptr;  ///< taps of this graph, or null
    MeterQueue* meters = nullptr;  ///< where levels go, or null
    std::atomic<std::uint64_t>* droppedMeterEvents = nullptr;
};

/// [audio] Inputs → tracks → buses → master → outputs for nframes (≤ graph.maxFrames):
/// renderGraph() then finishGraph().
void runGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

/// [audio] Inputs → tracks → buses → the master chain, whose output masterOutput() holds.
void renderGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

/// [audio] The master's output: what finishGraph() plays, taps and meters (a reload's
/// crossfade mixes into it first).
float* const* masterOutput(Graph& graph) noexcept BACKLINE_NONBLOCKING;

/// [audio] Copies the master's output to io.outputs, taps and meters it.
void finishGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::engine
