// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscWriter.h"

#include <lo/lo.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace backline::control {

/// A received message, decoded and checked by liblo; argv stays valid while it lives.
struct OscInMessage {
    struct Free {
        void operator()(void* m) const { lo_message_free(static_cast<lo_message>(m)); }
    };
    std::string address;
    std::string types;
    int argc = 0;
    lo_arg** argv = nullptr;
    std::unique_ptr<void, Free> message; ///< the lo_message owning argv
};

/// Why a packet was refused: the address an /error reply names, and the reason in words.
struct PacketError {
    std::string address;
    std::string message;
};

/// A received packet: one message, or every message of a bundle in order (bundles nested in
/// it flattened: the packet is one unit that applies at one time).
struct OscInPacket {
    bool bundle = false;
    std::uint64_t timetag = oscImmediately; ///< NTP format; oscImmediately for plain messages
    std::vector<OscInMessage> messages;
    std::optional<PacketError> error; ///< set: the packet is refused whole and messages is empty
};

/// [any] Decodes a UDP datagram or a TCP frame. Never trusts a length: a truncated, mis-sized
/// or oddly typed packet comes back with `error` set. Bundles nested deeper than
/// config::oscMaxBundleDepth, more than config::oscMaxMessagesPerPacket messages, addresses
/// longer than config::oscMaxAddressLength and nested bundles stamped with a time other than
/// their parent's are refused too.
OscInPacket parsePacket(std::span<const std::uint8_t> bytes);

/// An address made fit to echo in an /error reply: non-printable characters replaced, at most
/// config::oscErrorAddressEcho characters.
std::string printableAddress(std::string_view address);

} // namespace backline::control
