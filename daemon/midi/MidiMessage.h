// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMessage: one short MIDI message (channel, system common or realtime) as a plain value,
// the status bytes by name, and how long each message is. Usable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace backline::midi {

/// Status bytes by name: a channel message's kind (its channel is the low four bits), or a
/// whole system status byte.
namespace kind {
inline constexpr std::uint8_t noteOff = 0x80; ///< note, release velocity
inline constexpr std::uint8_t noteOn = 0x90; ///< note, velocity (0: a note-off)
inline constexpr std::uint8_t polyPressure = 0xA0; ///< note, pressure (polyphonic aftertouch)
inline constexpr std::uint8_t controlChange = 0xB0; ///< controller, value
inline constexpr std::uint8_t programChange = 0xC0; ///< program
inline constexpr std::uint8_t channelPressure = 0xD0; ///< pressure (channel aftertouch)
inline constexpr std::uint8_t pitchBend = 0xE0; ///< 14 bits, low 7 first; centre 8192
inline constexpr std::uint8_t sysexStart = 0xF0; ///< System Exclusive, any length, up to sysexEnd
inline constexpr std::uint8_t timeCode = 0xF1; ///< MIDI time code quarter frame: one data byte
inline constexpr std::uint8_t songPosition = 0xF2; ///< sixteenths since the song's start: 14 bits
inline constexpr std::uint8_t songSelect = 0xF3; ///< song: one data byte
inline constexpr std::uint8_t tuneRequest = 0xF6; ///< no data
inline constexpr std::uint8_t sysexEnd = 0xF7; ///< ends a SysEx
inline constexpr std::uint8_t clock = 0xF8; ///< timing clock, 24 per quarter note
inline constexpr std::uint8_t start = 0xFA; ///< start from the song's beginning
inline constexpr std::uint8_t resume = 0xFB; ///< MIDI's Continue (`continue` is a C++ keyword)
inline constexpr std::uint8_t stop = 0xFC; ///< stop
inline constexpr std::uint8_t activeSensing = 0xFE; ///< "still connected", every 300 ms at most
inline constexpr std::uint8_t systemReset = 0xFF; ///< reset the receiver
} // namespace kind

/// Bytes in a whole message that starts with status (status included): 1 to 3. 0 for what is
/// not a short message: a data byte, SysEx (0xF0, 0xF7: any length) and the undefined status
/// bytes 0xF4, 0xF5, 0xF9 and 0xFD.
constexpr std::size_t expectedSize(std::uint8_t status) noexcept
{
    if (status < 0x80)
        return 0;
    if (status < 0xF0) {
        const std::uint8_t type = status & 0xF0;
        return (type == kind::programChange || type == kind::channelPressure) ? 2 : 3;
    }
    switch (status) {
    case kind::timeCode:
    case kind::songSelect:
        return 2;
    case kind::songPosition:
        return 3;
    case kind::tuneRequest:
    case kind::clock:
    case kind::start:
    case kind::resume:
    case kind::stop:
    case kind::activeSensing:
    case kind::systemReset:
        return 1;
    default: // 0xF0, 0xF4, 0xF5, 0xF7, 0xF9, 0xFD
        return 0;
    }
}

/// One short MIDI message: its status byte, then size - 1 data bytes (each below 0x80); the
/// bytes past size are zero. A plain value: it crosses threads and queues by copy.
struct MidiMessage {
    std::uint8_t bytes[3] {}; ///< status, then data
    std::uint8_t size = 0; ///< bytes used: 1–3, 0 for an empty message

    /// The status byte (0 for an empty message).
    constexpr std::uint8_t status() const noexcept { return bytes[0]; }
    /// True for a message addressed to a channel (0x80–0xEF).
    constexpr bool isChannelMessage() const noexcept { return bytes[0] >= 0x80 && bytes[0] < 0xF0; }
    /// The kind: a kind:: channel kind (status without its channel) or the whole system status.
    constexpr std::uint8_t type() const noexcept { return isChannelMessage() ? bytes[0] & 0xF0 : bytes[0]; }
    /// The channel, 0–15 (MIDI's channels 1–16); 0 for a system message.
    constexpr std::uint8_t channel() const noexcept { return isChannelMessage() ? bytes[0] & 0x0F : 0; }
    /// True for a system realtime message (0xF8–0xFF), which may arrive inside any other.
    constexpr bool isRealtime() const noexcept { return bytes[0] >= 0xF8; }

    /// A note-on with a velocity above 0.
    constexpr bool isNoteOn() const noexcept { return type() == kind::noteOn && bytes[2] > 0; }
    /// A note-off, or a note-on with velocity 0 (which MIDI defines as a note-off).
    constexpr bool isNoteOff() const noexcept
    {
        return type() == kind::noteOff || (type() == kind::noteOn && bytes[2] == 0);
    }

    /// The note number of a note or polyphonic pressure message.
    constexpr std::uint8_t note() const noexcept { return bytes[1]; }
    /// The velocity of a note message (the pressure of a polyphonic pressure message).
    constexpr std::uint8_t velocity() const noexcept { return bytes[2]; }
    /// The controller number of a control change.
    constexpr std::uint8_t controller() const noexcept { return bytes[1]; }
    /// The value of a control change.
    constexpr std::uint8_t value() const noexcept { return bytes[2]; }
    /// The program number of a program change.
    constexpr std::uint8_t program() const noexcept { return bytes[1]; }
    /// The 14-bit value of a pitch bend: 0–16383, centre (no bend) 8192.
    constexpr int pitchBend() const noexcept { return int(bytes[1]) | (int(bytes[2]) << 7); }

    /// Same size and bytes.
    friend constexpr bool operator==(const MidiMessage&, const MidiMessage&) noexcept = default;
};

static_assert(std::is_trivially_copyable_v<MidiMessage> && std::is_standard_layout_v<MidiMessage>,
    "MIDI messages cross threads by copy");

namespace detail {
constexpr std::uint8_t clampTo(int v, int max) noexcept { return std::uint8_t(v < 0 ? 0 : v > max ? max : v); }
constexpr MidiMessage channelMessage(std::uint8_t type, int channel, int data1, int data2) noexcept
{
    MidiMessage m;
    m.bytes[0] = std::uint8_t(type | clampTo(channel, 15));
    m.bytes[1] = clampTo(data1, 127);
    m.size = std::uint8_t(expectedSize(type));
    if (m.size == 3)
        m.bytes[2] = clampTo(data2, 127);
    return m;
}
} // namespace detail

// The factories clamp every argument into its range (channel 0–15, data 0–127, pitch bend
// 0–16383), so whatever they are given, what they make is a valid message.

/// A note-on; velocity 0 makes a note-off (MIDI's rule).
constexpr MidiMessage noteOn(int channel, int note, int velocity) noexcept
{
    return detail::channelMessage(kind::noteOn, channel, note, velocity);
}
/// A note-off with a release velocity.
constexpr MidiMessage noteOff(int channel, int note, int velocity = 0) noexcept
{
    return detail::channelMessage(kind::noteOff, channel, note, velocity);
}
/// A control change.
constexpr MidiMessage controlChange(int channel, int controller, int value) noexcept
{
    return detail::channelMessage(kind::controlChange, channel, controller, value);
}
/// A program change.
constexpr MidiMessage programChange(int channel, int program) noexcept
{
    return detail::channelMessage(kind::programChange, channel, program, 0);
}
/// A pitch bend of value14 (0–16383, centre 8192).
constexpr MidiMessage pitchBend(int channel, int value14) noexcept
{
    const int v = value14 < 0 ? 0 : value14 > 16383 ? 16383 : value14;
    return detail::channelMessage(kind::pitchBend, channel, v & 0x7F, v >> 7);
}

} // namespace backline::midi
