// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "core/AddressRange.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct sockaddr;

namespace backline::control {

/// Which client addresses the OSC server answers. Packets from anywhere else are dropped
/// unread and counted.
class AccessList {
public:
    /// Loopback and the private LAN ranges: 127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12,
    /// 192.168.0.0/16, 169.254.0.0/16 (link-local), fc00::/7 (unique local), fe80::/10.
    static AccessList defaults();
    /// Exactly the ranges given.
    explicit AccessList(std::vector<AddressRange> ranges)
        : ranges_(std::move(ranges))
    {
    }

    /// The file read when a session has no `osc.allow`.
    static constexpr const char* systemFile = "/etc/backline/osc-allow";
    /// [control] Reads a file of ranges, one per line (`#` starts a comment); nullopt when the
    /// file does not exist, an error naming file:line when a line is not a range.
    static Result<std::optional<AccessList>> fromFile(const std::filesystem::path& file);
    /// [control] The list for a session: its `osc.allow` when given, else systemFile when it
    /// exists, else defaults(). A broken systemFile is reported in *warning and loopback only
    /// is allowed (the safe reading of a list that cannot be read).
    static AccessList forSession(const std::optional<std::vector<AddressRange>>& allow,
        std::string* warning, const std::filesystem::path& file = systemFile);

    /// [any] Whether peer may talk to the server.
    bool allows(const sockaddr* peer) const;
    /// The ranges allowed.
    const std::vector<AddressRange>& ranges() const noexcept { return ranges_; }
    /// "127.0.0.0/8, ::1, …" for logs.
    std::string describe() const;

private:
    std::vector<AddressRange> ranges_;
};

} // namespace backline::control
