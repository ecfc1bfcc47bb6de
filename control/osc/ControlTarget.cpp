// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ControlTarget.h"

namespace backline::control {

const char* toString(TransportState state)
{
    return state == TransportState::Rolling ? "rolling" : "stopped";
}

const char* toString(RecordingState state)
{
    switch (state) {
    case RecordingState::Idle:
        return "idle";
    case RecordingState::Recording:
        return "recording";
    case RecordingState::Unavailable:
        break;
    }
    return "unavailable";
}

} // namespace backline::control
