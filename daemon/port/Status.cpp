// SPDX-License-Identifier: GPL-3.0-or-later
#include "port/Recording.h"
#include "port/Status.h"

namespace backline::port {

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
    case RecordingState::Suspended:
        return "suspended";
    case RecordingState::Unavailable:
        break;
    }
    return "unavailable";
}

const char* toString(RecorderState state)
{
    switch (state) {
    case RecorderState::Recording:
        return "recording";
    case RecorderState::Suspended:
        return "suspended";
    case RecorderState::Idle:
        break;
    }
    return "idle";
}

} // namespace backline::port
