// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscPacket.h"

#include "control/osc/OscConfig.h"

#include <fmt/format.h>

#include <cstring>

namespace backline::control {

namespace {

std::uint32_t readU32(const std::uint8_t* p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}

std::uint64_t readU64(const std::uint8_t* p) { return std::uint64_t(readU32(p)) << 32 | readU32(p + 4); }

/// The NUL-terminated string at the start of bytes (cut at the end of bytes).
std::string_view leadingString(std::span<const std::uint8_t> bytes, std::size_t limit)
{
    // An empty span may have no data at all, and strnlen must never see a null pointer.
    if (bytes.empty())
        return {};
    const auto* text = reinterpret_cast<const char*>(bytes.data());
    const std::size_t n = std::min(bytes.size(), limit);
    return std::string_view(text, strnlen(text, n));
}

/// The type tag string of a message whose address is known to end in bounds, for error text.
std::string_view typeTagsOf(std::span<const std::uint8_t> bytes, std::size_t addressLength)
{
    const std::size_t at = (addressLength + 4) & ~std::size_t(3);
    if (at >= bytes.size() || bytes[at] != ',')
        return {};
    return leadingString(bytes.subspan(at), 64);
}

std::string whyInvalid(int code, std::string_view types)
{
    switch (code) {
    case LO_ENOTYPE:
        return "malformed message: no type tag string after the address";
    case LO_EBADTYPE:
        return "malformed message: the type tag string must start with ','";
    case LO_EINVALIDTYPE:
    case LO_EINVALIDARG:
        for (char t : types.substr(std::min<std::size_t>(1, types.size())))
            if (!std::strchr("ifsbhtdScmTFNI", t))
                return fmt::format("unsupported argument type '{}' (type tags '{}')", t, types);
        return fmt::format("malformed message: its arguments do not match its type tags '{}' (truncated?)", types);
    case LO_ESIZE:
        return "malformed message: its size is not a multiple of 4 or does not match its contents (truncated?)";
    case LO_ETERM:
    case LO_EPAD:
        return "malformed message: a string is not terminated or not padded to 4 bytes (truncated?)";
    case LO_EINVALIDPATH:
        return "malformed message: the address must start with '/'";
    default:
        return fmt::format("malformed message (liblo error {})", code);
    }
}

class Parser {
public:
    OscInPacket parse(std::span<const std::uint8_t> bytes)
    {
        if (isBundle(bytes)) {
            packet_.bundle = true;
            if (bytes.size() >= 16)
                packet_.timetag = readU64(bytes.data() + 8);
            bundle(bytes, 1, packet_.timetag);
        } else {
            message(bytes);
        }
        if (packet_.error)
            packet_.messages.clear();
        return std::move(packet_);
    }

private:
    static bool isBundle(std::span<const std::uint8_t> bytes)
    {
        return bytes.size() >= 8 && std::memcmp(bytes.data(), "#bundle\0", 8) == 0;
    }

    void fail(std::string address, std::string message)
    {
        if (!packet_.error)
            packet_.error = PacketError {std::move(address), std::move(message)};
    }

    void bundle(std::span<const std::uint8_t> bytes, int depth, std::uint64_t parentTime)
    {
        if (depth > config::oscMaxBundleDepth)
            return fail("#bundle", fmt::format("bundles nested deeper than {} are refused", config::oscMaxBundleDepth));
        if (bytes.size() < 16 || bytes.size() % 4 != 0)
            return fail("#bundle", "malformed bundle: shorter than its 16-byte header or not a multiple of 4 bytes");
        const std::uint64_t time = readU64(bytes.data() + 8);
        if (depth > 1 && time != parentTime && time != oscImmediately)
            return fail("#bundle",
                "a nested bundle must carry its parent's time (or 'immediately'); send separate packets for "
                "separate times");
        std::size_t at = 16;
        while (at < bytes.size() && !packet_.error) {
            if (bytes.size() - at < 4)
                return fail("#bundle", "malformed bundle: an element's size is cut off (truncated?)");
            const std::uint32_t size = readU32(bytes.data() + at);
            at += 4;
            if (size == 0 || size % 4 != 0 || size > bytes.size() - at)
                return fail("#bundle",
                    fmt::format("malformed bundle: an element claims {} bytes where {} remain (truncated?)", size,
                        bytes.size() - at));
            const auto element = bytes.subspan(at, size);
            if (isBundle(element))
                bundle(element, depth + 1, time);
            else
                message(element);
            at += size;
        }
    }

    void message(std::span<const std::uint8_t> bytes)
    {
        if (packet_.messages.size() >= config::oscMaxMessagesPerPacket)
            return fail("#bundle", fmt::format("more than {} messages in one packet", config::oscMaxMessagesPerPacket));
        const std::string_view address = leadingString(bytes, config::oscMaxAddressLength + 1);
        if (address.size() > config::oscMaxAddressLength)
            return fail(printableAddress(address),
                fmt::format("address longer than {} characters", config::oscMaxAddressLength));
        if (bytes.empty() || bytes[0] != '/')
            return fail(printableAddress(address),
                bytes.empty() ? "empty packet" : "malformed message: the address must start with '/'");
        int result = 0;
        // liblo copies the bytes and checks every string, size and type tag against the length.
        lo_message decoded = lo_message_deserialise(const_cast<std::uint8_t*>(bytes.data()), bytes.size(), &result);
        if (!decoded)
            return fail(printableAddress(address), whyInvalid(result, typeTagsOf(bytes, address.size())));
        OscInMessage m;
        m.message.reset(decoded);
        m.address = address;
        m.types = lo_message_get_types(decoded);
        m.argc = lo_message_get_argc(decoded);
        m.argv = lo_message_get_argv(decoded);
        packet_.messages.push_back(std::move(m));
    }

    OscInPacket packet_;
};

} // namespace

std::string printableAddress(std::string_view address)
{
    std::string out;
    const std::size_t n = std::min(address.size(), config::oscErrorAddressEcho);
    out.reserve(n + 3);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(address[i]);
        out += c >= 0x20 && c < 0x7f ? char(c) : '?';
    }
    if (address.size() > n)
        out += "...";
    return out;
}

OscInPacket parsePacket(std::span<const std::uint8_t> bytes)
{
    return Parser().parse(bytes);
}

} // namespace backline::control
