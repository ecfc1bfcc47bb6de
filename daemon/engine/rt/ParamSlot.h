// SPDX-License-Identifier: GPL-3.0-or-later
// ParamSlot: where one parameter's value goes on the audio thread, and the three ways of
// putting it there (a set, one stretch of a morph, a read of where it is). Built with its graph
// off the audio thread; then the audio thread's alone.
#pragma once

#include "core/Nonblocking.h"
#include "engine/ParamInfo.h"
#include "engine/rt/MorphCurve.h"
#include "engine/rt/Smoother.h"
#include "faust/DspFactory.h"

namespace backline::engine {

/// Where a parameter's value goes on the audio thread.
struct ParamSlot {
    FAUSTFLOAT* zone = nullptr; ///< a Faust zone, or one of the graph's own switches
    Smoother smoother;          ///< Smoothing::Engine only: the ramp the zone follows
    Smoothing smoothing = Smoothing::None;
    MorphCurve curve = MorphCurve::Linear; ///< how it moves in a morph

    /// [audio] Sets the value: a ramp for engine-smoothed parameters, the zone directly
    /// otherwise (built-ins smooth in Faust, the engine's switches glide in the node reading them).
    void set(float value) noexcept BACKLINE_NONBLOCKING
    {
        if (smoothing == Smoothing::Engine)
            smoother.setTarget(value);
        else
            *zone = value;
    }

    /// [audio] One stretch of a morph: the value to be at frames from now. An engine-smoothed
    /// parameter ramps there in exactly that time; any other has its zone set to it at once and
    /// glides there by its own smoothing (Faust's per sample, a node's glide).
    void glideTo(float value, std::uint32_t frames) noexcept BACKLINE_NONBLOCKING
    {
        if (smoothing == Smoothing::Engine)
            smoother.glideTo(value, frames);
        else
            *zone = value;
    }

    /// [audio] Where the value is now: what a morph taking over starts from.
    float value() const noexcept BACKLINE_NONBLOCKING
    {
        return smoothing == Smoothing::Engine ? smoother.current() : *zone;
    }
};

} // namespace backline::engine
