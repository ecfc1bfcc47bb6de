// SPDX-License-Identifier: GPL-3.0-or-later
#include "TruePeak.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace backline::test {

namespace {

constexpr int phases = 4;

/// A 4x interpolator: weights[j][m + halfTaps - 1] multiplies x[n + m], m in (-halfTaps, halfTaps],
/// for the value at n + j/4 (phase 0, the sample itself, is left empty).
struct Interpolator {
    int halfTaps;
    std::vector<std::vector<double>> weights;
};

Interpolator makeInterpolator(int halfTaps, double beta)
{
    Interpolator h { halfTaps, std::vector<std::vector<double>>(phases) };
    const double norm = std::cyl_bessel_i(0.0, beta);
    for (int j = 1; j < phases; ++j) {
        auto& w = h.weights[std::size_t(j)];
        double sum = 0.0;
        for (int m = -halfTaps + 1; m <= halfTaps; ++m) {
            const double t = double(j) / phases - double(m);
            const double sinc = std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
            const double r = t / halfTaps;
            w.push_back(sinc * std::cyl_bessel_i(0.0, beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / norm);
            sum += w.back();
        }
        for (double& c : w)
            c /= sum; // unit gain at DC
    }
    return h;
}

double measure(const Interpolator& h, std::span<const float> signal, std::size_t from, std::size_t to)
{
    const auto n = std::ptrdiff_t(signal.size());
    double peak = 0.0;
    for (auto i = std::ptrdiff_t(from); i < std::ptrdiff_t(std::min(to, signal.size())); ++i) {
        peak = std::max(peak, std::fabs(double(signal[std::size_t(i)])));
        for (std::size_t j = 1; j < phases; ++j) {
            double v = 0.0;
            for (std::ptrdiff_t m = -h.halfTaps + 1; m <= h.halfTaps; ++m) {
                const std::ptrdiff_t k = i + m;
                if (k >= 0 && k < n)
                    v += h.weights[j][std::size_t(m + h.halfTaps - 1)] * double(signal[std::size_t(k)]);
            }
            peak = std::max(peak, std::fabs(v));
        }
    }
    return peak > 0.0 ? 20.0 * std::log10(peak) : -400.0;
}

const Interpolator& standard()
{
    static const Interpolator h = makeInterpolator(32, 8.0);
    return h;
}

} // namespace

double truePeakDb(std::span<const float> samples) { return measure(standard(), samples, 0, samples.size()); }

double truePeakDb(std::span<const float> signal, std::size_t from, std::size_t to)
{
    return measure(standard(), signal, from, to);
}

double truePeakDbWith(std::span<const float> signal, int halfTaps, double beta)
{
    return measure(makeInterpolator(halfTaps, beta), signal, 0, signal.size());
}

} // namespace backline::test
