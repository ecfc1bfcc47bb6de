// SPDX-License-Identifier: GPL-3.0-or-later
// One DSP stage of a graph run for one block, on the audio thread: ramps followed in slices,
// a session's own DSP checked for blown-up output.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"

#include <cstdint>

namespace backline::engine {

/// [audio] Runs stage from in to out for nframes: while any of its engine-smoothed parameters
/// ramps, in config::smoothingSliceFrames slices so Faust's control-rate zones follow the ramp
/// instead of jumping once per block; then a guarded stage's output is checked (NaN, infinity
/// or past +96 dBFS: the block is silenced, the DSP reset and the fault counted in
/// graph.stageFaults).
void runStage(Graph& graph, DspStage& stage, float* const* in, float* const* out, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING;

/// [audio] runStage() between buffers of other channel counts: src fitted onto the stage's
/// inputs, its outputs fitted onto dst (mapChannels; src and dst may be the same buffer).
void runStageMapped(Graph& graph, DspStage& stage, const float* const* src, int numSrc, float* const* dst, int numDst,
    std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::engine
