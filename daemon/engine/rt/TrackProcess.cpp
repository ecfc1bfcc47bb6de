// SPDX-License-Identifier: GPL-3.0-or-later
// A track's node: inputs → optional DSP (or its instrument's voices) → strip (trim and polarity, then the sections that are
// on) → fader → mute/solo gate; muted and faded out, only the source runs. The buses and the
// master read its output themselves (BusProcess.cpp, MasterProcess.cpp).
#include "engine/Graph.h"

#include "core/Decibels.h"
#include "engine/rt/BufferOps.h"
#include "engine/rt/NodeSignals.h"
#include "engine/rt/StageRunner.h"

#include <algorithm>

namespace backline::engine {

namespace {

/// Trim and polarity: one gain gliding over 20 ms. At exactly 1 (0 dB, polarity normal, no
/// glide) the signal passes untouched; otherwise it is scaled into `into`.
void trim(Smoother& gain, float** signal, int channels, float* const* into, float* scratch, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    if (!gain.ramping() && gain.current() == 1.0f)
        return;
    const bool constant = gain.render(scratch, n);
    for (int c = 0; c < channels; ++c) {
        const float* from = signal[c];
        float* to = into[c];
        for (std::uint32_t i = 0; i < n; ++i)
            to[i] = from[i] * (constant ? scratch[0] : scratch[i]);
        signal[c] = to;
    }
}

/// One strip section for a stretch: off and faded out, nothing (signal passes); switched on
/// from off, it starts from rest (cleared), runs unheard through its warm-up, then fades in
/// from the warm-up's last frame on (whatever the block size); switched off, it fades out and
/// stops. Points signal at its output when it is heard.
void runSection(Graph& graph, StripSection& section, float** signal, int channels, float* scratch, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    const bool wanted = section.on >= 0.5f;
    auto& stage = graph.stages[section.stage];
    if (!section.running) {
        if (!wanted)
            return; // off: costs nothing, its input passes
        stage.dsp->clear();
        for (ParamId id : stage.rampedParams)
            graph.slots[id].land(); // from rest, its controls at their values at once
        section.running = true;
        section.warming = section.warmupFrames;
    }
    if (!wanted)
        section.warming = 0;
    if (section.warming == 0)
        section.mix.follow(wanted ? 1.0f : 0.0f);
    if (!wanted && section.mix.silent()) {
        section.running = false; // faded out: from here on it costs nothing
        return;
    }
    float* const* wet = stage.out.pointers();
    runStage(graph, stage, signal, wet, n);
    std::uint32_t heard = 0; // the first frame of the stretch it is heard from
    if (section.warming > 0) {
        if (section.warming >= n) {
            section.warming -= n; // unheard until its detectors have settled
            return;
        }
        heard = section.warming;
        section.warming = 0;
        section.mix.follow(1.0f);
    }
    if (heard == 0 && !section.mix.ramping() && section.mix.current() == 1.0f) {
        for (int c = 0; c < channels; ++c)
            signal[c] = wet[c];
        return;
    }
    // Fading: dry until it is heard, then mix × wet + (1 − mix) × dry, frame by frame: exactly
    // the wet at 1 and the dry at 0, so a fade's last frames are the same bits however the
    // blocks fall.
    const bool constant = section.mix.render(scratch, n - heard);
    for (int c = 0; c < channels; ++c) {
        const float* dry = signal[c];
        float* out = wet[c];
        for (std::uint32_t i = 0; i < heard; ++i)
            out[i] = dry[i];
        for (std::uint32_t i = heard; i < n; ++i) {
            const float m = constant ? scratch[0] : scratch[i - heard];
            out[i] = m * out[i] + (1.0f - m) * dry[i];
        }
        signal[c] = out;
    }
}

} // namespace

void TrackNode::process(const NodeRun& run, const NodeScratch& scratch) noexcept
{
    Graph& graph = *run.graph;
    const BlockIo& io = *run.io;
    const std::uint32_t nframes = run.nframes;

    const float* silence = graph.silence.channel(0);
    const float* in[2] = {silence, silence};
    for (int c = 0; c < channels && inputBase >= 0; ++c) {
        const auto i = std::size_t(inputBase + c);
        if (i < io.numInputs && io.inputs[i])
            in[c] = io.inputs[i];
    }
    if (inputBase >= 0)
        tapInto(io, TapPoint::Kind::TrackInput, index, in, nframes);

    // The strip works on pointers: a stage that is skipped leaves them where they are.
    // Faust never writes its inputs, so the strip may read the input buffers in place.
    stripOut[0] = const_cast<float*>(in[0]);
    stripOut[1] = const_cast<float*>(in[1]);
    if (source) {
        auto& stage = graph.stages[*source];
        runStageMapped(graph, stage, in, stage.dsp->numInputs() > 0 ? channels : 0, signal.pointers(), channels, nframes);
        for (int c = 0; c < channels; ++c)
            stripOut[c] = signal.channel(c);
    } else if (instrument) {
        instrument->render(graph, run.frame, signal.pointers(), channels, nframes);
        for (int c = 0; c < channels; ++c)
            stripOut[c] = signal.channel(c);
    }
    auto& faderStage = graph.stages[fader];
    float* post[2] = {faderStage.out.channel(0), faderStage.out.channel(1)};
    float* gate = scratch.gains[0];
    bool gateConstant = true;
    // Mute and solo gate the track's output and its sends alike. Silenced and faded out, the
    // strip and the fader would be multiplied by an exact 0: they stop (the source plays on,
    // keeping its time) and resume where they stopped under the next fade-in.
    const bool silenced = audible.silent();
    if (silenced) {
        zero(post[0], nframes);
        zero(post[1], nframes);
    } else {
        inputGain.follow(dbToGain(trimDb) * (polarity >= 0.5f ? -1.0f : 1.0f));
        trim(inputGain, stripOut, channels, signal.pointers(), scratch.gains[0], nframes);
        for (auto& section : sections)
            runSection(graph, section, stripOut, channels, scratch.gains[0], nframes);
        runStage(graph, faderStage, stripOut, faderStage.out.pointers(), nframes);
        gateConstant = audible.render(gate, nframes);
        scale(post[0], gate, gateConstant, nframes);
        scale(post[1], gate, gateConstant, nframes);
    }

    anyPre = false;
    for (auto& send : sends) {
        send.level.follow(dbToGain(send.levelDb));
        send.preMix.follow(send.pre >= 0.5f ? 1.0f : 0.0f);
        anyPre = anyPre || (!send.level.silent() && !(!send.preMix.ramping() && send.preMix.current() == 0.0f));
    }
    if (anyPre) {
        float* pre[2] = {preStereo.channel(0), preStereo.channel(1)};
        if (silenced) {
            zero(pre[0], nframes);
            zero(pre[1], nframes);
        } else {
            mapChannels(stripOut, channels, pre, 2, nframes);
            scale(pre[0], gate, gateConstant, nframes);
            scale(pre[1], gate, gateConstant, nframes);
        }
    }
    for (auto& route : routes)
        route.gain.follow(route.on >= 0.5f ? 1.0f : 0.0f);

    tapInto(io, TapPoint::Kind::TrackPost, index, post, nframes);
    if (io.meters)
        meter = measure(post, nframes);
}

} // namespace backline::engine
