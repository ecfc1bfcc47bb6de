// SPDX-License-Identifier: GPL-3.0-or-later
// The session's auto-connect rules on a JACK client: which ports a rule names, connecting
// them, counting what it holds ([control]).
#include "jack/AutoConnect.h"

#include <regex.h>

#include <cstring>

namespace backline::jack {

namespace {

/// The ports a pattern names with the given flags (JackPortIsOutput or JackPortIsInput):
/// the one port of that whole name, or else every port the expression matches.
std::vector<jack_port_t*> portsNamed(jack_client_t* client, const std::string& pattern, unsigned long flags)
{
    std::vector<jack_port_t*> ports;
    if (jack_port_t* port = jack_port_by_name(client, pattern.c_str())) {
        if (jack_port_flags(port) & int(flags))
            ports.push_back(port);
        return ports;
    }
    const char** names = jack_get_ports(client, pattern.c_str(), nullptr, flags);
    for (std::size_t i = 0; names && names[i]; ++i)
        if (jack_port_t* port = jack_port_by_name(client, names[i]))
            ports.push_back(port);
    if (names)
        jack_free(names);
    return ports;
}

bool sameType(jack_port_t* a, jack_port_t* b)
{
    return std::strcmp(jack_port_type(a), jack_port_type(b)) == 0;
}

/// Connects from to to unless they are connected; whether a connection was made.
bool link(jack_client_t* client, jack_port_t* from, jack_port_t* to)
{
    if (!sameType(from, to) || jack_port_connected_to(from, jack_port_name(to)))
        return false;
    return jack_connect(client, jack_port_name(from), jack_port_name(to)) == 0;
}

} // namespace

bool portNamedBy(const std::string& pattern, const std::string& name)
{
    if (pattern == name)
        return true;
    regex_t compiled;
    if (regcomp(&compiled, pattern.c_str(), REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    const bool match = regexec(&compiled, name.c_str(), 0, nullptr, 0) == 0;
    regfree(&compiled);
    return match;
}

std::size_t applyRule(jack_client_t* client, const port::ConnectionRule& rule)
{
    std::size_t made = 0;
    const auto inputs = portsNamed(client, rule.to, JackPortIsInput);
    if (inputs.empty())
        return 0;
    for (jack_port_t* from : portsNamed(client, rule.from, JackPortIsOutput))
        for (jack_port_t* to : inputs)
            made += link(client, from, to);
    return made;
}

std::size_t applyRulesTo(jack_client_t* client, const std::vector<port::ConnectionRule>& rules, const std::string& name)
{
    jack_port_t* port = jack_port_by_name(client, name.c_str());
    if (!port)
        return 0; // gone again already
    const bool output = jack_port_flags(port) & JackPortIsOutput;
    std::size_t made = 0;
    for (const auto& rule : rules) {
        if (output && portNamedBy(rule.from, name)) {
            for (jack_port_t* to : portsNamed(client, rule.to, JackPortIsInput))
                made += link(client, port, to);
        } else if (!output && portNamedBy(rule.to, name)) {
            for (jack_port_t* from : portsNamed(client, rule.from, JackPortIsOutput))
                made += link(client, from, port);
        }
    }
    return made;
}

std::size_t connectionsOf(jack_client_t* client, const port::ConnectionRule& rule)
{
    std::size_t held = 0;
    const auto inputs = portsNamed(client, rule.to, JackPortIsInput);
    for (jack_port_t* from : portsNamed(client, rule.from, JackPortIsOutput))
        for (jack_port_t* to : inputs)
            held += sameType(from, to) && jack_port_connected_to(from, jack_port_name(to));
    return held;
}

} // namespace backline::jack
