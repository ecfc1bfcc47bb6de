// SPDX-License-Identifier: GPL-3.0-or-later
// The /connections… routes: the session's auto-connect rules, listed and edited live. On the
// job thread: each asks JACK about ports, and waits for a reload holding the session.
#include "control/osc/OscDispatcher.h"

#include <fmt/format.h>

#include <climits>

namespace backline::control {

namespace {

/// The rule two string arguments name (s:from s:to), or nullopt with the problem said.
std::optional<port::ConnectionRule> ruleArgs(const OscCall& call, std::string& problem)
{
    auto args = textArgs(call.types, call.argv, call.argc, problem);
    if (!args)
        return std::nullopt;
    if (args->size() != 2) {
        problem = fmt::format("expects two strings, the output ports and the input ports (s:from s:to), got {} "
                              "argument{}",
            args->size(), args->size() == 1 ? "" : "s");
        return std::nullopt;
    }
    return port::ConnectionRule {std::move((*args)[0]), std::move((*args)[1])};
}

} // namespace

void OscDispatcher::connections(OscCall& call)
{
    if (call.argc != 0) {
        call.out.push_back(errorReply(call.address, "takes no arguments (add and remove rules with "
                                                    "/connections/add and /connections/remove)"));
        return;
    }
    const auto states = control_.connections();
    for (const auto& state : states)
        call.out.push_back(OscReply {"/connections/rule",
            {state.rule.from, state.rule.to, int(std::min<std::size_t>(state.held, INT_MAX))}});
    call.out.push_back(OscReply {"/connections/end", {int(states.size())}});
}

void OscDispatcher::connectionsAdd(OscCall& call)
{
    std::string problem;
    auto rule = ruleArgs(call, problem);
    if (!rule) {
        call.out.push_back(errorReply(call.address, problem));
        return;
    }
    auto made = control_.addConnection(*rule);
    if (!made) {
        call.out.push_back(errorReply(call.address, made.error().message));
        return;
    }
    call.out.push_back(OscReply {"/connections/added", {rule->from, rule->to, int(std::min<std::size_t>(*made, INT_MAX))}});
}

void OscDispatcher::connectionsRemove(OscCall& call)
{
    std::string problem;
    auto rule = ruleArgs(call, problem);
    if (!rule) {
        call.out.push_back(errorReply(call.address, problem));
        return;
    }
    if (auto r = control_.removeConnection(*rule); !r) {
        call.out.push_back(errorReply(call.address, r.error().message));
        return;
    }
    call.out.push_back(OscReply {"/connections/removed", {rule->from, rule->to}});
}

} // namespace backline::control
