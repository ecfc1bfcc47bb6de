// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace backline::port {

/// Something every subscribed surface should hear once, as it happens (a recorder event, a DSP
/// that blew up). Addressed in backline's own address space ("/record/event", "/dsp/fault",
/// documented in control/OSC.md), so each surface forwards it in its own terms.
struct Notice {
    using Arg = std::variant<int, float, std::string>;
    std::string address;
    std::vector<Arg> args;
};

} // namespace backline::port
