// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Graph.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace backline::app {

/// Turns the audio thread's count of blocks in which a session DSP output NaN or infinity
/// (silenced and reset there, see GraphRunner's guard) into reports a person reads: the first
/// at once, then at most one per stage every `quiet` while the DSP keeps failing, so a DSP
/// that fails every block does not flood the log or the tablets.
class DspFaultWatch {
public:
    struct Fault {
        std::string label;        ///< "track 'lead' (/path/x.dsp)"
        std::uint32_t blocks = 0; ///< silenced blocks since the last report
        std::uint32_t total = 0;  ///< since the graph was installed
    };

    explicit DspFaultWatch(std::chrono::steady_clock::duration quiet = std::chrono::seconds(10))
        : quiet_(quiet)
    {
    }

    /// [control] What is new in graph's counts worth reporting now.
    std::vector<Fault> poll(const engine::Graph& graph, std::chrono::steady_clock::time_point now);

private:
    std::chrono::steady_clock::duration quiet_;
    std::uint64_t generation_ = 0;
    std::vector<std::uint32_t> reported_; // by stage: the total at the last report
    std::vector<std::chrono::steady_clock::time_point> lastReport_;
};

} // namespace backline::app
