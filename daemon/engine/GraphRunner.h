// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"
#include "engine/Taps.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

/// The audio thread's walk through a graph: every function here runs in the process callback.
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

/// [audio] Sets a parameter: a ramp for engine-smoothed ones, the zone directly otherwise.
void setParamValue(Graph& graph, ParamId param, float value) noexcept BACKLINE_NONBLOCKING;

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

/// [audio] Fits src channels onto dst channels: equal counts copy, one source feeds every
/// destination, one destination takes the average, otherwise channel by channel with the rest
/// silent. No source channels means silence.
void mapChannels(const float* const* src, int numSrc, float* const* dst, int numDst, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING;

/// [audio] Solo-in-place: sets each track's and bus's audible target from mute and solo.
/// A track is heard when not muted and either nothing is soloed, it is soloed, or it is routed
/// to a soloed group bus; a group bus when not muted and nothing is soloed, it is soloed, or a
/// soloed track is routed to it; an aux bus when not muted and nothing is soloed, it is soloed
/// or it is solo-safe. A track silenced by solo or mute is silenced in its sends too.
void updateAudibility(Graph& graph) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::engine
