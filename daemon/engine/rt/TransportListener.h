// SPDX-License-Identifier: GPL-3.0-or-later
// TransportListener: what the audio thread's transport tells, frame by frame, to whoever
// must follow it exactly (MIDI clock out).
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/TimeGrid.h"

#include <cstdint>

namespace backline::engine {

/// Told by Transport, on the audio thread, in the order of the engine frames things happen
/// on: each stretch of engine frames it moves through, and each start, stop, locate or change
/// of grid at its engine frame. A stretch never spans a change.
class TransportListener {
public:
    /// What changed at an engine frame.
    enum class Change : std::uint8_t {
        Started, ///< it rolls from position
        Stopped, ///< it stands at position
        Located, ///< it stands (or rolls on) from position, reached by a jump
        Regrid,  ///< the meter or the sample rate changed: beats are counted anew from position
    };

    /// [audio] Engine frames [from, to) passed with the transport at position on from,
    /// rolling or not, on grid.
    virtual void passed(std::uint64_t from, std::uint64_t to, std::int64_t position, bool rolling,
        const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING
        = 0;
    /// [audio] change happened at engine frame `at`, leaving the transport at position
    /// (rolling or not) on grid.
    virtual void changed(Change change, std::uint64_t at, std::int64_t position, bool rolling,
        const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING
        = 0;

protected:
    ~TransportListener() = default;
};

} // namespace backline::engine
