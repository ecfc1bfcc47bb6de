// SPDX-License-Identifier: GPL-3.0-or-later
// Measuring a gain frame by frame from what two channels play (a tone and its reference), for
// the morph tests offline (tests/engine/MorphTest.cpp) and at JACK's ports (the scene tests).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace backline::test::gain {

inline constexpr double invalid = std::numeric_limits<double>::quiet_NaN();

/// x's gain in dB per frame, where the reference is loud enough to divide by (NaN elsewhere).
inline std::vector<double> gainDb(const std::vector<float>& x, const std::vector<float>& ref)
{
    std::vector<double> g(std::min(x.size(), ref.size()), invalid);
    for (std::size_t i = 0; i < g.size(); ++i)
        if (std::fabs(ref[i]) >= 0.05f)
            g[i] = 20.0 * std::log10(std::fabs(double(x[i]) / double(ref[i])));
    return g;
}

/// The largest change of g from one frame to the next, over frames both measured, leaving out
/// the built-in smoother's snaps: backline.lib's glide snaps onto its input once within 3e-5 of
/// it in amplitude (-90 dB, far below hearing; at a gain of -30 dB a step of 0.008 dB), which a
/// morph's moving input meets now and then.
inline double maxStep(const std::vector<double>& g)
{
    double most = 0.0;
    for (std::size_t i = 1; i < g.size(); ++i) {
        if (std::isnan(g[i]) || std::isnan(g[i - 1]))
            continue;
        const double amplitude = std::fabs(std::pow(10.0, g[i] / 20.0) - std::pow(10.0, g[i - 1] / 20.0));
        if (amplitude > 3.2e-5) // 3e-5, and float rounding
            most = std::max(most, std::fabs(g[i] - g[i - 1]));
    }
    return most;
}

/// The median of the measured values of g in [from, to).
inline double levelAt(const std::vector<double>& g, std::size_t from, std::size_t to)
{
    std::vector<double> v;
    for (std::size_t i = from; i < std::min(to, g.size()); ++i)
        if (!std::isnan(g[i]))
            v.push_back(g[i]);
    if (v.empty())
        return invalid;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

/// The smoothing bound of a morph: no frame-to-frame step larger than twice its mean speed (but
/// for the smoother's snaps, see maxStep). Each stretch (config::morphSliceFrames) moves the zone
/// by the curve's change over it and the built-in DSP's 20 ms smoother joins the steps up, so
/// the speed wavers around the mean and stays under twice it (measured: 1.07 times for -40 to
/// 0 dB in 1 s; a plain set of the same change glides in 20 ms, 50 times shorter than this fade).
inline double morphBound(double fromDb, double toDb, double seconds, double sampleRate = 48000.0)
{
    return 2.0 * std::fabs(toDb - fromDb) / (seconds * sampleRate);
}

} // namespace backline::test::gain
