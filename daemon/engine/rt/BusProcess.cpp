// SPDX-License-Identifier: GPL-3.0-or-later
// A bus's node: its feeds summed in track order → optional DSP (asleep while it has nothing to
// do) → fader → mute/solo gate. The master reads its output (MasterProcess.cpp).
#include "engine/Graph.h"

#include "engine/rt/BufferOps.h"
#include "engine/rt/BusSleep.h"
#include "engine/rt/FeedSum.h"
#include "engine/rt/NodeSignals.h"
#include "engine/rt/StageRunner.h"

namespace backline::engine {

void BusNode::process(const NodeRun& run, const NodeScratch& scratch) noexcept
{
    Graph& graph = *run.graph;
    const BlockIo& io = *run.io;
    const std::uint32_t nframes = run.nframes;

    float* const* signal = input.pointers();
    zero(signal[0], nframes);
    zero(signal[1], nframes);
    for (const Feed& feed : feeds)
        sumFeed(graph, feed, signal, scratch, nframes);

    if (dsp)
        runBusDsp(graph, *this, signal, nframes);
    auto& faderStage = graph.stages[fader];
    runStage(graph, faderStage, signal, faderStage.out.pointers(), nframes);
    float* gate = scratch.gains[0];
    const bool constant = audible.render(gate, nframes);
    float* out[2] = {faderStage.out.channel(0), faderStage.out.channel(1)};
    scale(out[0], gate, constant, nframes);
    scale(out[1], gate, constant, nframes);
    tapInto(io, TapPoint::Kind::Bus, index, out, nframes);
    if (io.meters)
        meter = measure(out, nframes);
}

} // namespace backline::engine
