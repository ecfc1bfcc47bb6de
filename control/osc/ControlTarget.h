// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/ParamControl.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backline::control {

/// What the daemon reports in /status.
struct DaemonStatus {
    std::string session;
    int sampleRate = 0;
    int bufferSize = 0;
    std::uint64_t xruns = 0;
    std::uint64_t droppedCommands = 0;
    double uptimeSeconds = 0.0;
    int tracks = 0;
};

/// What control surfaces may ask of the daemon. Implemented by the daemon, called from the OSC
/// server's thread (and later MIDI and web); implementations are thread-safe.
class ControlTarget {
public:
    virtual ~ControlTarget() = default;
    /// [control] Validates and applies a parameter value; returns the value applied.
    virtual Result<float> setParam(std::string_view address, double value) = 0;
    /// [control] A parameter's description and current value.
    virtual Result<engine::ParamState> getParam(std::string_view address) = 0;
    /// [control] Every parameter with its value.
    virtual std::vector<engine::ParamState> params() = 0;
    /// [control] Reloads the session file; on failure the running graph is untouched.
    virtual Result<void> reloadSession() = 0;
    /// [control] A snapshot of the daemon's state.
    virtual DaemonStatus status() = 0;
};

} // namespace backline::control
