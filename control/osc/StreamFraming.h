// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace backline::control {

/// How OSC packets are delimited on a TCP stream.
enum class Framing {
    Unknown,      ///< nothing received yet
    LengthPrefix, ///< OSC 1.0: a big-endian int32 size before each packet (liblo's default)
    Slip,         ///< OSC 1.1: SLIP (RFC 1055) with an END byte on both sides of each packet
};

/// Splits a TCP byte stream into OSC packets. The framing is detected from the first byte
/// (SLIP streams start with END, 0xC0; a size prefix below 16 MB starts with 0).
class StreamDecoder {
public:
    /// Bytes read in; complete packets are appended to packets (each at most maxPacket bytes).
    /// Returns false when the stream can no longer be followed (a frame above maxPacket): the
    /// connection must be closed.
    bool feed(std::span<const std::uint8_t> bytes, std::vector<std::vector<std::uint8_t>>& packets,
        std::size_t maxPacket);
    Framing framing() const noexcept { return framing_; }

private:
    bool feedPrefixed(std::span<const std::uint8_t> bytes, std::vector<std::vector<std::uint8_t>>& packets,
        std::size_t maxPacket);
    bool feedSlip(std::span<const std::uint8_t> bytes, std::vector<std::vector<std::uint8_t>>& packets,
        std::size_t maxPacket);

    Framing framing_ = Framing::Unknown;
    std::vector<std::uint8_t> buffer_;
    bool escaped_ = false;
};

/// Appends packet to out, framed as framing (Unknown is written as LengthPrefix).
void appendFramed(Framing framing, std::span<const std::uint8_t> packet, std::vector<std::uint8_t>& out);

} // namespace backline::control
