// SPDX-License-Identifier: GPL-3.0-or-later
// The parameter routes (/track/…, /bus/…, /master/…): OSC thread.
#include "control/osc/OscDispatcher.h"

#include "control/osc/OscPacket.h"

#include <fmt/format.h>

namespace backline::control {

void OscDispatcher::param(OscCall& call)
{
    if (const auto target = playAddress(call.address))
        return play(call, *target);
    if (call.argc == 0) {
        auto state = control_.params().get(call.address);
        if (!state)
            call.out.push_back(errorReply(call.address, state.error().message));
        else
            call.out.push_back(OscReply {std::string(call.address), {state->value}});
        return;
    }
    auto fail = [&](std::string message) {
        call.out.push_back(errorReply(call.address, std::move(message)));
        if (call.batch)
            ++call.batch->invalid;
    };
    if (call.argc > 1)
        return fail(fmt::format("expects one number (or none to read it), got {} arguments", call.argc));
    const auto value = numberArg(call.types, call.argv, 0);
    if (!value)
        return fail(fmt::format("expects a number, got {}", typeName(call.types[0])));
    if (call.batch) {
        call.batch->changes.emplace_back(std::string(call.address), *value);
        return;
    }
    if (auto r = control_.params().set(call.address, *value); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
}

} // namespace backline::control
