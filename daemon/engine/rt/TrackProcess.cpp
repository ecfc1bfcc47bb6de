// SPDX-License-Identifier: GPL-3.0-or-later
// A track's node: inputs → optional DSP → strip → fader → mute/solo gate. The buses and the
// master read its output themselves (BusProcess.cpp, MasterProcess.cpp).
#include "engine/Graph.h"

#include "core/Decibels.h"
#include "engine/rt/BufferOps.h"
#include "engine/rt/NodeSignals.h"
#include "engine/rt/StageRunner.h"

namespace backline::engine {

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

    float* const* sourced = signal.pointers();
    if (source) {
        auto& stage = graph.stages[*source];
        runStageMapped(graph, stage, in, stage.dsp->numInputs() > 0 ? channels : 0, sourced, channels, nframes);
    } else {
        // Faust never writes its inputs: the strip reads the input buffers where they are.
        sourced = const_cast<float* const*>(in);
    }

    auto& stripStage = graph.stages[strip];
    runStage(graph, stripStage, sourced, stripStage.out.pointers(), nframes);
    auto& faderStage = graph.stages[fader];
    runStage(graph, faderStage, stripStage.out.pointers(), faderStage.out.pointers(), nframes);

    // Mute and solo gate the track's output and its sends alike.
    float* gate = scratch.gains[0];
    const bool gateConstant = audible.render(gate, nframes);
    float* post[2] = {faderStage.out.channel(0), faderStage.out.channel(1)};
    scale(post[0], gate, gateConstant, nframes);
    scale(post[1], gate, gateConstant, nframes);

    anyPre = false;
    for (auto& send : sends) {
        send.level.follow(dbToGain(send.levelDb));
        send.preMix.follow(send.pre >= 0.5f ? 1.0f : 0.0f);
        anyPre = anyPre || (!send.level.silent() && !(!send.preMix.ramping() && send.preMix.current() == 0.0f));
    }
    if (anyPre) {
        float* pre[2] = {preStereo.channel(0), preStereo.channel(1)};
        mapChannels(stripStage.out.pointers(), channels, pre, 2, nframes);
        scale(pre[0], gate, gateConstant, nframes);
        scale(pre[1], gate, gateConstant, nframes);
    }
    for (auto& route : routes)
        route.gain.follow(route.on >= 0.5f ? 1.0f : 0.0f);

    tapInto(io, TapPoint::Kind::TrackPost, index, post, nframes);
    if (io.meters)
        meter = measure(post, nframes);
}

} // namespace backline::engine
