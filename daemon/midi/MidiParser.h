// SPDX-License-Identifier: GPL-3.0-or-later
// MidiParser: raw MIDI bytes, as a port delivers them, into whole messages. Run by whichever
// thread reads the port (the audio thread for JACK MIDI), one parser per port.
#pragma once

#include "core/Nonblocking.h"
#include "midi/MidiMessage.h"

#include <cstdint>
#include <span>
#include <type_traits>

namespace backline::midi {

/// A streaming MIDI 1.0 byte parser that takes anything: a byte stream may be cut anywhere, and
/// a message started in one buffer (running status included) ends in the next. What comes out:
/// channel messages, system common messages (time code, song position, song select, tune
/// request) and system realtime messages, each whole and valid (size == expectedSize(status),
/// every data byte below 0x80). What does not:
/// - SysEx (0xF0 … 0xF7) is skipped whole, however long, in constant memory: the engine has no
///   use for SysEx yet. A status byte other than realtime ends it early (counted as truncated);
/// - data bytes with no status to belong to, the undefined status bytes (0xF4, 0xF5, 0xF9,
///   0xFD) and a stray 0xF7 are dropped (counted);
/// - a message that a status byte interrupts is dropped (its bytes counted).
/// Realtime bytes (0xF8–0xFF) come out at once wherever they arrive, even inside a message or a
/// SysEx, which then go on. Any other status byte, system ones included, ends running status.
/// No allocation, lock or exception: a plain value of a few bytes, owned by one thread.
class MidiParser {
public:
    /// [reader] Reads the next byte; true when out now holds a whole message (out is left as it
    /// was otherwise).
    bool push(std::uint8_t byte, MidiMessage& out) noexcept BACKLINE_NONBLOCKING;

    /// [reader] Forgets any message under way, running status and SysEx, as if newly made (for a
    /// port reconnected); the counters carry on.
    void reset() noexcept BACKLINE_NONBLOCKING;

    /// [reader] Reads bytes, calling onMessage(const MidiMessage&) for each whole message in
    /// order. Nonblocking when onMessage is.
    template <class F>
    void parse(std::span<const std::uint8_t> bytes, F&& onMessage)
    {
        MidiMessage message;
        for (const std::uint8_t byte : bytes)
            if (push(byte, message))
                onMessage(static_cast<const MidiMessage&>(message));
    }

    /// [reader] Bytes dropped so far: data bytes with no status, undefined status bytes, a stray
    /// 0xF7, and every byte of the messages a status byte interrupted.
    std::uint64_t droppedBytes() const noexcept { return droppedBytes_; }
    /// [reader] SysEx messages a status byte (not 0xF7) ended so far.
    std::uint64_t truncatedSysex() const noexcept { return truncatedSysex_; }

private:
    /// What the bytes read so far are in the middle of.
    enum class State : std::uint8_t {
        Idle, ///< between messages (running status may still hold a channel status)
        Message, ///< a message of status_ under way, with have_ of its data bytes
        Sysex, ///< inside a SysEx: data bytes are skipped until a status byte
    };

    /// A status byte other than realtime: ends what was under way, then starts its own message.
    bool readStatus(std::uint8_t byte, MidiMessage& out) noexcept BACKLINE_NONBLOCKING;
    /// Drops the message under way, if any, counting its bytes.
    void dropPending() noexcept BACKLINE_NONBLOCKING;

    State state_ = State::Idle;
    /// The status of the message under way; when Idle, the running status (a channel status,
    /// or 0 for none).
    std::uint8_t status_ = 0;
    std::uint8_t have_ = 0; ///< data bytes of the message under way so far, in data_
    std::uint8_t pending_ = 0; ///< bytes of the message under way, its status byte if it came
    std::uint8_t data_[2] {};
    std::uint64_t droppedBytes_ = 0;
    std::uint64_t truncatedSysex_ = 0;
};

static_assert(std::is_trivially_copyable_v<MidiParser>, "a parser owns no memory: endless SysEx grows nothing");

} // namespace backline::midi
