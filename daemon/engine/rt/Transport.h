// SPDX-License-Identifier: GPL-3.0-or-later
// Transport: the audio thread's transport — rolling or stopped, a position in frames, the
// time grid — moved by the engine's sample clock and published after every block.
#pragma once

#include "core/Config.h"
#include "core/Nonblocking.h"
#include "engine/rt/Seqlock.h"
#include "engine/rt/TimeGrid.h"
#include "engine/rt/TransportListener.h"
#include "engine/rt/TransportRequest.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// The transport as the audio thread publishes it after a block, for any thread to read.
struct TransportSnapshot {
    std::uint64_t engineFrame = 0; ///< the engine frame this is for: the next block's first
    std::int64_t frame = 0;        ///< the transport's position at engineFrame
    TimeGrid grid;                 ///< bars and beats of the transport's frames
    std::uint64_t changes = 0;     ///< counts starts, stops, locates, tempo and meter changes
    bool rolling = false;
};

/// A sample-counting transport. While rolling its position moves one frame per engine frame,
/// so it is an integer count with nothing to drift; bars and beats are read from the grid,
/// which is exact from its anchor (TempoMap). Timed requests land on their exact frame inside
/// a block (the position is moved to it, the request applied, the rest of the block follows);
/// nothing else of the engine depends on the transport, so blocks are not split for it.
///
/// Locate rule: a locate puts bar 1 at frame 0 at the tempo and meter then in force (a glide's
/// target; a meter change waiting for its bar line counts as done): a locate to 0 s and to
/// bar 1.1 are the same place. A tempo or meter change bends the grid from where the
/// transport stands, until the next locate. Audio thread only, but read().
class Transport {
public:
    /// [control, before the audio thread runs] Starts stopped at frame 0, 120 BPM, 4/4.
    Transport() noexcept;

    /// [audio] Applies request at engine frame atFrame, or at once (at engine frame now, the
    /// block about to run) when atFrame is not later; held until then otherwise (applied at
    /// once, and counted, when config::maxTimedTransportRequests are held).
    void request(const TransportRequest& request, std::uint64_t atFrame, std::uint64_t now) noexcept
        BACKLINE_NONBLOCKING;
    /// [audio] Whether a backend's transport leads this block (transport.jack follow or lead):
    /// then a request to start, stop or locate (a timed one, the arrangement's) is asked of the
    /// leader (takeLeaderAsk) rather than done here, and this transport follows the leader.
    void setLed(bool led) noexcept BACKLINE_NONBLOCKING { led_ = led; }
    /// [audio] What was asked of the leader since the last call.
    LeaderAsk takeLeaderAsk() noexcept BACKLINE_NONBLOCKING
    {
        const LeaderAsk ask = ask_;
        ask_ = {};
        return ask;
    }
    /// [audio] Takes the leader's state and position for the block about to start at engine
    /// frame now: a frame other than where this transport stands is a locate.
    void follow(const LeaderPosition& leader, std::uint64_t now) noexcept BACKLINE_NONBLOCKING;
    /// [audio] The engine ran [start, start + nframes) at sampleRate (0: unknown, the last one
    /// holds): moves the position, applies held requests due in the block at their frames, and
    /// publishes. A new sample rate keeps the place in bars and beats and the time in seconds.
    void advance(std::uint64_t start, std::uint32_t nframes, int sampleRate) noexcept BACKLINE_NONBLOCKING;

    /// [audio] The grid that reads a leader's next position frame the way follow() will take
    /// it: this one where the transport stands, a located one elsewhere (JACK's timebase).
    TimeGrid gridFor(std::int64_t frame) const noexcept BACKLINE_NONBLOCKING;

    /// [audio] Where the transport stands (at the engine frame the next block starts on), whether
    /// it rolls, and its grid: what the arrangement plans a block by.
    std::int64_t position() const noexcept BACKLINE_NONBLOCKING { return position_; }
    bool rolling() const noexcept BACKLINE_NONBLOCKING { return rolling_; }
    const TimeGrid& grid() const noexcept BACKLINE_NONBLOCKING { return grid_; }

    /// [control, before the audio thread runs] Who is told every stretch and change (nullptr:
    /// nobody).
    void setListener(TransportListener* listener) noexcept { listener_ = listener; }

    /// [any] The transport after the last block.
    TransportSnapshot read() const noexcept BACKLINE_NONBLOCKING { return published_.load(); }
    /// [any] Timed requests applied early because too many were held.
    std::uint64_t overflows() const noexcept { return overflows_.load(std::memory_order_relaxed); }

private:
    struct Held {
        TransportRequest request;
        std::uint64_t atFrame = 0;
    };

    void apply(const TransportRequest& request) noexcept BACKLINE_NONBLOCKING;
    void locate(std::int64_t frame) noexcept BACKLINE_NONBLOCKING;
    void moveTo(std::uint64_t engineFrame) noexcept BACKLINE_NONBLOCKING;
    void changeRate(int sampleRate) noexcept BACKLINE_NONBLOCKING;
    void adoptBars(const LeaderPosition& leader) noexcept BACKLINE_NONBLOCKING;
    void tell(TransportListener::Change change) noexcept BACKLINE_NONBLOCKING
    {
        if (listener_)
            listener_->changed(change, engineFrame_, position_, rolling_, grid_);
    }

    // The audio thread's own.
    std::uint64_t engineFrame_ = 0; // the engine frame position_ is for
    std::int64_t position_ = 0;
    bool rolling_ = false;
    TimeGrid grid_;
    std::uint64_t changes_ = 0;
    std::array<Held, config::maxTimedTransportRequests> held_ {};
    bool led_ = false;
    LeaderAsk ask_;
    std::size_t heldCount_ = 0;
    TransportListener* listener_ = nullptr;

    Seqlock<TransportSnapshot> published_;
    std::atomic<std::uint64_t> overflows_ {0};
};

} // namespace backline::engine
