// SPDX-License-Identifier: GPL-3.0-or-later
// MidiClockIn: the transport following an external MIDI beat clock — its tempo from the ticks,
// its start, stop, continue and song position — on the frames they arrive on.
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/Transport.h"
#include "midi/MidiMessage.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// An external clock (a drum machine, another sequencer) on backline:midi_in leads the transport:
/// - the tempo is measured over the last quarter note of ticks (24), counted in the meter's
///   beats, and set when it moves by more than 0.05 BPM (a MIDI cable's 0.3 ms of jitter is
///   below that), on the tick's frame; ticks that stop for half a second start the count over;
/// - Start locates to bar 1 and rolls from the first tick after it, on that tick's frame;
///   Continue rolls from the first tick after it; Stop stops on its frame;
/// - Song Position locates to its sixteenth (at the tempo in force).
/// The requests go through the transport like OSC's, timed on the frames, so everything that
/// follows the transport (the arrangement, the clock out, JACK's transport when backline leads
/// it) follows the external clock. Audio thread only.
class MidiClockIn {
public:
    /// [audio] Follows from now on (on), or not.
    void configure(bool on) noexcept BACKLINE_NONBLOCKING
    {
        if (on != on_)
            reset();
        on_ = on;
    }
    /// [audio] Whether message (at engine frame `frame`, in the block that starts at `now`) is
    /// the clock's and was taken: a tick, Start, Continue, Stop or Song Position.
    bool take(const midi::MidiMessage& message, std::uint64_t frame, std::uint64_t now, Transport& transport) noexcept
        BACKLINE_NONBLOCKING;
    /// [audio] The tempo measured last (0: not yet).
    double bpm() const noexcept BACKLINE_NONBLOCKING { return bpm_; }

private:
    enum class Waiting : std::uint8_t { None, Start, Continue };

    void reset() noexcept BACKLINE_NONBLOCKING;
    void tick(std::uint64_t frame, std::uint64_t now, Transport& transport) noexcept BACKLINE_NONBLOCKING;
    static void ask(Transport& transport, TransportRequest::Op op, std::uint64_t frame, std::uint64_t now,
        std::int64_t where = 0, double bpm = 0.0) noexcept BACKLINE_NONBLOCKING;

    bool on_ = false;
    Waiting waiting_ = Waiting::None;
    static constexpr std::size_t window = 24; // a quarter note of ticks
    std::array<std::uint64_t, window + 1> ticks_ {}; // the last ticks' frames, a ring
    std::size_t count_ = 0; // ticks in the ring
    std::size_t next_ = 0;  // where the next goes
    double bpm_ = 0.0;      // the tempo set last
};

} // namespace backline::engine
