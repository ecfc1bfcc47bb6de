// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "port/Param.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace backline::port {

/// The parameters of the running session, as every surface reaches them: implemented by the
/// engine's control side (engine::ParamControl), which validates, remembers and queues each
/// change for the audio thread. Thread-safe; never called on the audio thread.
class ParamPort {
public:
    virtual ~ParamPort() = default;
    /// Validates and applies a value; returns the value applied (snapped to the step). The
    /// error says why not: an unknown address (with the nearest known one), NaN or infinity,
    /// out of range, not 0 or 1 for a switch.
    virtual Result<float> set(std::string_view address, double value) = 0;
    /// Validates every change by the rules set() applies; the error names the first bad one.
    virtual Result<void> check(std::span<const ParamChange> changes) const = 0;
    /// Validates every change and applies all or none, together in one audio block: at engine
    /// frame atFrame (0: the next block). dueNs is when that frame sounds (CLOCK_MONOTONIC; 0:
    /// now), for listeners to show the values then.
    virtual Result<void> setBatch(std::span<const ParamChange> changes, std::uint64_t atFrame = 0,
        std::int64_t dueNs = 0)
        = 0;
    /// A parameter's description and current value.
    virtual Result<ParamState> get(std::string_view address) const = 0;
    /// Every parameter with its value, in the session's order.
    virtual std::vector<ParamState> all() const = 0;
};

} // namespace backline::port
