// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/AddressRange.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace backline {

namespace {

void mapIpv4(const std::uint8_t v4[4], std::array<std::uint8_t, 16>& out)
{
    out.fill(0);
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, v4, 4);
}

void clearHostBits(std::array<std::uint8_t, 16>& bytes, int prefixLength)
{
    for (int bit = prefixLength; bit < 128; ++bit)
        bytes[std::size_t(bit / 8)] &= std::uint8_t(~(0x80u >> (bit % 8)));
}

} // namespace

std::optional<std::array<std::uint8_t, 16>> addressBytes(const sockaddr* peer)
{
    std::array<std::uint8_t, 16> out {};
    if (!peer)
        return std::nullopt;
    if (peer->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(peer);
        mapIpv4(reinterpret_cast<const std::uint8_t*>(&in->sin_addr), out);
        return out;
    }
    if (peer->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(peer);
        std::memcpy(out.data(), &in6->sin6_addr, 16);
        return out;
    }
    return std::nullopt;
}

std::optional<AddressRange> AddressRange::parse(std::string_view text, std::string* problem)
{
    auto fail = [&](std::string why) -> std::optional<AddressRange> {
        if (problem)
            *problem = std::move(why);
        return std::nullopt;
    };
    const std::size_t slash = text.find('/');
    const std::string host(text.substr(0, slash));
    AddressRange range;
    std::uint8_t v4[4];
    int maxPrefix = 128;
    if (inet_pton(AF_INET, host.c_str(), v4) == 1) {
        mapIpv4(v4, range.address);
        range.ipv4 = true;
        maxPrefix = 32;
    } else if (inet_pton(AF_INET6, host.c_str(), range.address.data()) != 1) {
        return fail(fmt::format("'{}' is not an IPv4 or IPv6 address (write e.g. 192.168.1.20, 192.168.0.0/16 or ::1; "
                                "host names are not looked up)",
            host));
    }
    int prefix = maxPrefix;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0
            || prefix > maxPrefix)
            return fail(fmt::format("'{}': the prefix length after '/' must be a whole number from 0 to {}", text,
                maxPrefix));
    }
    range.prefixLength = range.ipv4 ? 96 + prefix : prefix;
    clearHostBits(range.address, range.prefixLength);
    return range;
}

bool AddressRange::contains(const std::array<std::uint8_t, 16>& peer) const
{
    const int full = prefixLength / 8;
    if (std::memcmp(peer.data(), address.data(), std::size_t(full)) != 0)
        return false;
    const int rest = prefixLength % 8;
    if (rest == 0)
        return true;
    const auto mask = std::uint8_t(0xff00u >> rest);
    return (peer[std::size_t(full)] & mask) == address[std::size_t(full)];
}

bool AddressRange::contains(const sockaddr* peer) const
{
    const auto bytes = addressBytes(peer);
    return bytes && contains(*bytes);
}

std::string AddressRange::str() const
{
    char text[INET6_ADDRSTRLEN] {};
    if (ipv4) {
        inet_ntop(AF_INET, address.data() + 12, text, sizeof text);
        return prefixLength == 128 ? std::string(text) : fmt::format("{}/{}", text, prefixLength - 96);
    }
    inet_ntop(AF_INET6, address.data(), text, sizeof text);
    return prefixLength == 128 ? std::string(text) : fmt::format("{}/{}", text, prefixLength);
}

} // namespace backline
