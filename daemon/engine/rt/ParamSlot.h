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

#include <cmath>
#include <cstdint>

namespace backline::engine {

/// Where a parameter's value goes on the audio thread.
struct ParamSlot {
    FAUSTFLOAT* zone = nullptr; ///< a Faust zone, or one of the graph's own switches
    Smoother smoother;          ///< Smoothing::Engine only: the ramp the zone follows
    Smoothing smoothing = Smoothing::None;
    MorphCurve curve = MorphCurve::Linear; ///< how it moves in a morph
    /// Smoothing::Engine only: the ramp runs in ln(value), by equal ratios, as a frequency or a
    /// Q must glide for a sweep not to rush through the low octaves (the built-ins that leave
    /// their smoothing to the engine: their controls with a positive range on a log scale).
    bool geometric = false;
    float exact = 0.0f; ///< geometric only: the value the ramp heads for, as set (exp(ln(v)) may miss it)

    /// [control] Ramps of rampFrames (0: none) and the value it starts at, with no ramp pending.
    void prepare(std::uint32_t rampFrames, float initial) noexcept
    {
        smoother.prepare(rampFrames, domain(initial));
        exact = initial;
    }
    /// [control] Starts at value, with no ramp pending.
    void reset(float value) noexcept
    {
        smoother.reset(domain(value));
        exact = value;
    }

    /// [audio] Sets the value: a ramp for engine-smoothed parameters, the zone directly
    /// otherwise (built-ins smooth in Faust, the engine's switches glide in the node reading them).
    void set(float value) noexcept BACKLINE_NONBLOCKING
    {
        if (smoothing == Smoothing::Engine) {
            smoother.setTarget(domain(value));
            exact = value;
        } else {
            *zone = value;
        }
    }

    /// [audio] One stretch of a morph: the value to be at frames from now. An engine-smoothed
    /// parameter ramps there in exactly that time; any other has its zone set to it at once and
    /// glides there by its own smoothing (Faust's per sample, a node's glide).
    void glideTo(float value, std::uint32_t frames) noexcept BACKLINE_NONBLOCKING
    {
        if (smoothing == Smoothing::Engine) {
            smoother.glideTo(domain(value), frames);
            exact = value;
        } else {
            *zone = value;
        }
    }

    /// [audio] Where the value is now: what a morph taking over starts from.
    float value() const noexcept BACKLINE_NONBLOCKING
    {
        if (smoothing != Smoothing::Engine)
            return *zone;
        return geometric && smoother.ramping() ? float(std::exp(smoother.current())) : unit(smoother.current());
    }

    /// [audio] Engine-smoothed: true while its ramp runs.
    bool ramping() const noexcept BACKLINE_NONBLOCKING { return smoother.ramping(); }

    /// [audio] Engine-smoothed: moves frames along the ramp and sets the zone to the value for
    /// the next frames (exactly the value set once the ramp has landed).
    void advance(std::uint32_t frames) noexcept BACKLINE_NONBLOCKING
    {
        const float u = smoother.advance(frames);
        *zone = geometric && smoother.ramping() ? float(std::exp(u)) : unit(u);
    }

    /// [audio] Engine-smoothed: ends the ramp at its target now and sets the zone there, for a
    /// DSP starting from rest (nothing sounds that a jump could click in).
    void land() noexcept BACKLINE_NONBLOCKING
    {
        smoother.land();
        *zone = unit(smoother.current());
    }

private:
    /// The ramp's domain for a value of the parameter.
    float domain(float value) const noexcept { return geometric ? float(std::log(value)) : value; }
    /// The parameter's value for a landed ramp at u: exactly what was set.
    float unit(float u) const noexcept { return geometric ? exact : u; }
};

} // namespace backline::engine
