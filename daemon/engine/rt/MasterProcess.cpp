// SPDX-License-Identifier: GPL-3.0-or-later
// The master's node: the tracks routed to it and every bus summed → the session's master DSP →
// the built-in master chain.
#include "engine/Graph.h"

#include "engine/rt/BufferOps.h"
#include "engine/rt/FeedSum.h"
#include "engine/rt/StageRunner.h"

namespace backline::engine {

void MasterNode::process(const NodeRun& run, const NodeScratch& scratch) noexcept
{
    Graph& graph = *run.graph;
    const std::uint32_t nframes = run.nframes;

    float* const* masterIn = graph.masterBus.pointers();
    zero(masterIn[0], nframes);
    zero(masterIn[1], nframes);
    for (const Feed& feed : feeds)
        sumFeed(graph, feed, masterIn, scratch, nframes);

    if (graph.masterUser)
        runStageMapped(graph, graph.stages[*graph.masterUser], masterIn, 2, masterIn, 2, nframes);
    auto& master = graph.stages[graph.master];
    runStage(graph, master, masterIn, master.out.pointers(), nframes);
}

} // namespace backline::engine
