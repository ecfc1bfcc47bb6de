// SPDX-License-Identifier: GPL-3.0-or-later
// MidiParser: the byte-by-byte state machine, run by the thread that reads the port.
#include "midi/MidiParser.h"

namespace backline::midi {

namespace {

/// A message of size bytes (1–3) from its status and data bytes; the bytes past size are zero.
void emit(MidiMessage& out, std::uint8_t status, std::uint8_t size, std::uint8_t data1 = 0, std::uint8_t data2 = 0) noexcept
    BACKLINE_NONBLOCKING
{
    out.bytes[0] = status;
    out.bytes[1] = size > 1 ? data1 : 0;
    out.bytes[2] = size > 2 ? data2 : 0;
    out.size = size;
}

} // namespace

bool MidiParser::push(std::uint8_t byte, MidiMessage& out) noexcept
{
    if (byte >= kind::clock) {
        // Realtime: whole in one byte and allowed anywhere, so whatever is under way (a
        // message, a SysEx) is left as it is and goes on with the next byte.
        if (expectedSize(byte) == 0) { // 0xF9, 0xFD: undefined
            ++droppedBytes_;
            return false;
        }
        emit(out, byte, 1);
        return true;
    }
    if (byte >= 0x80)
        return readStatus(byte, out);

    switch (state_) {
    case State::Sysex:
        return false; // SysEx content: skipped, never stored
    case State::Idle:
        if (status_ == 0) {
            ++droppedBytes_; // a data byte with no status to belong to
            return false;
        }
        // Running status: this data byte starts another message of the last channel status.
        state_ = State::Message;
        have_ = 0;
        pending_ = 0;
        break;
    case State::Message:
        break;
    }
    data_[have_++] = byte;
    ++pending_;
    const auto size = std::uint8_t(expectedSize(status_)); // 2 or 3 in State::Message
    if (have_ + 1 < size)
        return false;
    emit(out, status_, size, data_[0], data_[1]);
    state_ = State::Idle;
    have_ = 0;
    pending_ = 0;
    if (status_ >= 0xF0)
        status_ = 0; // a system common message leaves no running status
    return true;
}

bool MidiParser::readStatus(std::uint8_t byte, MidiMessage& out) noexcept
{
    dropPending();
    if (state_ == State::Sysex) {
        state_ = State::Idle;
        if (byte == kind::sysexEnd)
            return false; // the SysEx ended as it should
        ++truncatedSysex_;
    }
    // Every status byte but realtime ends running status (MIDI 1.0), the undefined ones too.
    state_ = State::Idle;
    status_ = 0;
    have_ = 0;
    pending_ = 0;
    if (byte == kind::sysexStart) {
        state_ = State::Sysex;
        return false;
    }
    switch (expectedSize(byte)) {
    case 0: // 0xF4, 0xF5 (undefined) or an 0xF7 with no SysEx to end
        ++droppedBytes_;
        return false;
    case 1: // tune request
        emit(out, byte, 1);
        return true;
    default: // a channel message or a system common one with data to come
        status_ = byte;
        state_ = State::Message;
        pending_ = 1;
        return false;
    }
}

void MidiParser::dropPending() noexcept
{
    if (state_ == State::Message)
        droppedBytes_ += pending_;
}

void MidiParser::reset() noexcept
{
    state_ = State::Idle;
    status_ = 0;
    have_ = 0;
    pending_ = 0;
}

} // namespace backline::midi
