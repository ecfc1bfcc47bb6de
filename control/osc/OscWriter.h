// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscReply.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backline::control {

/// The OSC timetag that means "immediately".
inline constexpr std::uint64_t oscImmediately = 1;

/// Serialises OSC 1.0 messages and bundles (big-endian, 4-byte aligned) into a byte buffer.
/// Self-contained so the server writes packets without a liblo allocation per argument.
class OscWriter {
public:
    /// Bytes an encoded message takes.
    static std::size_t messageSize(std::string_view address, std::span<const OscReply::Arg> args);
    /// Bytes an encoded message with one blob argument takes.
    static std::size_t blobMessageSize(std::string_view address, std::size_t blobBytes);

    /// Starts a bundle; messages added until endBundle() go inside it.
    void beginBundle(std::uint64_t timetag = oscImmediately);
    /// Closes the bundle begun last.
    void endBundle();
    /// Appends a message (as a bundle element while a bundle is open).
    void message(std::string_view address, std::span<const OscReply::Arg> args);
    void message(const OscReply& reply) { message(reply.address, reply.args); }
    /// Appends a message whose one argument is a blob.
    void blobMessage(std::string_view address, std::span<const std::uint8_t> blob);

    const std::vector<std::uint8_t>& bytes() const noexcept { return bytes_; }
    std::size_t size() const noexcept { return bytes_.size(); }
    /// Empties the buffer (keeping its capacity).
    void clear();

private:
    void beginElement();
    void endElement();
    void putString(std::string_view text);
    void putInt(std::uint32_t value);
    void putInt64(std::uint64_t value);

    std::vector<std::uint8_t> bytes_;
    std::size_t elementStart_ = 0; // where the open bundle element's size field is
    int bundleDepth_ = 0;
};

/// One packet ready to send.
using OscPacketBytes = std::vector<std::uint8_t>;

/// Packs a stream of messages into packets of at most maxBytes: a lone message goes as itself,
/// several go in immediate bundles. With a sequence header, every packet is a bundle whose
/// first message is `<headerAddress> i:<++sequence>` (feedback numbering).
class PacketPacker {
public:
    explicit PacketPacker(std::size_t maxBytes)
        : maxBytes_(maxBytes)
    {
    }

    /// Numbers every packet: a bundle led by `headerAddress i:n`, n = ++*sequence.
    void sequenceWith(std::string headerAddress, std::uint32_t* sequence);

    /// Adds a message; may complete a packet.
    void add(OscReply message);
    /// Completes the packet under way and returns every packet, in order.
    std::vector<OscPacketBytes> finish();

private:
    void flush();

    std::size_t maxBytes_;
    std::string headerAddress_;
    std::uint32_t* sequence_ = nullptr;
    std::vector<OscReply> pending_;
    std::size_t pendingBytes_ = 0;
    std::vector<OscPacketBytes> packets_;
    OscWriter writer_;
};

} // namespace backline::control
