// SPDX-License-Identifier: GPL-3.0-or-later
// ProcessNode: one node of a graph's processing as the runner sees it — a track, a bus, the
// master, and whatever comes next (feeds, instruments) — run once per stretch of frames after
// every node whose output it reads (NodeOrder), on whichever worker thread takes it.
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>

namespace backline::engine {

struct Graph;
struct BlockIo;

/// Scratch a node may write during its run: each thread that runs nodes has its own, so nodes
/// running at once never share it. Two channels of at least the stretch's frames.
struct NodeScratch {
    float* gains[2] = {nullptr, nullptr};
};

/// What one run of a graph hands every node.
struct NodeRun {
    Graph* graph = nullptr;
    const BlockIo* io = nullptr;
    std::uint32_t nframes = 0;
    std::uint64_t frame = 0; ///< the engine frame of the stretch's first sample
};

/// A node of the processing graph. It writes only its own state and buffers (and, through
/// taps, its own rings), reads those of the nodes NodeOrder makes it wait for, and leaves its
/// meter reading in the graph's meter slot for the audio thread to send in order: so any number
/// of nodes can run at once, and the result is the same bits whichever thread runs which.
class ProcessNode {
public:
    ProcessNode() = default;
    ProcessNode(const ProcessNode&) = default;
    ProcessNode(ProcessNode&&) = default;
    ProcessNode& operator=(const ProcessNode&) = default;
    ProcessNode& operator=(ProcessNode&&) = default;
    virtual ~ProcessNode() = default;

    /// [audio, any worker] Processes one stretch of run.nframes frames.
    virtual void process(const NodeRun& run, const NodeScratch& scratch) noexcept BACKLINE_NONBLOCKING = 0;
};

} // namespace backline::engine
