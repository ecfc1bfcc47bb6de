// SPDX-License-Identifier: GPL-3.0-or-later
// ConnectionRule: one auto-connect rule of the session (`connections:`, /connections).
#pragma once

#include <cstddef>
#include <string>

namespace backline::port {

/// Connect every JACK output port `from` names to every input port `to` names, now and
/// whenever a port either names appears later. Each side is a whole port name (as jack_lsp
/// prints it), or else a POSIX extended regular expression matched anywhere in a name, as
/// JACK's own jack_get_ports matches (anchor it with ^ and $ to mean the whole name).
struct ConnectionRule {
    std::string from;
    std::string to;
    bool operator==(const ConnectionRule&) const = default;
};

/// A rule and the connections it holds on JACK now (those of its ports it would connect).
struct ConnectionState {
    ConnectionRule rule;
    std::size_t held = 0;
};

} // namespace backline::port
