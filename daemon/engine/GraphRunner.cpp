// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/GraphRunner.h"

#include "core/Config.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace backline::engine {

namespace {

constexpr int maxStageChannels = 64; // DspFactory refuses DSP with more

/// Denormals make IIR tails crawl on x86; flush them for the block and restore the caller's mode.
class ScopedFlushDenormals {
public:
    ScopedFlushDenormals() noexcept BACKLINE_NONBLOCKING
    {
#if defined(__SSE__)
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ | 0x8040); // FTZ | DAZ
#endif
    }
    ~ScopedFlushDenormals() noexcept BACKLINE_NONBLOCKING
    {
#if defined(__SSE__)
        _mm_setcsr(saved_);
#endif
    }

private:
    unsigned saved_ = 0;
};

void copy(const float* src, float* dst, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    std::memcpy(dst, src, n * sizeof(float));
}

/// Runs one stage from in to out; while any of its engine-smoothed parameters ramps, in short
/// slices so Faust's control-rate zones follow the ramp instead of jumping once per block.
void runStage(Graph& graph, DspStage& stage, float* const* in, float* const* out, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING
{
    bool ramping = false;
    for (ParamId id : stage.rampedParams)
        ramping = ramping || graph.slots[id].smoother.ramping();
    const int numIn = stage.dsp->numInputs();
    const int numOut = stage.dsp->numOutputs();
    if (!ramping) {
        stage.dsp->compute(int(nframes), const_cast<float**>(in), const_cast<float**>(out));
        return;
    }
    float* inSlice[maxStageChannels];
    float* outSlice[maxStageChannels];
    for (std::uint32_t done = 0; done < nframes;) {
        const std::uint32_t n = std::min(config::smoothingSliceFrames, nframes - done);
        for (ParamId id : stage.rampedParams) {
            auto& slot = graph.slots[id];
            *slot.zone = slot.smoother.advance(n);
        }
        for (int c = 0; c < numIn; ++c)
            inSlice[c] = in[c] + done;
        for (int c = 0; c < numOut; ++c)
            outSlice[c] = out[c] + done;
        stage.dsp->compute(int(n), inSlice, outSlice);
        done += n;
    }
}

} // namespace

void setParamValue(Graph& graph, ParamId param, float value) noexcept
{
    auto& slot = graph.slots[param];
    if (slot.smoothing == Smoothing::Engine)
        slot.smoother.setTarget(value);
    else
        *slot.zone = value;
}

void mapChannels(const float* const* src, int numSrc, float* const* dst, int numDst, std::uint32_t nframes) noexcept
{
    if (numSrc == 0) {
        for (int c = 0; c < numDst; ++c)
            std::memset(dst[c], 0, nframes * sizeof(float));
    } else if (numSrc == numDst || numDst > 1) {
        for (int c = 0; c < numDst; ++c) {
            if (numSrc == 1 || c < numSrc)
                copy(src[numSrc == 1 ? 0 : c], dst[c], nframes);
            else
                std::memset(dst[c], 0, nframes * sizeof(float));
        }
    } else {
        const float scale = 1.0f / float(numSrc);
        for (std::uint32_t i = 0; i < nframes; ++i) {
            float sum = 0.0f;
            for (int c = 0; c < numSrc; ++c)
                sum += src[c][i];
            dst[0][i] = sum * scale;
        }
    }
}

void runGraph(Graph& graph, const float* const* inputs, std::size_t numInputs, float* const* outputs,
    std::size_t numOutputs, std::uint32_t nframes) noexcept
{
    ScopedFlushDenormals flush;
    float* bus[2] = {graph.masterBus.channel(0), graph.masterBus.channel(1)};
    std::memset(bus[0], 0, nframes * sizeof(float));
    std::memset(bus[1], 0, nframes * sizeof(float));
    const float* silence = graph.silence.channel(0);

    for (auto& track : graph.tracks) {
        const float* in[2] = {silence, silence};
        for (int c = 0; c < track.channels && track.inputBase >= 0; ++c) {
            const auto index = std::size_t(track.inputBase + c);
            if (index < numInputs && inputs[index])
                in[c] = inputs[index];
        }
        float* const* signal = track.signal.pointers();
        if (track.source) {
            auto& stage = graph.stages[*track.source];
            mapChannels(in, stage.dsp->numInputs() > 0 ? track.channels : 0, stage.in.pointers(), stage.in.channels(),
                nframes);
            runStage(graph, stage, stage.in.pointers(), stage.out.pointers(), nframes);
            mapChannels(stage.out.pointers(), stage.out.channels(), signal, track.channels, nframes);
        } else {
            mapChannels(in, track.channels, signal, track.channels, nframes);
        }
        auto& strip = graph.stages[track.strip];
        runStage(graph, strip, signal, strip.out.pointers(), nframes);
        for (int c = 0; c < 2; ++c) {
            const float* s = strip.out.channel(c);
            float* b = bus[c];
            for (std::uint32_t i = 0; i < nframes; ++i)
                b[i] += s[i];
        }
    }

    float* const* masterIn = bus;
    if (graph.masterUser) {
        auto& user = graph.stages[*graph.masterUser];
        mapChannels(bus, 2, user.in.pointers(), user.in.channels(), nframes);
        runStage(graph, user, user.in.pointers(), user.out.pointers(), nframes);
        mapChannels(user.out.pointers(), user.out.channels(), bus, 2, nframes);
    }
    auto& master = graph.stages[graph.master];
    runStage(graph, master, masterIn, master.out.pointers(), nframes);
    for (std::size_t c = 0; c < numOutputs && c < 2; ++c)
        if (outputs[c])
            copy(master.out.channel(int(c)), outputs[c], nframes);
}

} // namespace backline::engine
