// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's run of a graph for one stretch (see GraphRunner.h).
#include "engine/rt/GraphRunner.h"

#include "engine/rt/Audibility.h"
#include "engine/rt/BufferOps.h"
#include "engine/rt/NodeSignals.h"
#include "engine/rt/NodeScheduler.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace backline::engine {

namespace {

/// Denormals make IIR tails crawl on x86; flush them for the block and restore the caller's
/// mode. The workers' helpers run with the same mode all the time (engine/WorkerPool.cpp).
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

/// Sends one meter's levels over a stretch of n frames.
void sendMeter(const BlockIo& io, const Graph& graph, std::uint32_t id, const MeterReading& reading, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    MeterEvent e;
    e.generation = graph.generation;
    e.meter = id;
    e.frames = n;
    for (int c = 0; c < 2; ++c) {
        e.peak[c] = reading.peak[c];
        e.sumSquares[c] = reading.sumSquares[c];
    }
    if (!io.meters->push(e) && io.droppedMeterEvents)
        io.droppedMeterEvents->fetch_add(1, std::memory_order_relaxed); // a statistic
}

} // namespace

void renderGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept
{
    ScopedFlushDenormals flush;
    updateAudibility(graph);
    const NodeRun run {&graph, &io, nframes, io.frame};
    const NodeScratch scratch {{graph.gains.channel(0), graph.gains.channel(1)}};
    if (io.workers) {
        io.workers->run(graph.order, run, scratch);
    } else {
        for (std::uint32_t id : graph.order.serial())
            graph.order.node(id)->process(run, scratch);
    }
    // One thread sends every level (the meter queue has a single producer), in meter order.
    if (io.meters) {
        for (const TrackNode& track : graph.tracks)
            sendMeter(io, graph, track.index, track.meter, nframes);
        for (const BusNode& bus : graph.buses)
            sendMeter(io, graph, std::uint32_t(graph.tracks.size()) + bus.index, bus.meter, nframes);
    }
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
    tapInto(io, TapPoint::Kind::Master, 0, out, nframes);
    if (io.meters)
        sendMeter(io, graph, std::uint32_t(graph.meterCount() - 1), measure(out, nframes), nframes);
}

void runGraph(Graph& graph, const BlockIo& io, std::uint32_t nframes) noexcept
{
    renderGraph(graph, io, nframes);
    finishGraph(graph, io, nframes);
}

} // namespace backline::engine
