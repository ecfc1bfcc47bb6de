// SPDX-License-Identifier: GPL-3.0-or-later
// MidiWire: the traffic of the session's own MIDI ports between the audio thread and the MIDI
// control thread — what backline:midi_in brought, and the feedback for backline:midi_out.
#pragma once

#include "core/Nonblocking.h"
#include "core/SpscQueue.h"
#include "midi/MidiMessage.h"
#include "midi/MidiParser.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// A whole message from backline:midi_in, with the engine frame it arrived on.
struct ArrivedMidi {
    midi::MidiMessage message;
    std::uint64_t frame = 0;
};

/// Two lock-free queues and the parser of midi_in. The audio thread is the one producer of
/// arrivals and the one consumer of outgoing messages; one control thread (the daemon's
/// midi-ctl) the other end of each.
class MidiWire {
public:
    /// Messages each way the queues hold: a controller's burst of every fader at once, twice.
    static constexpr std::size_t depth = 1024;

    /// [audio] One byte of midi_in: true when it completes a message, then in out (running
    /// status carries on from event to event).
    bool parse(std::uint8_t byte, midi::MidiMessage& out) noexcept BACKLINE_NONBLOCKING { return parser_.push(byte, out); }
    /// [audio] A whole message of midi_in at engine frame `frame`, queued for the mappings.
    /// Realtime messages (clock, active sensing) are not for them and go no further.
    void arrived(const midi::MidiMessage& message, std::uint64_t frame) noexcept BACKLINE_NONBLOCKING
    {
        if (message.status() >= midi::kind::clock)
            return;
        if (!arrived_.push(ArrivedMidi {message, frame}))
            dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
    }
    /// [control] The next message midi_in brought, oldest first.
    bool takeArrived(ArrivedMidi& out) noexcept { return arrived_.pop(out); }

    /// [control] Queues message for midi_out's next cycle; false (and counted) when full.
    bool send(const midi::MidiMessage& message) noexcept
    {
        if (outgoing_.push(message))
            return true;
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return false;
    }
    /// [audio] The next message for midi_out.
    bool takeOutgoing(midi::MidiMessage& out) noexcept BACKLINE_NONBLOCKING { return outgoing_.pop(out); }
    /// [audio] A message taken that the port had no room for.
    void lost() noexcept BACKLINE_NONBLOCKING { dropped_.fetch_add(1, std::memory_order_relaxed); }

    /// [any] Messages lost either way to a full queue or port.
    std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
    SpscQueue<ArrivedMidi, depth> arrived_;
    SpscQueue<midi::MidiMessage, depth> outgoing_;
    midi::MidiParser parser_; // the audio thread's
    std::atomic<std::uint64_t> dropped_ {0};
};

} // namespace backline::engine
