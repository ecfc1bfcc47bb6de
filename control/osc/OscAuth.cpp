// SPDX-License-Identifier: GPL-3.0-or-later
// `/auth s:pin` on the OSC thread: the PIN check every transport shares (osc.require_pin).
#include "control/osc/OscSubscriptions.h"

#include "control/osc/OscDispatcher.h"

#include <fmt/format.h>

namespace backline::control {

void OscSubscriptions::auth(OscCall& call)
{
    ClientState& client = *call.client;
    if (call.types != "s") {
        call.out.push_back(errorReply("/auth", "/auth takes the PIN as one string: /auth s:<pin>"));
        return;
    }
    if (!pin_ || !pin_->active()) {
        client.authenticated = true;
        call.out.push_back(OscReply {"/auth/ok", {}});
        return;
    }
    const auto answer
        = pin_->check(PeerAddress::of(client.endpoint), std::string_view(&call.argv[0]->s), call.nowNs);
    switch (answer.verdict) {
    case PinGate::Verdict::Accepted:
        client.authenticated = true;
        call.out.push_back(OscReply {"/auth/ok", {}});
        return;
    case PinGate::Verdict::Wrong:
        call.out.push_back(errorReply("/auth", "wrong PIN"));
        return;
    case PinGate::Verdict::LockedOut:
        call.out.push_back(errorReply("/auth",
            fmt::format("too many wrong PINs from {}: try again in {} s", PeerAddress::of(client.endpoint).str(),
                answer.retryAfter.count())));
        return;
    }
}

} // namespace backline::control
