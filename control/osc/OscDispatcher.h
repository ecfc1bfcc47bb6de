// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ControlTarget.h"
#include "control/osc/OscReply.h"

#include <lo/lo.h>

#include <string_view>
#include <vector>

namespace backline::control {

/// Turns one decoded OSC message into calls on the daemon and the replies owed to its sender.
/// Independent of sockets so that tests and fuzzers drive it directly. Every invalid message
/// changes nothing and yields one `/error <address> <message>` reply.
class OscDispatcher {
public:
    explicit OscDispatcher(ControlTarget& target)
        : target_(target)
    {
    }

    /// [osc] Handles address with its type tags and arguments; appends replies to out.
    void dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
        std::vector<OscReply>& out);

private:
    void handleParam(std::string_view address, std::string_view types, lo_arg** argv, int argc,
        std::vector<OscReply>& out);

    ControlTarget& target_;
};

/// An `/error <address> <message>` reply.
OscReply errorReply(std::string_view address, std::string message);

} // namespace backline::control
