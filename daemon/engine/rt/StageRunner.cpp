// SPDX-License-Identifier: GPL-3.0-or-later
// One DSP stage run for one block, on the audio thread (see StageRunner.h).
#include "engine/rt/StageRunner.h"

#include "core/Config.h"
#include "engine/rt/BufferOps.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace backline::engine {

namespace {

/// A session's DSP that outputs NaN or infinity (a filter blown up at some setting, a division
/// by zero) would poison every stage after it, the master's limiter included, and reach the
/// speakers; one on its way there (past +96 dBFS) would overflow the master's detectors into
/// the same. Silence its block, reset its state so it can recover, and count it.
void guard(Graph& graph, DspStage& stage, float* const* out, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING
{
    // By bits, so no floating-point optimisation can drop the test: an exponent of 2^16 or
    // more (|x| ≥ 65536) — infinity and NaN have the largest.
    constexpr std::uint32_t exponent = 0x7f800000u;
    constexpr std::uint32_t limit = (127u + 16u) << 23;
    const int numOut = stage.dsp->numOutputs();
    std::uint32_t bad = 0;
    for (int c = 0; c < numOut; ++c) {
        for (std::uint32_t i = 0; i < nframes; ++i) {
            std::uint32_t bits;
            std::memcpy(&bits, &out[c][i], sizeof bits);
            bad |= std::uint32_t((bits & exponent) >= limit);
        }
    }
    if (bad == 0)
        return;
    for (int c = 0; c < numOut; ++c)
        std::memset(out[c], 0, nframes * sizeof(float));
    stage.dsp->clear();
    if (graph.stageFaults)
        graph.stageFaults[std::size_t(&stage - graph.stages.data())].fetch_add(1, std::memory_order_relaxed); // a count
}

void computeStage(Graph& graph, DspStage& stage, float* const* in, float* const* out, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING
{
    bool ramping = false;
    for (ParamId id : stage.rampedParams)
        ramping = ramping || graph.slots[id].ramping();
    const int numIn = stage.dsp->numInputs();
    const int numOut = stage.dsp->numOutputs();
    if (!ramping) {
        stage.dsp->compute(int(nframes), const_cast<float**>(in), const_cast<float**>(out));
        return;
    }
    float* inSlice[config::maxDspChannels];
    float* outSlice[config::maxDspChannels];
    for (std::uint32_t done = 0; done < nframes;) {
        const std::uint32_t n = std::min(config::smoothingSliceFrames, nframes - done);
        for (ParamId id : stage.rampedParams)
            graph.slots[id].advance(n);
        for (int c = 0; c < numIn; ++c)
            inSlice[c] = in[c] + done;
        for (int c = 0; c < numOut; ++c)
            outSlice[c] = out[c] + done;
        stage.dsp->compute(int(n), inSlice, outSlice);
        done += n;
    }
}

} // namespace

void runStage(Graph& graph, DspStage& stage, float* const* in, float* const* out, std::uint32_t nframes) noexcept
{
    computeStage(graph, stage, in, out, nframes);
    if (stage.guarded)
        guard(graph, stage, out, nframes);
}

void runStageMapped(Graph& graph, DspStage& stage, const float* const* src, int numSrc, float* const* dst, int numDst,
    std::uint32_t nframes) noexcept
{
    mapChannels(src, numSrc, stage.in.pointers(), stage.in.channels(), nframes);
    runStage(graph, stage, stage.in.pointers(), stage.out.pointers(), nframes);
    mapChannels(stage.out.pointers(), stage.out.channels(), dst, numDst, nframes);
}

} // namespace backline::engine
