// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"

#include <cstddef>
#include <cstdint>

/// The audio thread's walk through a graph: every function here runs in the process callback.
namespace backline::engine {

/// [audio] Sets a parameter: a ramp for engine-smoothed ones, the zone directly otherwise.
void setParamValue(Graph& graph, ParamId param, float value) noexcept BACKLINE_NONBLOCKING;

/// [audio] Inputs → tracks → master → outputs for nframes (≤ graph.maxFrames).
void runGraph(Graph& graph, const float* const* inputs, std::size_t numInputs, float* const* outputs,
    std::size_t numOutputs, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

/// [audio] Fits src channels onto dst channels: equal counts copy, one source feeds every
/// destination, one destination takes the average, otherwise channel by channel with the rest
/// silent. No source channels means silence.
void mapChannels(const float* const* src, int numSrc, float* const* dst, int numDst, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING;

} // namespace backline::engine
