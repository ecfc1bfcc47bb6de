// SPDX-License-Identifier: GPL-3.0-or-later
// The click bound every control sweep is held to (tests/faust/SmoothingTest.cpp explains it;
// tests/engine/StripSmoothingTest.cpp holds the strip's sections, ramped by the engine, to it).
#pragma once

#include <cstddef>
#include <vector>

namespace backline::test {

/// The largest step allowed, in units of a clean sine's largest step at the output's local level.
inline constexpr double clickBoundRatio = 1.25;
/// Frames either side over which the output's local level is its peak: 10 ms at 48 kHz.
inline constexpr std::size_t clickBoundWindow = 480;
/// Steps this small (-90 dBFS: a smoother's final snap onto its target) are not counted.
inline constexpr double clickBoundSnap = 3.1e-5;

/// Worst (|y[n]-y[n-1]| - clickBoundSnap) / (inputStep * G(n)) over out[from...], where G(n) is
/// out's peak over n ± clickBoundWindow divided by inputPeak; 0 for steps within the allowance.
double worstStepRatio(const std::vector<float>& out, double inputPeak, double inputStep, std::size_t from);

} // namespace backline::test
