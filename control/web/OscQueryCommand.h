// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace backline::control {

/// An OSCQuery client's command over the WebSocket (a text message, JSON:
/// `{"COMMAND": "LISTEN", "DATA": "/track/vox/gain"}`, or IGNORE) as the OSC message backline
/// answers it with (`/listen s:address`, `/ignore s:address`), which then takes the OSC
/// server's one path like any packet. nullopt for any other text: not a command of OSCQuery's
/// that backline answers. [web]
std::optional<std::vector<std::uint8_t>> oscQueryCommandPacket(std::string_view text);

} // namespace backline::control
