// SPDX-License-Identifier: GPL-3.0-or-later
// NodeOrder: which of a graph's nodes reads which — built off the audio thread with the graph,
// then read by the workers that run it (rt/NodeScheduler) and by a single thread in its order.
#pragma once

#include "core/Result.h"
#include "engine/rt/ProcessNode.h"

#include <cstdint>
#include <span>
#include <vector>

namespace backline::engine {

/// A graph's nodes as a directed acyclic graph: an edge from A to B says B reads what A writes,
/// so B runs after A. Immutable once finished.
class NodeOrder {
public:
    /// [control] Adds a node (owned elsewhere, and at a fixed address for the graph's life);
    /// returns its id.
    std::uint32_t add(ProcessNode* node);
    /// [control] `to` reads what `from` writes (added once however often it is said).
    void connect(std::uint32_t from, std::uint32_t to);
    /// [control] Orders the nodes so that each comes after every node it reads, keeping the
    /// order they were added in where the edges allow; an error when they form a cycle.
    Result<void> finish();

    /// How many nodes there are.
    std::uint32_t size() const noexcept { return std::uint32_t(nodes_.size()); }
    /// The node with id `id`.
    ProcessNode* node(std::uint32_t id) const noexcept { return nodes_[id]; }
    /// Node ids in an order a single thread can run them in (valid after finish()).
    std::span<const std::uint32_t> serial() const noexcept { return serial_; }
    /// How many nodes `id` waits for.
    std::uint32_t waitsFor(std::uint32_t id) const noexcept { return predecessors_[id]; }
    /// The nodes that read what `id` writes (valid after finish()).
    std::span<const std::uint32_t> readers(std::uint32_t id) const noexcept
    {
        return {readers_.data() + readerStart_[id], readers_.data() + readerStart_[id + 1]};
    }
    /// The nodes that wait for nothing, in serial order (valid after finish()).
    std::span<const std::uint32_t> roots() const noexcept { return roots_; }
    /// The longest chain of nodes, each reading the one before (valid after finish()): a run
    /// cannot be shorter than this many nodes one after the other.
    std::uint32_t depth() const noexcept { return depth_; }

private:
    std::vector<ProcessNode*> nodes_;
    std::vector<std::vector<std::uint32_t>> edges_; // building only: readers by node
    std::vector<std::uint32_t> predecessors_;
    std::vector<std::uint32_t> readerStart_;
    std::vector<std::uint32_t> readers_;
    std::vector<std::uint32_t> serial_;
    std::vector<std::uint32_t> roots_;
    std::uint32_t depth_ = 0;
};

} // namespace backline::engine
