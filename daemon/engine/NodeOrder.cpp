// SPDX-License-Identifier: GPL-3.0-or-later
// A graph's nodes as a directed acyclic graph (see NodeOrder.h).
#include "engine/NodeOrder.h"

#include <algorithm>
#include <fmt/format.h>
#include <queue>

namespace backline::engine {

std::uint32_t NodeOrder::add(ProcessNode* node)
{
    nodes_.push_back(node);
    edges_.emplace_back();
    predecessors_.push_back(0);
    return std::uint32_t(nodes_.size() - 1);
}

void NodeOrder::connect(std::uint32_t from, std::uint32_t to)
{
    auto& readers = edges_[from];
    if (std::find(readers.begin(), readers.end(), to) != readers.end())
        return;
    readers.push_back(to);
    ++predecessors_[to];
}

Result<void> NodeOrder::finish()
{
    const std::size_t n = nodes_.size();
    readerStart_.assign(n + 1, 0);
    readers_.clear();
    for (std::size_t i = 0; i < n; ++i) {
        std::sort(edges_[i].begin(), edges_[i].end());
        readerStart_[i] = std::uint32_t(readers_.size());
        readers_.insert(readers_.end(), edges_[i].begin(), edges_[i].end());
    }
    readerStart_[n] = std::uint32_t(readers_.size());

    // Kahn's algorithm, always taking the lowest id that is ready: the order nodes were added
    // in wherever the edges allow it.
    std::vector<std::uint32_t> waiting(predecessors_);
    std::vector<std::uint32_t> level(n, 1);
    std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> ready;
    roots_.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
        if (waiting[i] == 0) {
            ready.push(i);
            roots_.push_back(i);
        }
    }
    serial_.clear();
    depth_ = 0;
    while (!ready.empty()) {
        const std::uint32_t id = ready.top();
        ready.pop();
        serial_.push_back(id);
        depth_ = std::max(depth_, level[id]);
        for (std::uint32_t r : readers(id)) {
            level[r] = std::max(level[r], level[id] + 1);
            if (--waiting[r] == 0)
                ready.push(r);
        }
    }
    edges_.clear();
    edges_.shrink_to_fit();
    if (serial_.size() != n)
        return makeError(ErrorCode::Session,
            fmt::format("the graph's nodes read each other in a circle ({} of {} could be ordered)", serial_.size(), n));
    return {};
}

} // namespace backline::engine
