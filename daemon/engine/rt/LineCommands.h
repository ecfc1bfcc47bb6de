// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter commands quantised to the transport's next beat or bar line (a scene recall "on the
// bar"), held on the audio thread until the block the line falls in: the line is read from the
// transport as it stands at each block, so cycles the backend ran without the engine (xruns), a
// locate or a tempo change while one waits, move its landing with JACK's transport.
#pragma once

#include "core/Config.h"
#include "core/Nonblocking.h"
#include "engine/Command.h"
#include "engine/rt/ParamCommands.h"
#include "engine/rt/Transport.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// Commands waiting for their line, in a fixed array. Audio thread only.
class LineCommands {
public:
    /// [audio] Holds command (its `line` set) until the block its line — the first at or after
    /// its atFrame — falls in; false when full (the caller then applies it at once and counts it).
    bool hold(const Command& command) noexcept BACKLINE_NONBLOCKING
    {
        if (count_ == held_.size())
            return false;
        held_[count_++] = Waiting {command};
        return true;
    }

    /// [audio] For the block [start, start + nframes), with the transport as it stands at start:
    /// every held command whose line falls in the block goes to timed at the line's engine frame
    /// (the block splits there), or is applied to graph at once when the line is start itself.
    /// A line the transport went past without a block on it (cycles the backend ran without the
    /// engine, a locate forward) is due at once: the moment it waited for has come. A stopped
    /// transport has no line coming: what waits is applied at once. Returns how many were
    /// applied at once because timed was full.
    std::size_t release(const Transport& transport, std::uint64_t start, std::uint32_t nframes, TimedCommands& timed,
        Graph* graph) noexcept BACKLINE_NONBLOCKING
    {
        std::size_t overflows = 0;
        std::size_t kept = 0;
        const std::int64_t position = transport.position();
        for (std::size_t i = 0; i < count_; ++i) {
            Waiting& waiting = held_[i];
            // Not before its own frame (a timed bundle's): until then it only waits.
            const std::uint64_t from = std::max(start, waiting.command.atFrame);
            if (from >= start + nframes) {
                held_[kept++] = waiting;
                continue;
            }
            std::uint64_t at = from;
            if (transport.rolling() && !(waiting.placed && waiting.lineFrame < position)) {
                // Found again each block: a tempo change or a locate back moves the line.
                const std::int64_t after = position + std::int64_t(from - start);
                waiting.lineFrame = transport.grid().nextBoundary(after, *waiting.command.line);
                waiting.placed = true;
                at = start + std::uint64_t(waiting.lineFrame - position);
            }
            if (at >= start + nframes) {
                held_[kept++] = waiting;
                continue;
            }
            Command command = waiting.command;
            command.atFrame = at;
            if (at == start || !timed.hold(command)) {
                overflows += at != start;
                applyParamCommand(graph, command, start);
            }
        }
        count_ = kept;
        return overflows;
    }

private:
    struct Waiting {
        Command command;
        std::int64_t lineFrame = 0; // the transport frame of the line it waits for, once placed
        bool placed = false;
    };

    std::array<Waiting, config::maxLineCommands> held_ {};
    std::size_t count_ = 0;
};

} // namespace backline::engine
