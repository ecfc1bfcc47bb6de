// SPDX-License-Identifier: GPL-3.0-or-later
// AutoConnect: the session's auto-connect rules carried out on a JACK client ([control]).
#pragma once

#include "port/ConnectionRule.h"

#include <jack/jack.h>

#include <cstddef>
#include <string>
#include <vector>

namespace backline::jack {

/// Whether pattern names the port called name: the whole name, or else a match of the POSIX
/// extended regular expression anywhere in it (jack_get_ports' own rule). A pattern that does
/// not compile names nothing.
bool portNamedBy(const std::string& pattern, const std::string& name);

/// [control] Connects every output port rule.from names to every input port of the same type
/// rule.to names, where they are not connected yet. Returns the connections made.
std::size_t applyRule(jack_client_t* client, const port::ConnectionRule& rule);

/// [control] What rules ask of the port called name, which just appeared: its connections to
/// the ports on the rules' other side. Returns the connections made.
std::size_t applyRulesTo(jack_client_t* client, const std::vector<port::ConnectionRule>& rules, const std::string& name);

/// [control] How many connections rule asks for are there now.
std::size_t connectionsOf(jack_client_t* client, const port::ConnectionRule& rule);

} // namespace backline::jack
