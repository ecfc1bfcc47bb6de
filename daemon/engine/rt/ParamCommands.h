// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter changes on the audio thread: a SetParam lands on the graph it was resolved against,
// at once or, with a future frame, held until its frame comes up inside a block.
#pragma once

#include "core/Config.h"
#include "core/Nonblocking.h"
#include "engine/Command.h"
#include "engine/Graph.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// [audio] Sets a parameter: a ramp for engine-smoothed ones, the zone directly otherwise
/// (built-ins smooth in Faust, the engine's switches glide in the node that reads them).
inline void setParamValue(Graph& graph, ParamId param, float value) noexcept BACKLINE_NONBLOCKING
{
    auto& slot = graph.slots[param];
    if (slot.smoothing == Smoothing::Engine)
        slot.smoother.setTarget(value);
    else
        *slot.zone = value;
}

/// [audio] Applies a SetParam to graph if graph is the one it was resolved against (same
/// generation): a change meant for another graph is dropped, never misapplied.
inline void applySetParam(Graph* graph, const Command& command) noexcept BACKLINE_NONBLOCKING
{
    if (graph && command.generation == graph->generation && command.param < graph->slots.size())
        setParamValue(*graph, command.param, command.value);
}

/// SetParams waiting for a later frame (OSC bundles with future timetags), in a fixed array:
/// the block they fall in is split at their frame, so they land sample-accurately. Audio
/// thread only.
class TimedCommands {
public:
    /// [audio] Holds command until its atFrame; false when full (the caller then applies it at
    /// once and counts it).
    bool hold(const Command& command) noexcept BACKLINE_NONBLOCKING
    {
        if (count_ == held_.size())
            return false;
        held_[count_++] = command;
        return true;
    }

    /// [audio] Applies to graph every held command due at or before frame.
    void applyDue(std::uint64_t frame, Graph* graph) noexcept BACKLINE_NONBLOCKING
    {
        // Keep arrival order among commands due together (a bundle's last value for a parameter wins).
        std::size_t kept = 0;
        for (std::size_t i = 0; i < count_; ++i) {
            if (held_[i].atFrame <= frame)
                applySetParam(graph, held_[i]);
            else
                held_[kept++] = held_[i];
        }
        count_ = kept;
    }

    /// [audio] The frame the earliest held command is due at (UINT64_MAX when none is held).
    std::uint64_t nextDue() const noexcept BACKLINE_NONBLOCKING
    {
        std::uint64_t next = UINT64_MAX;
        for (std::size_t i = 0; i < count_; ++i)
            next = std::min(next, held_[i].atFrame);
        return next;
    }

private:
    std::array<Command, config::maxTimedCommands> held_ {};
    std::size_t count_ = 0;
};

} // namespace backline::engine
