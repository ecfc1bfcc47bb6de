// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace backline {

/// A block of network addresses: one address (`192.168.1.20`, `::1`) or a subnet in CIDR
/// notation (`192.168.0.0/16`, `fe80::/10`). IPv4 is kept as IPv4-mapped IPv6 so one
/// comparison covers clients on either family (a dual-stack socket reports IPv4 peers as
/// `::ffff:a.b.c.d`).
struct AddressRange {
    std::array<std::uint8_t, 16> address {}; ///< network byte order, host bits cleared
    int prefixLength = 128;                   ///< leading bits that must match (IPv4 /n is 96 + n)
    bool ipv4 = false;                        ///< written as IPv4 (for display)

    /// Reads `address` or `address/prefix`; nullopt with why in *problem when it is neither.
    static std::optional<AddressRange> parse(std::string_view text, std::string* problem = nullptr);
    /// Whether a socket address (AF_INET or AF_INET6) lies inside.
    bool contains(const sockaddr* peer) const;
    /// Whether a 16-byte (IPv4-mapped for IPv4) address lies inside.
    bool contains(const std::array<std::uint8_t, 16>& peer) const;
    /// As written: `192.168.0.0/16`, `::1`.
    std::string str() const;
};

/// The 16-byte form (IPv4-mapped for AF_INET) of a socket address; nullopt for other families.
std::optional<std::array<std::uint8_t, 16>> addressBytes(const sockaddr* peer);

} // namespace backline
