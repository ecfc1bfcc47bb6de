// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's walk through a graph for one block (see GraphRunner.h).
#include "engine/rt/GraphRunner.h"

#include "core/Decibels.h"
#include "engine/rt/Audibility.h"
#include "engine/rt/BufferOps.h"
#include "engine/rt/StageRunner.h"

#include <algorithm>
#include <cmath>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace backline::engine {

namespace {

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

/// Reports peak and energy of a stereo signal for one meter.
void meter(const BlockIo& io, const Graph& graph, std::uint32_t id, const float* const* signal, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    if (!io.meters)
        return;
    MeterEvent e;
    e.generation = graph.generation;
    e.meter = id;
    e.frames = n;
    for (int c = 0; c < 2; ++c) {
        float peak = 0.0f, sum = 0.0f;
        for (std::uint32_t i = 0; i < n; ++i) {
            const float s = signal[c][i];
            peak = std::max(peak, std::fabs(s));
            sum += s * s;
        }
        e.peak[c] = peak;
        e.sumSquares[c] = sum;
    }
    if (!io.meters->push(e) && io.droppedMeterEvents)
        io.droppedMeterEvents->fetch_add(1, std::memory_order_relaxed); // a statistic
}

/// Copies a signal into every tap at its point.
void tap(const BlockIo& io, TapPoint::Kind kind, std::uint32_t index, const float* const* signal, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    if (!io.taps)
        return;
    for (const Tap& t : io.taps->taps)
        if (t.point.kind == kind && t.point.index == index)
            t.ring->writePlanar(signal, n); // a full ring counts its own dropped frames
}

/// A track: inputs → optional DSP → strip → fader → mute/solo gate → sends and routes.
void runTrack(Graph& graph, TrackNode& track, std::uint32_t index, const BlockIo& io, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING
{
    const float* silence = graph.silence.channel(0);
    const float* in[2] = {silence, silence};
    for (int c = 0; c < track.channels && track.inputBase >= 0; ++c) {
        const auto i = std::size_t(track.inputBase + c);
        if (i < io.numInputs && io.inputs[i])
            in[c] = io.inputs[i];
    }
    if (track.inputBase >= 0)
        tap(io, TapPoint::Kind::TrackInput, index, in, nframes);

    float* const* signal = track.signal.pointers();
    if (track.source) {
        auto& stage = graph.stages[*track.source];
        runStageMapped(graph, stage, in, stage.dsp->numInputs() > 0 ? track.channels : 0, signal, track.channels, nframes);
    } else {
        // Faust never writes its inputs: the strip reads the input buffers where they are.
        signal = const_cast<float* const*>(in);
    }

    auto& strip = graph.stages[track.strip];
    runStage(graph, strip, signal, strip.out.pointers(), nframes);
    auto& fader = graph.stages[track.fader];
    runStage(graph, fader, strip.out.pointers(), fader.out.pointers(), nframes);

    // Mute and solo gate the track's output and its sends alike.
    float* gate = graph.gains.channel(0);
    const bool gateConstant = track.audible.render(gate, nframes);
    float* post[2] = {fader.out.channel(0), fader.out.channel(1)};
    scale(post[0], gate, gateConstant, nframes);
    scale(post[1], gate, gateConstant, nframes);

    if (!track.sends.empty()) {
        bool anyPre = false;
        for (auto& send : track.sends) {
            send.level.follow(dbToGain(send.levelDb));
            send.preMix.follow(send.pre >= 0.5f ? 1.0f : 0.0f);
            anyPre = anyPre || (!send.level.silent() && !(!send.preMix.ramping() && send.preMix.current() == 0.0f));
        }
        float* pre[2] = {track.preStereo.channel(0), track.preStereo.channel(1)};
        if (anyPre) {
            mapChannels(strip.out.pointers(), track.channels, pre, 2, nframes);
            scale(pre[0], gate, gateConstant, nframes);
            scale(pre[1], gate, gateConstant, nframes);
        }
        float* sendGain = graph.gains.channel(1);
        for (auto& send : track.sends) {
            if (send.level.silent())
                continue;
            auto& bus = graph.buses[send.bus];
            const bool levelConstant = send.level.render(sendGain, nframes);
            const float mix = send.preMix.current();
            if (!send.preMix.ramping() && (mix == 0.0f || mix == 1.0f)) {
                float* const* from = mix == 1.0f ? pre : post;
                addScaled(from[0], bus.input.channel(0), sendGain, levelConstant, nframes);
                addScaled(from[1], bus.input.channel(1), sendGain, levelConstant, nframes);
            } else {
                // Switching between pre and post: crossfade the two over the glide.
                float* crossfade = graph.gains.channel(0); // the gate is already applied
                send.preMix.render(crossfade, nframes);
                for (int c = 0; c < 2; ++c) {
                    float* dst = bus.input.channel(c);
                    for (std::uint32_t i = 0; i < nframes; ++i) {
                        const float g = levelConstant ? sendGain[0] : sendGain[i];
                        dst[i] += g * (crossfade[i] * pre[c][i] + (1.0f - crossfade[i]) * post[c][i]);
                    }
                }
            }
        }
    }

    float* routeGain = graph.gains.channel(1);
    for (auto& route : track.routes) {
        route.gain.follow(route.on >= 0.5f ? 1.0f : 0.0f);
        if (route.gain.silent())
            continue;
        const bool constant = route.gain.render(routeGain, nframes);
        AudioBuffer& dest = route.destination == masterDestination ? graph.masterBus : graph.buses[route.destination].input;
        addScaled(post[0], dest.channel(0), routeGain, constant, nframes);
        addScaled(post[1], dest.channel(1), routeGain, constant, nframes);
    }
    tap(io, TapPoint::Kind::TrackPost, index, post, nframes);
    meter(io, graph, index, post, nframes);
}

/// A bus: summed input → optional DSP → fader → gate → the master bus.
void runBus(Graph& graph, BusNode& bus, std::uint32_t index, const BlockIo& io, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING
{
    float* const* signal = bus.input.pointers();
    if (bus.dsp)
        runStageMapped(graph, graph.stages[*bus.dsp], signal, 2, signal, 2, nframes);
    auto& fader = graph.stages[bus.fader];
    runStage(graph, fader, signal, fader.out.pointers(), nframes);
    float* gate = graph.gains.channel(0);
    const bool constant = bus.audible.render(gate, nframes);
    float* out[2] = {fader.out.channel(0), fader.out.channel(1)};
    scale(out[0], gate, constant, nframes);
    scale(out[1], gate, constant, nframes);
    for (int c = 0; c < 2; ++c) {
        float* dst = graph.masterBus.channel(c);
        for (std::uint32_t i = 0; i < nframes; ++i)
            dst[i] += out[c][i];
    }
    tap(io, TapPoint::Kind::Bus, index, out, nframes);
    meter(io, graph, std::uint32_t(graph.tracks.size()) + index, out, nframes);
}

} // namespace

void renderGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept
{
    ScopedFlushDenormals flush;
    zero(graph.masterBus.channel(0), nframes);
    zero(graph.masterBus.channel(1), nframes);
    for (auto& bus : graph.buses) {
        zero(bus.input.channel(0), nframes);
        zero(bus.input.channel(1), nframes);
    }
    updateAudibility(graph);

    for (std::uint32_t t = 0; t < graph.tracks.size(); ++t)
        runTrack(graph, graph.tracks[t], t, io, nframes);
    for (std::uint32_t b = 0; b < graph.buses.size(); ++b)
        runBus(graph, graph.buses[b], b, io, nframes);

    float* const* masterIn = graph.masterBus.pointers();
    if (graph.masterUser)
        runStageMapped(graph, graph.stages[*graph.masterUser], masterIn, 2, masterIn, 2, nframes);
    auto& master = graph.stages[graph.master];
    runStage(graph, master, masterIn, master.out.pointers(), nframes);
}

float* const* masterOutput(Graph& graph) noexcept
{
    return graph.stages[graph.master].out.pointers();
}

void finishGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept
{
    float* const* out = masterOutput(graph);
    for (std::size_t c = 0; c < io.numOutputs && c < 2; ++c)
        if (io.outputs[c])
            copy(out[c], io.outputs[c], nframes);
    tap(io, TapPoint::Kind::Master, 0, out, nframes);
    meter(io, graph, std::uint32_t(graph.meterCount() - 1), out, nframes);
}

void runGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept
{
    renderGraph(graph, io, nframes);
    finishGraph(graph, io, nframes);
}

} // namespace backline::engine
