// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter changes on the audio thread: a SetParam or a whole ParamBatch lands on the graph it
// was resolved against, at once or, with a future frame, held until its frame comes up inside a
// block; a batch with a fade starts morphs instead of setting.
#pragma once

#include "core/Config.h"
#include "core/Nonblocking.h"
#include "engine/Command.h"
#include "engine/Graph.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// [audio] Sets a parameter, stopping any morph of it where it got to: the set glides from there
/// by the parameter's normal smoothing (ParamSlot::set).
inline void setParamValue(Graph& graph, ParamId param, float value) noexcept BACKLINE_NONBLOCKING
{
    graph.morphs.cancel(param);
    graph.slots[param].set(value);
}

/// [audio] Applies every change of batch to graph at frame if graph is the one it was resolved
/// against (a batch for another graph is dropped whole), then hands the batch back: the control
/// side frees it once it reads `applied`.
inline void applyParamBatch(Graph* graph, ParamBatch& batch, std::uint64_t frame) noexcept BACKLINE_NONBLOCKING
{
    if (graph && batch.generation == graph->generation) {
        const std::size_t size = graph->slots.size();
        for (const ParamChange& change : batch.changes) {
            if (change.param >= size)
                continue;
            if (batch.fadeFrames == 0)
                setParamValue(*graph, change.param, change.value);
            else
                graph->morphs.start(graph->slots, change.param, change.value, frame, batch.fadeFrames);
        }
    }
    batch.landed = graph && batch.generation == graph->generation;
    batch.landedAt = frame;
    batch.applied.store(true, std::memory_order_release); // pairs with the acquire in Engine's reaping of batches
}

/// [audio] Applies a SetParam or an ApplyBatch to graph at frame. A change meant for another
/// graph (another generation) is dropped, never misapplied.
inline void applyParamCommand(Graph* graph, const Command& command, std::uint64_t frame) noexcept BACKLINE_NONBLOCKING
{
    if (command.type == Command::Type::ApplyBatch) {
        applyParamBatch(graph, *command.batch, frame);
        return;
    }
    if (graph && command.generation == graph->generation && command.param < graph->slots.size())
        setParamValue(*graph, command.param, command.value);
}

/// Parameter commands waiting for a later frame (OSC bundles with future timetags, quantised
/// recalls), in a fixed array: the block they fall in is split at their frame, so they land
/// sample-accurately. A batch, however large, is one entry. Audio thread only.
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

    /// [audio] Applies to graph, at frame, every held command due at or before frame.
    void applyDue(std::uint64_t frame, Graph* graph) noexcept BACKLINE_NONBLOCKING
    {
        // Keep arrival order among commands due together (a bundle's last value for a parameter wins).
        std::size_t kept = 0;
        for (std::size_t i = 0; i < count_; ++i) {
            if (held_[i].atFrame <= frame)
                applyParamCommand(graph, held_[i], frame);
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
