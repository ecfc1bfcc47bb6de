// SPDX-License-Identifier: GPL-3.0-or-later
// MorphCurve: the path a parameter takes in a morph, by what the parameter is, as the domain in
// which that path is a straight line. Arithmetic only: safe on any thread, the audio thread too.
#pragma once

#include "core/Nonblocking.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace backline::engine {

/// How a parameter moves from one value to another over a morph's fade (chosen for each
/// parameter when its graph is built: engine::morphCurveFor).
enum class MorphCurve : std::uint8_t {
    Linear,    ///< in a straight line in its own unit: pans, percentages, unitless values
    Decibel,   ///< in a straight line in dB (gains, levels, thresholds), linear in amplitude below morphFloorDb
    Geometric, ///< by equal ratios, a straight line in log(value): frequencies, Q, times on a log scale
    Step,      ///< a switch, step or button: one jump, at the fade's start when rising, at its end when falling
};

/// Below this level a straight line in dB is no longer heard as one: a fade from silence
/// (-120 dB, the fader floor) would spend half its length below -60 dB, inaudible, and seem to
/// start late. Under it a Decibel morph moves linearly in amplitude instead.
inline constexpr double morphFloorDb = -60.0;

namespace detail {
/// 20 / ln(10): dB per unit of relative amplitude change. Joining the amplitude line to the dB
/// line with this slope at the floor makes the curve smooth there (no kink in its speed).
inline constexpr double dbPerNeper = 8.685889638065037;
inline constexpr double floorGain = 0.001; // 10^(morphFloorDb / 20)
} // namespace detail

/// [any] Where value lies in the domain in which curve moves in a straight line. Decibel: the
/// level itself from morphFloorDb up; below it, morphFloorDb - 8.69 dB × (1 - gain / gain at
/// the floor), so silence (-120 dB and below) sits 8.69 units under the floor. Geometric:
/// ln(value), for positive values only (a morph with a value ≤ 0 at either end is Linear).
inline double morphDomain(MorphCurve curve, float value) noexcept BACKLINE_NONBLOCKING
{
    switch (curve) {
    case MorphCurve::Decibel: {
        if (value >= morphFloorDb)
            return value;
        const double gain = value <= -120.0f ? 0.0 : std::pow(10.0, double(value) / 20.0);
        return morphFloorDb - detail::dbPerNeper * (1.0 - gain / detail::floorGain);
    }
    case MorphCurve::Geometric:
        return std::log(double(value));
    case MorphCurve::Linear:
    case MorphCurve::Step:
        break;
    }
    return value;
}

/// [any] The value at domain position u: the inverse of morphDomain. A Decibel position at
/// the bottom of the amplitude line is silence, returned as the lowest float (a morph clamps
/// its values between its two ends, so it becomes the end it heads for or came from).
inline float morphValue(MorphCurve curve, double u) noexcept BACKLINE_NONBLOCKING
{
    switch (curve) {
    case MorphCurve::Decibel: {
        if (u >= morphFloorDb)
            return float(u);
        const double gain = detail::floorGain * (1.0 - (morphFloorDb - u) / detail::dbPerNeper);
        // Under -120 dB (the fader floor: silence), rounding aside, is the bottom of the line.
        return gain > 1e-6 ? float(20.0 * std::log10(gain)) : std::numeric_limits<float>::lowest();
    }
    case MorphCurve::Geometric:
        return float(std::exp(u));
    case MorphCurve::Linear:
    case MorphCurve::Step:
        break;
    }
    return float(u);
}

} // namespace backline::engine
