// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace backline::control {

/// One OSC message to send back: an address and its arguments (int32, float32 or string).
struct OscReply {
    using Arg = std::variant<int, float, std::string>;
    std::string address;
    std::vector<Arg> args;
};

} // namespace backline::control
