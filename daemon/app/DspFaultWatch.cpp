// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/DspFaultWatch.h"

namespace backline::app {

std::vector<DspFaultWatch::Fault> DspFaultWatch::poll(const engine::Graph& graph, std::chrono::steady_clock::time_point now)
{
    std::vector<Fault> faults;
    if (!graph.stageFaults)
        return faults;
    if (graph.generation != generation_ || reported_.size() != graph.stages.size()) {
        generation_ = graph.generation;
        reported_.assign(graph.stages.size(), 0);
        lastReport_.assign(graph.stages.size(), std::chrono::steady_clock::time_point {});
    }
    for (std::size_t i = 0; i < graph.stages.size(); ++i) {
        const std::uint32_t total = graph.stageFaults[i].load(std::memory_order_relaxed); // a count
        if (total == reported_[i])
            continue;
        if (reported_[i] != 0 && now - lastReport_[i] < quiet_)
            continue;
        faults.push_back({graph.stages[i].label, total - reported_[i], total});
        reported_[i] = total;
        lastReport_[i] = now;
    }
    return faults;
}

} // namespace backline::app
