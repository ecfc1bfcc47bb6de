// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "core/TransportRules.h"
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
    /// Validates every change and applies all or none, however many, together in one audio
    /// block: at engine frame atFrame (0: the next block). dueNs is when that frame sounds
    /// (CLOCK_MONOTONIC; 0: now), for listeners to show the values then.
    virtual Result<void> setBatch(std::span<const ParamChange> changes, std::uint64_t atFrame = 0,
        std::int64_t dueNs = 0)
        = 0;
    /// setBatch() with a fade: validates every change and, all or none, starts them together in
    /// one audio block (at atFrame; 0: the next block), each parameter moving on the audio
    /// thread from wherever it is to its new value over fadeSeconds, along the curve its kind
    /// and unit call for, and landing on it exactly (docs/ARCHITECTURE.md, "Morphs"). A later
    /// morph or set of a parameter takes over from where it has got to. fadeSeconds 0 is
    /// setBatch(); more than config::maxMorphSeconds, negative or not finite is an error.
    /// Listeners are told the new values at dueNs (when the morph starts). A non-zero tag asks
    /// the engine to report the frame it lands on under that tag (engine::Engine::takeLandings:
    /// a scene recall's marker in the take).
    virtual Result<void> morph(std::span<const ParamChange> changes, double fadeSeconds, std::uint64_t atFrame = 0,
        std::int64_t dueNs = 0, std::uint64_t tag = 0)
        = 0;
    /// morph() on the transport's first beat or bar line at or after engine frame notBefore
    /// (0: the next block), found by the audio thread from the transport as it stands at each
    /// block: cycles JACK ran without backline, a locate or a tempo change while the changes
    /// wait move their landing with JACK's transport. The transport stopped (or stopping before
    /// the line): at once (at notBefore). dueNs is the caller's best guess of when the line
    /// sounds, for listeners; tag as for morph().
    virtual Result<void> morphOnLine(std::span<const ParamChange> changes, double fadeSeconds,
        transport::Boundary line, std::uint64_t notBefore = 0, std::int64_t dueNs = 0, std::uint64_t tag = 0)
        = 0;
    /// A parameter's description and current value.
    virtual Result<ParamState> get(std::string_view address) const = 0;
    /// Every parameter with its value, in the session's order.
    virtual std::vector<ParamState> all() const = 0;
};

} // namespace backline::port
