// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/StreamFraming.h"

namespace backline::control {

namespace {

constexpr std::uint8_t slipEnd = 0xC0;
constexpr std::uint8_t slipEsc = 0xDB;
constexpr std::uint8_t slipEscEnd = 0xDC;
constexpr std::uint8_t slipEscEsc = 0xDD;

} // namespace

bool StreamDecoder::feed(std::span<const std::uint8_t> bytes, std::vector<std::vector<std::uint8_t>>& packets,
    std::size_t maxPacket)
{
    if (bytes.empty())
        return true;
    if (framing_ == Framing::Unknown)
        framing_ = bytes[0] == slipEnd ? Framing::Slip : Framing::LengthPrefix;
    return framing_ == Framing::Slip ? feedSlip(bytes, packets, maxPacket) : feedPrefixed(bytes, packets, maxPacket);
}

bool StreamDecoder::feedPrefixed(std::span<const std::uint8_t> bytes,
    std::vector<std::vector<std::uint8_t>>& packets, std::size_t maxPacket)
{
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    std::size_t at = 0;
    while (buffer_.size() - at >= 4) {
        const std::uint32_t size = std::uint32_t(buffer_[at]) << 24 | std::uint32_t(buffer_[at + 1]) << 16
            | std::uint32_t(buffer_[at + 2]) << 8 | std::uint32_t(buffer_[at + 3]);
        if (size > maxPacket)
            return false;
        if (buffer_.size() - at - 4 < size)
            break;
        packets.emplace_back(buffer_.begin() + std::ptrdiff_t(at + 4), buffer_.begin() + std::ptrdiff_t(at + 4 + size));
        at += 4 + size;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + std::ptrdiff_t(at));
    return true;
}

bool StreamDecoder::feedSlip(std::span<const std::uint8_t> bytes, std::vector<std::vector<std::uint8_t>>& packets,
    std::size_t maxPacket)
{
    for (const std::uint8_t b : bytes) {
        if (b == slipEnd) {
            if (!buffer_.empty())
                packets.push_back(std::move(buffer_));
            buffer_.clear();
            escaped_ = false;
            continue;
        }
        if (escaped_) {
            buffer_.push_back(b == slipEscEnd ? slipEnd : b == slipEscEsc ? slipEsc : b);
            escaped_ = false;
        } else if (b == slipEsc) {
            escaped_ = true;
        } else {
            buffer_.push_back(b);
        }
        if (buffer_.size() > maxPacket)
            return false;
    }
    return true;
}

void appendFramed(Framing framing, std::span<const std::uint8_t> packet, std::vector<std::uint8_t>& out)
{
    if (framing != Framing::Slip) {
        const auto size = std::uint32_t(packet.size());
        const std::uint8_t prefix[4] = {std::uint8_t(size >> 24), std::uint8_t(size >> 16), std::uint8_t(size >> 8),
            std::uint8_t(size)};
        out.insert(out.end(), prefix, prefix + 4);
        out.insert(out.end(), packet.begin(), packet.end());
        return;
    }
    out.push_back(slipEnd);
    for (const std::uint8_t b : packet) {
        if (b == slipEnd) {
            out.push_back(slipEsc);
            out.push_back(slipEscEnd);
        } else if (b == slipEsc) {
            out.push_back(slipEsc);
            out.push_back(slipEscEsc);
        } else {
            out.push_back(b);
        }
    }
    out.push_back(slipEnd);
}

} // namespace backline::control
