// SPDX-License-Identifier: GPL-3.0-or-later
// MidiClock: MIDI beat clock out, following the transport frame by frame — 24 ticks a quarter
// note each on its exact frame, start, stop, continue and song position.
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/TransportListener.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// One message of the clock, at its engine frame.
struct ClockMessage {
    std::uint64_t frame = 0; ///< engine frame
    std::uint8_t bytes[3] {};
    std::uint8_t size = 0;
};

/// The MIDI beat clock of the transport, as a receiver (a drum machine, an arpeggiator, a
/// tempo-synced delay) follows it:
/// - a tick (0xF8) on the first frame of every 24th of a quarter note while the transport rolls,
///   counted from bar 1 beat 1 on the transport's own grid, so a tempo glide bends the ticks
///   with it and nothing drifts however long it rolls;
/// - Start (0xFA) when it starts at bar 1 beat 1, the first tick on its frame; started before
///   bar 1 (a count-in), Start and the first tick wait for bar 1's frame (ticking on as while
///   stopped meanwhile, when asked to);
/// - elsewhere, Song Position (0xF2, in sixteenths) then Continue (0xFB): the position is the
///   next sixteenth at or after the transport's, and no tick goes out before that sixteenth's
///   frame, where the first one does — so the receiver, which counts from the position on the
///   first tick after Continue, is exactly in step;
/// - Stop (0xFC) on the frame it stops; Song Position when it is located while stopped;
///   a locate while rolling is Stop, Song Position, Continue (or Start to bar 1) — but a small
///   jump forward while following JACK's transport (a cycle the engine did not run) is not a
///   locate: the ticks it skipped go out at once and the receiver stays in step;
/// - a change of grid (a meter, a leader's rounded bars and beats, a sample rate) keeps the
///   ticks' count: none is sent twice or skipped, and a meter change that waits for its bar
///   line changes the ticks' rate on that bar line's frame;
/// - optionally ticks while stopped at the tempo of the place it stands (whileStopped), so a
///   tempo-synced effect keeps its tempo between songs.
/// Song Position counts the meter's beats as sixteenths of their note value from bar 1: after
/// a change of beat unit (4/4 to 6/8) without a locate it is the place the receiver would count
/// in the new unit from the start, not the sixteenths actually played.
/// The messages of a block are kept for the backend to write (messages()); the engine frames
/// are in order. Audio thread only, but the counters.
class MidiClock final : public TransportListener {
public:
    /// Messages a block can hold: 24 ticks a quarter at 400 BPM in x/1 (96 ticks a beat) is 640
    /// a second, 8,192 frames at 22,050 Hz a third of a second; more are counted as dropped.
    static constexpr std::size_t capacity = 512;

    /// [audio] Sends from now on (on), or not; while stopped too (whileStopped). Switched on
    /// while the transport rolls, it tells the receiver where it is (Song Position, Continue).
    void configure(bool on, bool whileStopped, std::int64_t position, bool rolling, const TimeGrid& grid) noexcept
        BACKLINE_NONBLOCKING;
    /// [audio] Tells the receiver again where the transport is (Song Position, and Continue when
    /// it rolls): backline came back to a JACK server after losing it, and told Stop then.
    void reannounce(std::int64_t position, bool rolling, const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING;
    /// [audio] A new block starts at engine frame `start`: the last block's messages are gone.
    void beginBlock(std::uint64_t start) noexcept BACKLINE_NONBLOCKING
    {
        count_ = 0;
        blockStart_ = start;
    }
    /// [audio] This block's messages so far, in the order of their frames.
    const ClockMessage* messages() const noexcept BACKLINE_NONBLOCKING { return messages_.data(); }
    std::size_t count() const noexcept BACKLINE_NONBLOCKING { return count_; }
    /// [audio] The engine frame the current block starts on.
    std::uint64_t blockStart() const noexcept BACKLINE_NONBLOCKING { return blockStart_; }
    bool on() const noexcept BACKLINE_NONBLOCKING { return on_; }

    /// [any] Messages a full block could not hold.
    std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

    void passed(std::uint64_t from, std::uint64_t to, std::int64_t position, bool rolling,
        const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING override;
    void changed(Change change, std::uint64_t at, std::int64_t position, bool rolling,
        const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING override;

private:
    void emit(std::uint64_t frame, std::uint8_t status, int data = -1) noexcept BACKLINE_NONBLOCKING;
    void tick(std::uint64_t frame) noexcept BACKLINE_NONBLOCKING;
    /// Start (at or before bar 1) or Song Position and Continue, at `at`, from position.
    void resume(std::uint64_t at, std::int64_t position, const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING;
    void songPosition(std::uint64_t at, std::int64_t position, const TimeGrid& grid) noexcept BACKLINE_NONBLOCKING;
    /// Ticks for a rolling stretch on one beat unit.
    void roll(std::uint64_t from, std::uint64_t to, std::int64_t position, const TimeGrid& grid) noexcept
        BACKLINE_NONBLOCKING;
    /// Free-running ticks for [from, to) at the tempo at position.
    void freeRun(std::uint64_t from, std::uint64_t to, std::int64_t position, const TimeGrid& grid) noexcept
        BACKLINE_NONBLOCKING;

    bool on_ = false;
    bool whileStopped_ = false;
    std::array<ClockMessage, capacity> messages_ {};
    std::size_t count_ = 0;
    std::uint64_t blockStart_ = 0;

    // Rolling: ticks by index (tick k at k / ticksPerBeat_ beats); none before firstBeat_ (the
    // sixteenth a Continue announced), in beats, which a change of beat unit leaves alone.
    double ticksPerBeat_ = 24.0;
    std::int64_t nextTick_ = 0;
    bool counting_ = false; ///< nextTick_ is known; else it is found from the position
    bool regridded_ = false; ///< the grid changed: nextTick_ is checked against it
    double firstBeat_ = 0.0;
    bool startPending_ = false; ///< a count-in: Start goes out on bar 1's frame
    std::int64_t expected_ = 0; ///< where the transport stands after the last rolling stretch
    bool rolled_ = false;       ///< expected_ is known
    // Stopped: the next free-running tick's engine frame (fractional), once known.
    double nextFree_ = 0.0;
    bool freeRunning_ = false;
    // The last tick's engine frame: no two ticks on one frame, and the free-running ones
    // carry on from it.
    std::uint64_t lastTick_ = 0;
    bool ticked_ = false;

    std::atomic<std::uint64_t> dropped_ {0};
};

} // namespace backline::engine
